"""Two units disagree about one record: both values reach the caller, nothing is overwritten
until the caller chooses, the choice stands and is in the audit log. Also: a newer roster
brings the persons who now rotate to a member, and the lead's decisions (accepted → locked,
returned → reopened with the reason)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.exchange.world import (
    PASSPHRASE,
    TODAY,
    A,
    C,
    Q,
    enter_a,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.exchange import (
    apply_packages,
    make_roster,
    open_roster,
    preview_packages,
    returned_quarters,
)
from ylt_desktop.store import exchange, rotations
from ylt_desktop.store.models import AuditEntry, PackageEvent, Rotation, Staff


def days_at_lead(lead, name: str) -> int:  # noqa: ANN001
    with lead.session() as s:
        person = s.scalar(select(Staff).where(Staff.name == name))
        r = s.scalar(select(Rotation).where(Rotation.staff_id == person.id))
        return next(q.days for q in r.quarters if q.quarter == str(Q))


@pytest.fixture
def sender_and_receiver(tmp_path):  # noqa: ANN001, ANN201
    """A reported its doctor's 巡诊 at C (20 days); C, from a newer roster, reports 18."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    c = member_database(lead, C, tmp_path)
    enter_a(a)
    apply_packages(lead, preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE))
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[C], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "roster2")  # fmt: skip
    with c.session() as s:
        result = open_roster(s, roster, passphrase=PASSPHRASE)
        assert not result.created and result.counts["staff"] == 1
        person = s.scalar(select(Staff).where(Staff.name == "钱小红"))
        assert person is not None  # the newer roster brought A's doctor who rotates to C
        ids = unit_ids(s)
        rotations.create_rotation(
            s,
            data=RotationData(staff_id=person.id, from_id=ids[A], to_id=ids[C], form="坐诊/巡诊",
                              start=dt.date(2026, 7, 6),
                              quarters={str(Q): QuarterFigures(days=18, outpatient=55)}),
            today=TODAY,
        )  # fmt: skip
    package = make_package(c, tmp_path / "c")
    yield lead, a, c, package
    a.close()
    c.close()
    lead.close()


def test_both_values_are_shown_and_nothing_is_overwritten_unchosen(sender_and_receiver) -> None:  # noqa: ANN001
    lead, _a, _c, package = sender_and_receiver
    (preview,) = preview_packages(lead, [package], passphrase=PASSPHRASE)
    (conflict,) = preview.conflicts
    by_unit = {o.member: o.values for o in conflict.options}
    assert by_unit[C]["days"] == 18 and by_unit[A]["days"] == 20
    assert conflict.current["days"] == 20
    assert "钱小红" in conflict.label and "3604" not in conflict.label
    with pytest.raises(RuleViolation) as err:
        apply_packages(lead, [preview])
    assert "冲突" in err.value.problems[0].message
    assert days_at_lead(lead, "钱小红") == 20
    with lead.session() as s:
        assert exchange.report_status(s, Q)[-1].status == exchange.NOT_REPORTED  # C


@pytest.mark.parametrize("chosen, days", [(A, 20), (C, 18)])
def test_the_choice_stands_and_is_audited(sender_and_receiver, chosen, days) -> None:  # noqa: ANN001
    lead, _a, _c, package = sender_and_receiver
    (preview,) = preview_packages(lead, [package], passphrase=PASSPHRASE)
    (conflict,) = preview.conflicts
    pick = next(o.member_id for o in conflict.options if o.member == chosen)
    apply_packages(lead, [preview], choices={conflict.key: pick})
    assert days_at_lead(lead, "钱小红") == days
    with lead.session() as s:
        event = s.scalars(select(PackageEvent).order_by(PackageEvent.id.desc())).first()
        (choice,) = json.loads(event.summary)["choices"]
        assert choice["chosen"] == chosen
        assert {18, 20} == {v["days"] for v in choice["options"].values()}
        audited = s.scalar(
            select(AuditEntry).where(
                AuditEntry.table_name == "package_event", AuditEntry.record_id == str(event.id)
            )  # fmt: skip
        )
        assert audited is not None and chosen in audited.new_values


def test_a_member_disagreeing_with_the_lead_units_own_entry(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    with a.session() as s:  # A counts the lead's posted doctor's clinics otherwise
        r = s.scalar(select(Rotation).where(Rotation.form == "派驻"))
        data = rotations.to_data(r)
        data.quarters[str(Q)].outpatient = 280
        rotations.update_rotation(s, rotation_id=r.id, data=data, today=TODAY)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE)
    (conflict,) = preview.conflicts
    assert {o.member: o.values["outpatient"] for o in conflict.options} == {
        A: 280, "示例县人民医院": 300,
    }  # fmt: skip
    lead_unit = next(o.member_id for o in conflict.options if o.member != A)
    apply_packages(lead, [preview], choices={conflict.key: lead_unit})
    with lead.session() as s:
        r = s.scalar(select(Rotation).where(Rotation.form == "派驻"))
        assert next(q.outpatient for q in r.quarters if q.quarter == str(Q)) == 300
    a.close()
    lead.close()


