"""A newer roster deletes agreements the lead deleted from a member's database: what the member
loses is nothing, or exactly what the lead deleted and the member never touched (review of
9c833a9). An agreement the member made itself is the member's own; a volume the roster filled
in and the member then changed is the member's; a deletion is audited."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.exchange.test_agreement_deletions import SECOND, _delete, _numbers, _second_agreement
from tests.exchange.test_deletions import _roster
from tests.exchange.world import A, B, Q, lead_database, member_database, unit_ids
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement, AuditEntry

OWN = "QS-2026-01"


def _own_agreement(member) -> None:  # noqa: ANN001
    """An agreement A typed in its own database (青山镇卫生院 → 东湖村), no volumes yet."""
    with member.session() as s:
        ids = unit_ids(s)
        data = AgreementData(
            number=OWN, title="远程心电会诊", kind="区域医学影像中心",
            provider_id=ids[A], recipient_ids=[ids[B]], signed=dt.date(2026, 2, 1),
            effective_from=dt.date(2026, 3, 1), effective_to=dt.date(2027, 2, 28),
        )  # fmt: skip
        agreements.create_agreement(s, data=data)


def test_an_agreement_the_member_made_itself_is_not_removed_by_a_roster(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    _own_agreement(a)
    assert _numbers(a) == [OWN, "YX-2026-01"]

    result = _roster(lead, a, A, tmp_path / "r2")  # the lead deleted nothing
    assert result.removed_agreements == []
    assert _numbers(a) == [OWN, "YX-2026-01"]

    # The lead deletes its own agreement: only that one leaves A's database.
    _delete(lead, "YX-2026-01")
    result = _roster(lead, a, A, tmp_path / "r3")
    assert result.removed_agreements == ["YX-2026-01 影像诊断中心"]
    assert _numbers(a) == [OWN]
    a.close()
    lead.close()


def test_a_filled_in_volume_the_member_changed_keeps_the_agreement(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    _second_agreement(lead)  # the roster fills in its Q volume 35
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == SECOND))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 36  # the member corrects it: its own now
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    _delete(lead, SECOND)
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == []
    (kept,) = result.kept_agreements
    assert SECOND in kept and "2026年第3季度" in kept and "未删除" in kept
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == SECOND))
        assert {(v.quarter, float(v.value)) for v in ag.volumes} == {(str(Q), 36.0)}
    a.close()
    lead.close()


def test_the_roster_s_deletion_is_in_the_audit_log_under_the_clerk(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    _second_agreement(lead)
    a = member_database(lead, A, tmp_path)
    _delete(lead, SECOND)
    with a.session() as s:
        before = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == [f"{SECOND} 心电诊断中心"]
    with a.session() as s:
        gone = list(
            s.scalars(
                select(AuditEntry).where(
                    AuditEntry.id > before,
                    AuditEntry.action == "delete",
                    AuditEntry.table_name == "agreement",
                )
            )
        )
    (entry,) = gone
    assert json.loads(entry.old_values)["number"] == SECOND and entry.user
    a.close()
    lead.close()


def test_a_volume_changed_after_the_accepted_package_keeps_the_agreement(tmp_path) -> None:  # noqa: ANN001
    """A sent its Q package (120), then corrected the volume to 130 before the lead's decision
    reached it; the lead accepted the package (120) and took A out of the agreement. 130 was
    never seen by the lead: the roster keeps the agreement and says so, not drops it."""
    from tests.exchange.test_deletions import _open
    from tests.exchange.world import PASSPHRASE, _volume, enter_a
    from ylt_desktop.exchange import make_data_package
    from ylt_desktop.store.tx import all_or_nothing

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)  # the volume 120
    with a.session() as s, all_or_nothing(s):  # entered an hour before the package was made
        s.execute(AuditEntry.__table__.update().values(at=AuditEntry.at - dt.timedelta(hours=1)))
    sent = dt.datetime.now() - dt.timedelta(seconds=5)
    with a.session() as s:
        package = make_data_package(s, quarter=Q, passphrase=PASSPHRASE,
                                    out_dir=tmp_path / "p1", now=sent)  # fmt: skip
    with a.session() as s:
        _volume(s, 130)  # corrected after sending
    _open(lead, package)
    with lead.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.recipient_ids = [unit_ids(s)[B]]
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == []
    (kept,) = result.kept_agreements
    assert "YX-2026-01" in kept and "2026年第3季度" in kept and "未删除" in kept
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        assert {(v.quarter, float(v.value)) for v in ag.volumes} == {(str(Q), 130.0)}
    a.close()
    lead.close()


def test_an_older_roster_after_a_newer_one_is_refused_and_brings_nothing_back(tmp_path) -> None:  # noqa: ANN001
    """r1 lists the second agreement, r2 (made after the lead deleted it) does not: once r2 is
    open, r1 is refused as older and the deleted agreement is not made up again; r2 twice
    changes nothing."""
    import pytest

    from tests.exchange.test_refusals import dump
    from tests.exchange.world import PASSPHRASE
    from ylt_desktop.exchange import PackageRefused, make_roster, open_roster

    lead = lead_database(tmp_path)
    _second_agreement(lead)
    a = member_database(lead, A, tmp_path)
    with lead.session() as s:
        r1 = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                         out_dir=tmp_path / "r1")  # fmt: skip
    _delete(lead, SECOND)
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_agreements == [f"{SECOND} 心电诊断中心"]
    before = dump(a.path)
    with a.session() as s, pytest.raises(PackageRefused) as refused:
        open_roster(s, r1, passphrase=PASSPHRASE)
    assert "旧" in str(refused.value) and "未打开" in str(refused.value)
    assert dump(a.path) == before and _numbers(a) == ["YX-2026-01"]
    (r2,) = (tmp_path / "r2").glob("*.ylt")
    with a.session() as s:
        assert open_roster(s, r2, passphrase=PASSPHRASE).unchanged
    assert dump(a.path) == before
    a.close()
    lead.close()
