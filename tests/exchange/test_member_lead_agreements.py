"""A member's database (成员库) changes no agreement the roster brought but its volumes: the
member's data package carries only the volumes (DESIGN §7), so a change of the agreement itself
never reached the lead and the next roster put the lead's version back, without a word. Its
own agreements (typed there, no roster brought them) stay its own to change."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.exchange.world import LEAD, A, B, Q, unit_ids
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.importing import import_file
from ylt_desktop.store import agreement_terms, agreements, agreements_bulk
from ylt_desktop.store.models import Agreement

NUMBER = "YX-2026-01"  # the lead's imaging agreement, brought by A's roster


def _lead_agreement(s) -> Agreement:  # noqa: ANN001
    return s.scalar(select(Agreement).where(Agreement.number == NUMBER))


def _refused(caught: pytest.ExceptionInfo) -> str:
    message = str(caught.value)
    assert f"“{A}”的成员库" in message and f"“{NUMBER}”" in message, message
    assert "牵头单位" in message
    return message


def test_the_rosters_agreement_keeps_its_fields_and_takes_volumes(member) -> None:  # noqa: ANN001
    with member.session() as s:
        a = _lead_agreement(s)
        before = agreements.to_data(a)
        for change in (
            {"title": "影像诊断中心（改）"},
            {"effective_to": dt.date(2029, 12, 31)},
            {"recipient_ids": [unit_ids(s)[A]]},
            {"provider_share": 40.0},
        ):
            with pytest.raises(RuleViolation) as caught:
                agreements.update_agreement(
                    s, agreement_id=a.id, data=dataclasses.replace(before, **change)
                )
            assert "只填写它的服务量" in _refused(caught)
            # The form shows the same before saving.
            shown = agreements.check_agreement(
                s, dataclasses.replace(before, **change), own_id=a.id
            )
            assert any(f"“{NUMBER}”" in p.message for p in shown)
        with pytest.raises(RuleViolation) as caught:  # the terms, apart from the data
            agreements.update_agreement(s, agreement_id=a.id, data=before, terms="新条款")
        _refused(caught)
        volumes = dataclasses.replace(before, volumes={(str(Q), "影像诊断例数"): 77.0})
        agreements.update_agreement(s, agreement_id=a.id, data=volumes)
    with member.session() as s:
        after = agreements.to_data(_lead_agreement(s))
        assert after.title == before.title and after.effective_to == before.effective_to
        assert after.volumes[(str(Q), "影像诊断例数")] == 77.0


def test_the_rosters_agreement_is_neither_ended_nor_deleted_here(member) -> None:  # noqa: ANN001
    with member.session() as s:
        a = _lead_agreement(s)
        problems = agreement_terms.check_termination(
            s, agreement_id=a.id, on=dt.date(2026, 9, 30), reason="停用"
        )
        assert any(f"“{NUMBER}”" in p.message for p in problems)
        with pytest.raises(RuleViolation) as caught:
            agreement_terms.terminate_agreement(
                s, agreement_id=a.id, on=dt.date(2026, 9, 30), reason="停用"
            )
        _refused(caught)
        with pytest.raises(RuleViolation) as caught:
            agreements.delete_agreement(s, agreement_id=a.id)
        assert "不能在这里删除" in _refused(caught)
    with member.session() as s:
        a = _lead_agreement(s)
        assert a is not None and a.terminated_on is None


def test_the_bulk_command_refuses_the_row_and_takes_volumes(member) -> None:  # noqa: ANN001
    with member.session() as s:
        a = _lead_agreement(s)
        before = agreements.to_data(a)
        own = agreements.create_agreement(
            s,
            data=AgreementData(
                number="QS-1", title="本院远程心电", kind="远程会诊", provider_id=unit_ids(s)[A],
                recipient_ids=[unit_ids(s)[LEAD]], effective_from=dt.date(2026, 1, 1),
            ),
        )  # fmt: skip
        own_data, own_id = agreements.to_data(own), own.id
        with pytest.raises(RuleViolation) as caught:
            agreements_bulk.update_agreements(
                s,
                rows=[
                    (own_id, dataclasses.replace(own_data, title="本院远程心电改"), None),
                    (a.id, dataclasses.replace(before, title="改名"), None),
                ],
            )
        assert caught.value.row == 1
        _refused(caught)
        volumes = dataclasses.replace(before, volumes={(str(Q), "影像诊断例数"): 12.0})
        agreements_bulk.update_agreements(
            s,
            rows=[
                (own_id, dataclasses.replace(own_data, title="本院远程心电改"), "条款"),
                (a.id, volumes, None),
            ],
        )
    with member.session() as s:
        assert s.get(Agreement, own_id).title == "本院远程心电改"
        assert _lead_agreement(s).title == before.title


def test_its_own_agreement_stays_its_own_to_change_and_delete(member) -> None:  # noqa: ANN001
    with member.session() as s:
        ids = unit_ids(s)
        own = agreements.create_agreement(
            s,
            data=AgreementData(
                number="QS-2", title="本院共享设备", kind="大型设备共享", provider_id=ids[A],
                recipient_ids=[ids[LEAD]], effective_from=dt.date(2026, 1, 1),
            ),
        )  # fmt: skip
        own_id = own.id
        data = dataclasses.replace(agreements.to_data(own), title="本院共享彩超")
        agreements.update_agreement(s, agreement_id=own_id, data=data, terms="双方约定")
    with member.session() as s:
        assert s.get(Agreement, own_id).title == "本院共享彩超"
        agreements.delete_agreement(s, agreement_id=own_id)
    with member.session() as s:
        assert s.get(Agreement, own_id) is None


def test_the_leads_database_changes_its_agreements_as_before(tmp_path) -> None:  # noqa: ANN001
    from tests.exchange.world import lead_database

    lead = lead_database(tmp_path)
    try:
        with lead.session() as s:
            a = _lead_agreement(s)
            data = dataclasses.replace(agreements.to_data(a), title="影像诊断中心二期")
            agreements.update_agreement(s, agreement_id=a.id, data=data, terms="新条款")
        with lead.session() as s:
            assert _lead_agreement(s).title == "影像诊断中心二期"
    finally:
        lead.close()


def test_an_import_rejects_the_rosters_agreement_changed(member, tmp_path) -> None:  # noqa: ANN001
    with member.session() as s:
        before = agreements.to_data(_lead_agreement(s))
    wb = Workbook()
    ws = wb.active
    ws.append(["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期", "协议期限至"])
    ws.append([NUMBER, "影像中心改名", before.kind, LEAD, f"{A}、{B}",
               before.effective_from, before.effective_to])  # fmt: skip
    path = tmp_path / "协议.xlsx"
    wb.save(path)
    report = import_file(member, "agreements", path)
    assert report.rejected == 1, report.counts
    assert any(NUMBER in p.message and "成员库" in p.message for p in report.problems), [
        p.message for p in report.problems
    ]
    with member.session() as s:
        assert _lead_agreement(s).title == before.title


def test_one_the_lead_deleted_kept_for_its_volumes_may_be_deleted_here(tmp_path) -> None:  # noqa: ANN001
    """The lead deleted the agreement; the next roster kept it here for A's volumes the lead
    has not seen (roster_agreements.py) and told the clerk to clear them up. No roster will
    put it back: refusing its deletion "(下次打开名册包还会带回)" was untrue and left it stuck
    (forever, when it is kept for its scan)."""
    from tests.exchange.test_agreement_deletions import _delete
    from tests.exchange.test_deletions import _roster
    from tests.exchange.world import _volume, lead_database, member_database

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    try:
        with member.session() as s:
            _volume(s, 120)  # A's own, not yet reported
        _delete(lead, NUMBER)
        (kept,) = _roster(lead, member, A, tmp_path / "r2").kept_agreements
        assert "牵头单位已删除该协议" in kept and "未删除" in kept
        with member.session() as s:
            a = _lead_agreement(s)
            data = dataclasses.replace(agreements.to_data(a), volumes={})
            agreements.update_agreement(s, agreement_id=a.id, data=data)
            agreements.delete_agreement(s, agreement_id=a.id)
        with member.session() as s:
            assert _lead_agreement(s) is None
    finally:
        member.close()
        lead.close()