def test_the_next_roster_locks_an_accepted_quarter_and_reopens_a_returned_one(tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import PackageRefused
    from ylt_desktop.store.quarters import is_locked

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    apply_packages(lead, preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE))

    def roster(folder: str):  # noqa: ANN202
        with lead.session() as s:
            return make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                               out_dir=tmp_path / folder)  # fmt: skip

    first = roster("r1")
    with a.session() as s:
        result = open_roster(s, first, passphrase=PASSPHRASE)
        assert result.locked == [str(Q)] and is_locked(s, Q)
        assert open_roster(s, first, passphrase=PASSPHRASE).unchanged
    with lead.session() as s:
        exchange.return_quarter(
            s, member_id=unit_ids(s)[A], quarter=Q, reason="门诊人次偏高，请核对"
        )
    second = roster("r2")
    with a.session() as s:
        result = open_roster(s, second, passphrase=PASSPHRASE)
        assert result.returned == [(str(Q), "门诊人次偏高，请核对")]
        assert not is_locked(s, Q)
        assert [r[:2] for r in returned_quarters(s)] == [(str(Q), "门诊人次偏高，请核对")]
        with pytest.raises(PackageRefused, match="旧"):
            open_roster(s, first, passphrase=PASSPHRASE)
    a.close()
    lead.close()


def test_a_rotation_the_member_deleted_goes_with_its_next_package(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    apply_packages(lead, preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE))
    assert days_at_lead(lead, "钱小红") == 20
    with lead.session() as s:
        exchange.return_quarter(s, member_id=unit_ids(s)[A], quarter=Q, reason="重复录入")
    with a.session() as s:  # A deletes its doctor's rotation and the lead's posting alike
        for r in list(s.scalars(select(Rotation))):
            rotations.delete_rotation(s, rotation_id=r.id)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "2")], passphrase=PASSPHRASE)
    removed = [c for c in preview.changes if c.action == "删除"]
    assert [c.label.split()[0] for c in removed] == ["钱小红"]
    kept = [c.label for c in preview.changes if "未删除" in c.label]
    assert len(kept) == 1 and "赵建国" in kept[0]  # the lead unit's own posting stays
    assert "删除 1" in " ".join(preview.summary_lines())
    apply_packages(lead, [preview])
    with lead.session() as s:
        names = {s.get(Staff, r.staff_id).name for r in s.scalars(select(Rotation))}
    assert names == {"赵建国"}
    a.close()
    lead.close()


def test_the_command_line_shows_both_values_and_takes_a_choice(
    sender_and_receiver,
    capsys,
    monkeypatch,  # noqa: ANN001
) -> None:
    from tests.helpers.english import english_words
    from ylt_desktop.cli import main

    lead, _a, _c, package = sender_and_receiver
    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    argv = ["package", "open", str(package), "--db", str(lead.path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "冲突 1：钱小红" in out and "工作天数 18" in out and "工作天数 20" in out
    assert main([*argv, "--apply"]) == 1  # no choice: refused, nothing written
    printed = capsys.readouterr()
    assert "冲突尚未选择" in printed.err
    assert days_at_lead(lead, "钱小红") == 20
    assert main([*argv, "--apply", "--choose", f"1={C}"]) == 0
    printed = capsys.readouterr()
    assert "已接收 1 个数据包" in printed.out
    assert not english_words(out + printed.out + printed.err)
    assert days_at_lead(lead, "钱小红") == 18


def test_a_member_cannot_reopen_a_quarter_the_lead_accepted(tmp_path) -> None:  # noqa: ANN001
    """Only the lead's 退回 reopens an accepted quarter at the member; a quarter the member
    submitted itself (nothing accepted) it may still reopen."""
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store.quarters import is_locked, reopen_quarter, submit_quarter

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    apply_packages(lead, preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE))
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "r1")  # fmt: skip
    other = Quarter.parse(str(Q)).prev()
    with a.session() as s:
        open_roster(s, roster, passphrase=PASSPHRASE)
        with pytest.raises(RuleViolation, match="已被牵头单位接收"):
            reopen_quarter(s, quarter=Q, reason="想改一下")
        assert is_locked(s, Q)
        submit_quarter(s, quarter=other)
        reopen_quarter(s, quarter=other, reason="本单位自己报送的，可以重新打开")
        assert not is_locked(s, other)
    a.close()
    lead.close()
