"""Agreement commands and queries on a temporary database: CRUD, refusals, in force in Q."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from sqlalchemy import func, select

from ylt_desktop.domain.agreement import AgreementData, status_on
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import agreement_terms, institutions
from ylt_desktop.store import agreements as store
from ylt_desktop.store.models import Agreement, AgreementRecipient, AgreementVolume

D = dt.date


def _inst(name: str, body: str, category: str = "乡镇卫生院") -> InstitutionData:
    return InstitutionData(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category=category,
        level="一级",
        joined=D(2020, 1, 1),
    )


@pytest.fixture
def ids(db) -> list[int]:  # noqa: ANN001
    """Three institutions: a county hospital and two township health centres."""
    with db.session() as s:
        return [
            institutions.create_institution(s, data=_inst(n, b, c)).id
            for n, b, c in (
                ("示例县人民医院", "11111111", "综合医院"),
                ("示例县青山镇卫生院", "22222222", "乡镇卫生院"),
                ("示例县大树镇卫生院", "33333333", "乡镇卫生院"),
            )
        ]


def imaging(ids: list[int], **changes) -> AgreementData:  # noqa: ANN003
    base = AgreementData(
        number="YLT-2026-001",
        title="区域医学影像中心共享协议",
        kind="区域医学影像中心",
        provider_id=ids[0],
        recipient_ids=[ids[1], ids[2]],
        signed=D(2026, 2, 20),
        effective_from=D(2026, 3, 1),
        effective_to=D(2026, 12, 31),
        provider_share=40.0,
        recipient_shares={ids[1]: 30.0, ids[2]: 30.0},
        volumes={("2026Q1", "影像诊断例数"): 120, ("2026Q2", "影像诊断例数"): 480},
    )
    return dataclasses.replace(base, **changes)


def error_fields(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.field for p in exc.value.problems if p.is_error]


def test_create_read_update_delete(db, ids) -> None:  # noqa: ANN001
    with db.session() as s:
        a_id = store.create_agreement(
            s, data=imaging(ids, number=" YLT-2026-001 "), terms="条款"
        ).id
    with db.session() as s:
        a = store.get_agreement(s, a_id)
        assert a.number == "YLT-2026-001"
        assert a.terms == "条款"
        assert a.provider.name == "示例县人民医院"
        assert [i.name for i in store.recipient_institutions(a)] == [
            "示例县青山镇卫生院",
            "示例县大树镇卫生院",
        ]
        assert store.to_data(a) == imaging(ids)
        data = store.to_data(a)
        data.recipient_ids = [ids[2]]
        data.recipient_shares = {ids[2]: 60.0}
        data.volumes = {("2026Q2", "影像诊断例数"): 500, ("2026Q3", "影像诊断例数"): 10}
        store.update_agreement(s, agreement_id=a_id, data=data)
    with db.session() as s:
        a = store.get_agreement(s, a_id)
        assert {(r.institution_id, r.share) for r in a.recipients} == {(ids[2], 60.0)}
        assert store.quarter_volumes(a, Quarter(2026, 2)) == {"影像诊断例数": 500}
        assert store.quarter_volumes(a, Quarter(2026, 1)) == {}
        assert s.scalar(select(func.count()).select_from(AgreementVolume)) == 2
        store.delete_agreement(s, agreement_id=a_id)
    with db.session() as s:
        assert s.get(Agreement, a_id) is None
        assert s.scalar(select(func.count()).select_from(AgreementRecipient)) == 0
        assert s.scalar(select(func.count()).select_from(AgreementVolume)) == 0


def test_duplicate_number_refused(db, ids) -> None:  # noqa: ANN001
    with db.session() as s:
        first = store.create_agreement(s, data=imaging(ids))
        with pytest.raises(RuleViolation) as err:
            store.create_agreement(s, data=imaging(ids, number="YLT-2026-001 "))
        assert error_fields(err) == ["number"]
        assert "已存在" in err.value.problems[0].message
        # Its own number is no clash when it is updated.
        store.update_agreement(s, agreement_id=first.id, data=imaging(ids, title="新名称"))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda ids: {"recipient_ids": [ids[0], ids[1]], "recipient_shares": {}}, "recipient_ids"),
        (lambda ids: {"provider_share": 50.0}, "provider_share"),
        (lambda ids: {"volumes": {("2026Q2", "检验标本数"): 5}}, "volumes.2026Q2.检验标本数"),
        (lambda ids: {"volumes": {("2025Q4", "影像诊断例数"): 5}}, "volumes.2025Q4.影像诊断例数"),
        (lambda ids: {"volumes": {("2027Q1", "影像诊断例数"): 5}}, "volumes.2027Q1.影像诊断例数"),
        (lambda ids: {"provider_id": 999}, "provider_id"),
        (lambda ids: {"recipient_ids": [ids[1], 998], "recipient_shares": {}}, "recipient_ids"),
    ],
)
def test_refusals_write_nothing(db, ids, changes, field) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(RuleViolation) as err:
        store.create_agreement(s, data=imaging(ids, **changes(ids)))
    assert field in error_fields(err)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Agreement)) == 0


def test_update_refused_keeps_stored_values(db, ids) -> None:  # noqa: ANN001
    with db.session() as s:
        a_id = store.create_agreement(s, data=imaging(ids)).id
        with pytest.raises(RuleViolation):
            store.update_agreement(
                s, agreement_id=a_id, data=imaging(ids, effective_to=D(2026, 3, 31))
            )
    with db.session() as s:
        assert s.get(Agreement, a_id).effective_to == D(2026, 12, 31)


def test_other_kind_keeps_its_named_measure(db, ids) -> None:  # noqa: ANN001
    data = imaging(
        ids, kind="其他", other_measure=" 家庭病床数 ", volumes={("2026Q2", "家庭病床数"): 8}
    )
    with db.session() as s:
        a = store.create_agreement(s, data=data)
        assert a.other_measure == "家庭病床数"
        with pytest.raises(RuleViolation) as err:
            store.create_agreement(s, data=dataclasses.replace(data, number="X", other_measure=""))
    assert "other_measure" in error_fields(err)


def test_terminate_and_cancel(db, ids) -> None:  # noqa: ANN001
    with db.session() as s:
        a_id = store.create_agreement(s, data=imaging(ids)).id
        with pytest.raises(RuleViolation) as err:
            agreement_terms.terminate_agreement(s, agreement_id=a_id, on=D(2026, 7, 1), reason=" ")
        assert error_fields(err) == ["termination_reason"]
        # Q2 already has volumes, so it cannot end before Q2 begins.
        with pytest.raises(RuleViolation) as err:
            agreement_terms.terminate_agreement(
                s, agreement_id=a_id, on=D(2026, 4, 1), reason="撤销"
            )
        assert error_fields(err) == ["terminated_on"]
        assert "2026年第2季度" in err.value.problems[0].message
        agreement_terms.terminate_agreement(
            s, agreement_id=a_id, on=D(2026, 7, 1), reason="设备报废"
        )
    with db.session() as s:
        a = s.get(Agreement, a_id)
        assert (a.terminated_on, a.termination_reason) == (D(2026, 7, 1), "设备报废")
        assert store.status_of(a, D(2026, 7, 1)) == "终止"
        assert store.status_of(a, D(2026, 6, 30)) == "生效"
        agreement_terms.cancel_termination(s, agreement_id=a_id)
    with db.session() as s:
        assert store.status_of(s.get(Agreement, a_id), D(2026, 7, 1)) == "生效"


BOUNDARIES = (
    None,
    D(2026, 3, 31),
    D(2026, 4, 1),
    D(2026, 4, 2),
    D(2026, 6, 30),
    D(2026, 7, 1),
    D(2026, 7, 2),
)


def test_agreements_in_force_matches_brute_force(db, ids) -> None:  # noqa: ANN001
    combos = [
        (f, t, term)
        for f, t, term in itertools.product(BOUNDARIES, repeat=3)
        if not (f and t and t < f)
    ]
    with db.session() as s:
        for n, (f, t, term) in enumerate(combos):
            store.create_agreement(
                s,
                data=imaging(
                    ids,
                    number=f"N{n:04d}",
                    effective_from=f,
                    effective_to=t,
                    terminated_on=term,
                    termination_reason="原因" if term else "",
                    volumes={},
                ),
            )
        quarter = Quarter(2026, 2)
        got = {a.number for a in store.agreements_in_force(s, quarter)}
    days = [quarter.first_day + dt.timedelta(i) for i in range(quarter.days)]
    expected = {
        f"N{n:04d}"
        for n, (f, t, term) in enumerate(combos)
        if any(
            status_on(d, effective_from=f, effective_to=t, terminated_on=term) == "生效"
            for d in days
        )
    }
    assert got == expected
    assert 0 < len(expected) < len(combos)


def test_agreements_in_force_loads_parties_and_volumes(db, ids) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_agreement(s, data=imaging(ids))
    with db.session() as s:
        rows = store.agreements_in_force(s, Quarter(2026, 2))
    # Detached now: any lazy load would raise; these were loaded explicitly.
    (a,) = rows
    assert a.provider.name == "示例县人民医院"
    assert len(store.recipient_institutions(a)) == 2
    assert store.quarter_volumes(a, Quarter(2026, 2)) == {"影像诊断例数": 480}


def test_demo_agreements(tmp_path) -> None:  # noqa: ANN001
    from collections import Counter

    from ylt_desktop.demo import build_demo
    from ylt_desktop.domain.agreement import expires_within
    from ylt_desktop.store.db import open_database

    today = D(2026, 8, 20)
    db = open_database(tmp_path / "demo.sqlite")
    build_demo(db, today=today)
    with db.session() as s:
        rows = store.list_agreements(s)
        problems = [
            p for a in rows for p in store.check_agreement(s, store.to_data(a), own_id=a.id)
        ]
        in_force = store.agreements_in_force(s, Quarter(2026, 2))
    db.close()
    assert 36 <= len(rows) <= 45
    statuses = Counter(store.status_of(a, today) for a in rows)
    assert statuses["终止"] == 1 and statuses["草拟"] >= 2 and statuses["到期"] >= 2
    assert statuses["待生效"] >= 1
    assert (
        1
        <= sum(expires_within(today, a.effective_to) for a in rows if a.terminated_on is None)
        <= 2
    )
    assert [p for p in problems if p.is_error] == []
    quarters = {v.quarter for a in rows for v in a.volumes}
    assert min(quarters) == "2024Q3" and max(quarters) == "2026Q2"  # eight before 2026Q3
    assert all(store.quarter_volumes(a, Quarter(2026, 2)) for a in in_force)
    kinds = {a.kind for a in rows}
    assert {"检查检验结果互认", "区域医学影像中心", "远程会诊", "双向转诊绿色通道"} <= kinds


def test_submitted_quarter_is_locked(db, ids) -> None:  # noqa: ANN001
    from ylt_desktop.store import quarters as locks

    with db.session() as s:
        a_id = store.create_agreement(s, data=imaging(ids)).id
        locks.submit_quarter(s, quarter="2026Q2", by="审核人")

        def refused(**changes) -> list:  # noqa: ANN003
            with pytest.raises(RuleViolation) as err:
                store.update_agreement(s, agreement_id=a_id, data=imaging(ids, **changes))
            assert "2026年第2季度已报送并锁定" in str(err.value)
            return error_fields(err)

        assert refused(volumes={("2026Q1", "影像诊断例数"): 120}) == ["volumes"]
        assert refused(title="改名") == ["number"]
        assert refused(recipient_ids=[ids[1]], recipient_shares={ids[1]: 60.0}) == ["number"]
        # Figures of open quarters and the terms may change.
        more = dict(imaging(ids).volumes) | {("2026Q3", "影像诊断例数"): 7}
        store.update_agreement(s, agreement_id=a_id, data=imaging(ids, volumes=more), terms="新")
        with pytest.raises(RuleViolation):
            store.delete_agreement(s, agreement_id=a_id)
        with pytest.raises(RuleViolation) as err:
            agreement_terms.terminate_agreement(
                s, agreement_id=a_id, on=D(2026, 6, 1), reason="撤销"
            )
        assert set(error_fields(err)) == {"terminated_on"}
        assert "2026年第2季度已报送并锁定" in str(err.value)
        # Ending it after the locked quarter leaves that quarter's return as it was.
        agreement_terms.terminate_agreement(s, agreement_id=a_id, on=D(2026, 9, 1), reason="撤销")
        with pytest.raises(RuleViolation) as err:
            store.create_agreement(s, data=imaging(ids, number="NEW", volumes={}))
        assert "2026年第2季度已报送并锁定" in str(err.value)
        store.create_agreement(
            s, data=imaging(ids, number="LATER", effective_from=D(2026, 7, 1), volumes={})
        )
        locks.reopen_quarter(s, quarter="2026Q2", by="审核人", reason="更正")
        store.delete_agreement(s, agreement_id=a_id)
