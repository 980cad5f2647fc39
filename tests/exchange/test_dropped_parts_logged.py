"""Part rows a package or a roster drops (an agreement's volumes and a rotation's quarter rows
at the lead, a recipient at the member) are logged as deletes in the transaction that applies
it, and the chain holds."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.exchange.test_deletions import _clear_imaging, _open, _return, _roster
from tests.exchange.world import (
    TODAY,
    A,
    B,
    Q,
    enter_a,
    lead_database,
    make_package,
    member_database,
)
from tests.exchange.world import unit_ids as units
from ylt_desktop.store import agreements, rotations
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    AuditEntry,
    Rotation,
    RotationQuarter,
    Staff,
)


def _rows(db: Database, model: type) -> dict[str, dict]:
    table = model.__table__
    with db.session() as s:
        return {
            ",".join(str(row[c.name]) for c in table.primary_key.columns): dict(row)
            for row in s.execute(select(table)).mappings()
        }


def _mark(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def _after(db: Database, mark: int) -> list[tuple[str, str, str, dict | None]]:
    with db.session() as s:
        assert verify_chain(s).ok
        return [
            (e.action, e.table_name, e.record_id, json.loads(e.old_values or "null"))
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id)
            )
        ]


def _logged_as_gone(before: dict, now: dict, found: list, table: str) -> list[str]:
    gone = sorted(set(before) - set(now))
    deletes = {rid: old for action, t, rid, old in found if action == "delete" and t == table}
    assert sorted(deletes) == gone, (gone, deletes)
    for rid in gone:
        assert deletes[rid] == before[rid]
    return gone


def test_volumes_a_package_removes_are_logged_at_the_lead(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    try:
        enter_a(a)
        _open(lead, make_package(a, tmp_path / "1"))
        _return(lead, A)
        _roster(lead, a, A, tmp_path / "r2")
        _clear_imaging(a)
        before, mark = _rows(lead, AgreementVolume), _mark(lead)
        _open(lead, make_package(a, tmp_path / "2"))
        found = _after(lead, mark)
        gone = _logged_as_gone(before, _rows(lead, AgreementVolume), found, "agreement_volume")
        assert gone and all(before[rid]["quarter"] == str(Q) for rid in gone)
        # In the transaction that accepted the package: its event is logged with them.
        assert ("insert", "package_event") in {(act, t) for act, t, _r, _o in found}
    finally:
        a.close()
        lead.close()


def test_quarter_rows_a_package_drops_are_logged_at_the_lead(tmp_path) -> None:  # noqa: ANN001
    """A ends 钱小红's 巡诊 within Q: its next quarter's row goes at A (the form's command) and,
    with the package, at the lead (the Core bulk update)."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    try:
        enter_a(a)
        _open(lead, make_package(a, tmp_path / "1"))
        _return(lead, A)
        _roster(lead, a, A, tmp_path / "r2")
        member_before, member_mark = _rows(a, RotationQuarter), _mark(a)
        with a.session() as s:
            person = s.scalar(select(Staff.id).where(Staff.name == "钱小红"))
            r = s.scalar(select(Rotation).where(Rotation.staff_id == person))
            data = rotations.to_data(r)
            data.end = dt.date(2026, 9, 20)
            data.quarters = {k: v for k, v in data.quarters.items() if k == str(Q)}
            rotations.update_rotation(s, rotation_id=r.id, data=data, today=TODAY)
        found = _after(a, member_mark)
        assert _logged_as_gone(member_before, _rows(a, RotationQuarter), found, "rotation_quarter")
        before, mark = _rows(lead, RotationQuarter), _mark(lead)
        _open(lead, make_package(a, tmp_path / "2"))
        found = _after(lead, mark)
        gone = _logged_as_gone(before, _rows(lead, RotationQuarter), found, "rotation_quarter")
        assert [before[rid]["quarter"] for rid in gone] == ["2026Q4"]
    finally:
        a.close()
        lead.close()


def test_a_recipient_a_roster_removes_is_logged_at_the_member(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    b = member_database(lead, B, tmp_path)
    try:
        enter_a(a)
        _open(lead, make_package(a, tmp_path / "p1"))
        with lead.session() as s:
            ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
            data = agreements.to_data(ag)
            data.recipient_ids = [units(s)[B]]
            agreements.update_agreement(s, agreement_id=ag.id, data=data)
        before, mark = _rows(b, AgreementRecipient), _mark(b)
        _roster(lead, b, B, tmp_path / "r2b")
        found = _after(b, mark)
        gone = _logged_as_gone(before, _rows(b, AgreementRecipient), found, "agreement_recipient")
        with b.session() as s:
            assert [rid.split(",")[1] for rid in gone] == [str(units(s)[A])]
    finally:
        for db in (a, b, lead):
            db.close()
