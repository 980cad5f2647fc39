"""Agreements the lead deleted (or took a member out of) leave the member's database with its
next roster, unless the member entered volumes for them in a quarter the lead has not
accepted: then kept, and the roster's message says so. The lead refuses a package that still
carries volumes of such an agreement (clearly, nothing changed, no agreement made up again);
a package that lists one without volumes (an older roster) is received."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.exchange.test_deletions import _clear_imaging, _open, _roster
from tests.exchange.test_refusals import dump, refused
from tests.exchange.world import (
    LEAD,
    PASSPHRASE,
    A,
    B,
    Q,
    _volume,
    enter_a,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.exchange import open_roster, preview_packages
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement, AgreementVolume

SECOND = "YX-2026-02"


def _numbers(db) -> list[str]:  # noqa: ANN001
    with db.session() as s:
        return list(s.scalars(select(Agreement.number).order_by(Agreement.number)))


def _delete(lead, number: str) -> None:  # noqa: ANN001
    with lead.session() as s:
        a = s.scalar(select(Agreement).where(Agreement.number == number))
        agreements.delete_agreement(s, agreement_id=a.id)


def _second_agreement(lead) -> None:  # noqa: ANN001
    """A second imaging agreement, lead → A, whose Q volume the lead typed itself (the roster
    fills it into A's database: not A's own)."""
    with lead.session() as s:
        ids = unit_ids(s)
        data = AgreementData(
            number=SECOND, title="心电诊断中心", kind="区域医学影像中心",
            provider_id=ids[LEAD], recipient_ids=[ids[A]], signed=dt.date(2025, 12, 1),
            effective_from=dt.date(2026, 1, 1), effective_to=dt.date(2028, 12, 31),
        )  # fmt: skip
        data.volumes[(str(Q), "影像诊断例数")] = 35
        agreements.create_agreement(s, data=data)


def test_deleted_agreements_leave_the_member_unless_it_entered_volumes(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    _second_agreement(lead)
    a = member_database(lead, A, tmp_path)
    assert _numbers(a) == ["YX-2026-01", SECOND]
    with a.session() as s:
        _volume(s, 120)  # A's own imaging volume for Q, not yet reported
    _delete(lead, "YX-2026-01")
    _delete(lead, SECOND)

    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == [f"{SECOND} 心电诊断中心"]
    (kept,) = result.kept_agreements
    assert kept.startswith("协议“YX-2026-01 影像诊断中心”") and "2026年第3季度" in kept
    assert "未删除" in kept and "牵头单位已删除该协议" in kept
    assert _numbers(a) == ["YX-2026-01"]

    # A's package still carries the kept agreement's volume: the lead refuses it, unchanged.
    package = make_package(a, tmp_path / "p1")
    message = refused(lead, [package], "汇总库中已没有这个协议")
    assert "YX-2026-01" in message and "2026年第3季度" in message and "重新生成" in message
    assert _numbers(lead) == []  # not made up again

    # The same roster again changes nothing in A's database (the kept agreement included).
    (r2,) = (tmp_path / "r2").glob("*.ylt")
    before = dump(a.path)
    with a.session() as s:
        assert open_roster(s, r2, passphrase=PASSPHRASE).unchanged
    assert dump(a.path) == before

    # A deletes the volume: its package is received, and the next roster removes the agreement.
    _clear_imaging(a)
    _open(lead, make_package(a, tmp_path / "p2"))
    assert _numbers(lead) == []
    result = _roster(lead, a, A, tmp_path / "r3")
    assert result.removed_agreements == ["YX-2026-01 影像诊断中心"]
    assert result.kept_agreements == [] and _numbers(a) == []
    with a.session() as s:
        assert s.scalar(select(AgreementVolume.id).limit(1)) is None
    a.close()
    lead.close()


def test_a_member_taken_out_of_an_agreement_loses_it_once_its_volumes_are_accepted(
    tmp_path,  # noqa: ANN001
) -> None:
    """A's Q volume was accepted by the lead; the lead then takes A out of the agreement: the
    next roster removes it from A's database (the volume is the lead's now); B keeps it."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    b = member_database(lead, B, tmp_path)
    enter_a(a)
    _open(lead, make_package(a, tmp_path / "p1"))
    with lead.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.recipient_ids = [unit_ids(s)[B]]
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == ["YX-2026-01 影像诊断中心"] and not result.kept_agreements
    assert _numbers(a) == []
    result = _roster(lead, b, B, tmp_path / "r2b")
    assert not result.removed_agreements and _numbers(b) == ["YX-2026-01"]
    with lead.session() as s:  # the lead keeps A's accepted volume
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        assert {(v.quarter, v.value) for v in ag.volumes} == {(str(Q), 120.0)}
    a.close()
    b.close()
    lead.close()


def test_an_older_roster_s_agreement_without_volumes_does_not_stop_a_package(tmp_path) -> None:  # noqa: ANN001
    """A has not opened the newer roster: its package lists the deleted agreement with no
    volume. The lead receives the rest and makes no agreement up; a package with a volume for
    an agreement A is no longer part of is refused, naming why."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    _delete(lead, "YX-2026-01")
    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "p1")], passphrase=PASSPHRASE)
    assert preview.refusal is None and not [c for c in preview.changes if c.kind == "volumes"]

    lead2 = lead_database(tmp_path / "two")
    a2 = member_database(lead2, A, tmp_path / "two")
    with a2.session() as s:
        _volume(s, 80)
    with lead2.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.recipient_ids = [unit_ids(s)[B]]
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    message = refused(lead2, [make_package(a2, tmp_path / "p2")], "已不是该协议的提供方或接收方")
    assert A in message and "YX-2026-01" in message
    with lead2.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        assert [r.institution_id for r in ag.recipients] == [unit_ids(s)[B]] and not ag.volumes
    for db in (a, lead, a2, lead2):
        db.close()


def test_an_agreement_with_the_members_scan_is_kept_and_said(tmp_path) -> None:  # noqa: ANN001
    """The signed scan A attached exists only in A's database: the agreement the lead deleted
    is kept there (not dropped with the scan), and the message says why."""
    from ylt_desktop.store.attachments import attach

    lead = lead_database(tmp_path)
    _second_agreement(lead)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == SECOND))
        attach(s, agreement_id=ag.id, file_name="协议.pdf", content=b"%PDF-1.4\n%%EOF\n")
    _delete(lead, SECOND)
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == []
    (kept,) = result.kept_agreements
    assert kept.startswith(f"协议“{SECOND} 心电诊断中心”") and "协议扫描件" in kept
    assert _numbers(a) == ["YX-2026-01", SECOND]
    a.close()
    lead.close()
