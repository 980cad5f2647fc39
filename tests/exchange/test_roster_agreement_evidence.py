"""What a roster may take away from a member's agreements, and what the lead says about the
member's own ones (hostile review of the package exchange, DESIGN §7):

- a roster that lists NO agreement is not evidence that the lead deleted every one: the
  agreements earlier rosters brought stay, each named with why;
- a member database set up before rosters remembered the agreements they brought cannot tell
  the lead's from its own: nothing is deleted, and the roster says so once;
- an agreement the member made itself reaches the lead with its volumes: the lead's refusal
  says it was made at the member and is not in the lead's list (never "the lead deleted it"),
  and entering it at the lead lets the same package in."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.exchange.test_agreement_deletions import SECOND, _delete, _numbers, _second_agreement
from tests.exchange.test_deletions import _open, _roster
from tests.exchange.test_refusals import refused
from tests.exchange.test_roster_agreement_attacks import OWN, _own_agreement
from tests.exchange.world import (
    LEAD,
    A,
    B,
    Q,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.exchange import content
from ylt_desktop.exchange.roster import ROSTER_SETTING
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement, Setting


def _empty_roster(lead, member, folder, monkeypatch, *, older: bool = False, keep=()):  # noqa: ANN001, ANN202
    """A roster whose agreement list is empty (but for the numbers in ``keep``): a faulty lead
    program's (its own count says otherwise), or an ``older`` one's (which stated no count)."""
    real = content.roster_parts

    def no_agreements(session, member_id):  # noqa: ANN001, ANN202
        parts = real(session, member_id)
        if older:
            for row in parts["consortium"]:
                del row["agreement_count"]
        return {**parts, "agreements": [r for r in parts["agreements"] if r["number"] in keep]}

    with monkeypatch.context() as m:
        m.setattr(content, "roster_parts", no_agreements)
        return _roster(lead, member, A, folder)


def test_a_roster_listing_no_agreement_removes_none_and_names_each(
    tmp_path,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    lead = lead_database(tmp_path)
    _second_agreement(lead)
    a = member_database(lead, A, tmp_path)
    _own_agreement(a)
    assert _numbers(a) == [OWN, "YX-2026-01", SECOND]

    for folder, older, why in (
        ("r2", False, "这个名册包没有列出任何协议，却说明本单位参与2份（有误）"),
        ("r2o", True, "这个名册包没有列出任何协议，也没有说明本单位已不参与任何协议"),
    ):
        result = _empty_roster(lead, a, tmp_path / folder, monkeypatch, older=older)
        assert result.removed_agreements == []
        assert _numbers(a) == [OWN, "YX-2026-01", SECOND]  # nothing lost
        kept = result.kept_agreements
        assert [k.split("”")[0] for k in kept] == [
            "协议“YX-2026-01 影像诊断中心",
            f"协议“{SECOND} 心电诊断中心",
        ]  # the member's own OWN is not the lead's: not mentioned
        for line in kept:
            assert why in line and "未删除" in line and "新的名册包" in line
            assert "不能据此认定牵头单位已删除该协议" in line

    # A list shorter than the lead's own count (one agreement dropped by a fault) neither.
    result = _empty_roster(lead, a, tmp_path / "r2p", monkeypatch, keep={"YX-2026-01"})
    assert result.removed_agreements == []
    (kept,) = result.kept_agreements
    assert kept.startswith(f"协议“{SECOND} 心电诊断中心”")
    assert "这个名册包列出1份协议，却说明本单位参与2份（有误）" in kept and "未删除" in kept
    assert _numbers(a) == [OWN, "YX-2026-01", SECOND]

    # The agreements are still known as the lead's: a good roster that lists one of them (the
    # lead really deleted the other) removes exactly that one, never the member's own.
    _delete(lead, SECOND)
    result = _roster(lead, a, A, tmp_path / "r3")
    assert result.removed_agreements == [f"{SECOND} 心电诊断中心"]
    assert result.kept_agreements == []
    assert _numbers(a) == [OWN, "YX-2026-01"]
    a.close()
    lead.close()


def _forget_brought_agreements(member) -> None:  # noqa: ANN001
    """Make ``member`` a database set up before 00ba0dc: its roster memory has no
    'agreements' (the old code wrote package_id, created_at, persons and volumes only)."""
    with member.session() as s:
        row = s.get(Setting, ROSTER_SETTING)
        seen = json.loads(row.value)
        del seen["agreements"]
        row.value = json.dumps(seen)
        s.commit()


def test_an_older_member_database_keeps_what_it_cannot_tell_and_says_so_once(
    tmp_path,  # noqa: ANN001
) -> None:
    lead = lead_database(tmp_path)
    _second_agreement(lead)
    a = member_database(lead, A, tmp_path)
    _own_agreement(a)  # typed at the member: its own
    _forget_brought_agreements(a)

    _delete(lead, SECOND)  # the lead really deleted this one
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == []
    assert _numbers(a) == [OWN, "YX-2026-01", SECOND]  # neither may be deleted blindly
    kept = result.kept_agreements
    assert [k.split("”")[0] for k in kept] == [
        f"协议“{OWN} 远程心电会诊",
        f"协议“{SECOND} 心电诊断中心",
    ]
    for line in kept:
        assert "无法判断" in line and "未删除" in line and "手动删除" in line

    # Said once: the next roster is quiet about them, and keeps them (the member's now).
    result = _roster(lead, a, A, tmp_path / "r3")
    assert result.kept_agreements == [] and result.removed_agreements == []
    assert _numbers(a) == [OWN, "YX-2026-01", SECOND]

    # What the rosters brought since is remembered: the lead's next deletion leaves.
    _delete(lead, "YX-2026-01")
    with lead.session() as s:  # keep one agreement listed (an empty list removes nothing)
        ids = unit_ids(s)
        agreements.create_agreement(
            s,
            data=AgreementData(
                number="YX-2026-03", title="检验中心", kind="区域检验中心",
                provider_id=ids[LEAD], recipient_ids=[ids[A]], signed=dt.date(2026, 1, 1),
                effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2028, 12, 31),
            ),
        )  # fmt: skip
    result = _roster(lead, a, A, tmp_path / "r4")
    assert result.removed_agreements == ["YX-2026-01 影像诊断中心"]
    assert _numbers(a) == [OWN, SECOND, "YX-2026-03"]
    a.close()
    lead.close()


def test_the_lead_says_an_agreement_made_at_the_member_is_not_in_its_list(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    _own_agreement(a)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == OWN))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 42
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    package = make_package(a, tmp_path / "p1")

    message = refused(lead, [package], "不在牵头单位的协议清单中")
    assert f"“{OWN} 远程心电会诊”" in message and A in message and "2026年第3季度" in message
    assert "牵头单位已删除" not in message and "录入该协议" in message
    # Not told as a fact: a lead restored to a backup from before the agreement looks the same.
    assert "可能是" in message and "恢复过录入该协议之前的备份" in message
    assert _numbers(lead) == ["YX-2026-01"]  # not made up

    # Doing what the message says: the lead enters it (same number); the same package is in.
    with lead.session() as s:
        ids = unit_ids(s)
        agreements.create_agreement(
            s,
            data=AgreementData(
                number=OWN, title="远程心电会诊", kind="区域医学影像中心",
                provider_id=ids[A], recipient_ids=[ids[B]], signed=dt.date(2026, 2, 1),
                effective_from=dt.date(2026, 3, 1), effective_to=dt.date(2027, 2, 28),
            ),
        )  # fmt: skip
    _open(lead, package)
    with lead.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == OWN))
        assert {(v.quarter, float(v.value)) for v in ag.volumes} == {(str(Q), 42.0)}
    a.close()
    lead.close()


def test_the_lead_still_says_it_deleted_an_agreement_it_deleted(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 120
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    _delete(lead, "YX-2026-01")
    message = refused(lead, [make_package(a, tmp_path / "p1")], "牵头单位已删除")
    assert "“YX-2026-01 影像诊断中心”" in message and "自行录入" not in message
    a.close()
    lead.close()


def test_the_lead_says_it_renumbered_an_agreement_it_renumbered(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 120
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    with lead.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.number = "YX-2026-09"
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    message = refused(lead, [make_package(a, tmp_path / "p1")], "汇总库中已没有这个协议")
    assert "牵头单位已把它的编号改为“YX-2026-09”" in message and "自行录入" not in message
    a.close()
    lead.close()


def test_the_lead_asks_to_move_the_volumes_of_a_renumbered_agreement(tmp_path) -> None:  # noqa: ANN001
    """Review of b93e77c: for an agreement the lead renumbered, the refusal still told the
    member to delete these volumes ("由其删除这些服务量"): a quarter's work thrown away, when
    they belong under the new number. It now says to enter them under the new number."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 120
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    with lead.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.number = "YX-2026-09"
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    message = refused(lead, [make_package(a, tmp_path / "p1")], "汇总库中已没有这个协议")
    assert "删除这些服务量" not in message, message
    assert "录入协议“YX-2026-09”" in message, message
    a.close()
    lead.close()


def test_what_a_faulty_roster_says_to_do_with_an_agreement_can_be_done(
    tmp_path,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    """A roster whose list is no evidence keeps the lead's agreements it does not list and
    said "请向牵头单位核实后在“资源共享协议”页手动删除"; but the agreement is still the lead's
    here (its number among those rosters brought), and the store refuses to delete it
    (9b87d9c). The line now says what the clerk can do: ask the lead for a new roster."""
    import pytest

    from ylt_desktop.domain.problems import RuleViolation

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    result = _empty_roster(lead, a, tmp_path / "r2", monkeypatch)
    (kept,) = result.kept_agreements
    with a.session() as s:
        found = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        with pytest.raises(RuleViolation):
            agreements.delete_agreement(s, agreement_id=found.id)
    assert "手动删除" not in kept
    assert "新的名册包" in kept and "未删除" in kept
    a.close()
    lead.close()
