"""Many institutions in one command, for imports: ``check_institutions``,
``create_institutions`` and ``update_institutions``, checked by the rules of the single-record
commands in ``institutions`` as if each row were written in turn, and written with a few bulk
statements (``store/bulk_write.py``) with the audit entries a flush would write, in one
transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.institution import InstitutionData, checked, validate_normalized
from ylt_desktop.domain.problems import RuleViolation, error, has_errors
from ylt_desktop.store import audit, bulk_write, levels
from ylt_desktop.store.consortium import (
    _refuse_in_member_database,
    lead_institution,
    other_units_profile,
)
from ylt_desktop.store.exchange import own_member_id
from ylt_desktop.store.institutions import _FIELDS, name_taken, second_lead, uscc_taken
from ylt_desktop.store.models import Institution, InstitutionLevel
from ylt_desktop.store.tx import transaction


def check_institutions(session: Session, rows: Sequence[InstitutionData]) -> list[list]:
    """The problems of each new row as if each were created in turn (so a row clashing with an
    earlier valid row of ``rows`` fails as it would alone), with a few queries in all."""
    return _check_normalized(session, [d.normalized() for d in rows])


def _check_normalized(session: Session, rows: list[InstitutionData]) -> list[list]:
    names = set(_holders(session, Institution.name_key, {d.name for d in rows if d.name}))
    usccs = set(_holders(session, Institution.uscc, {d.uscc for d in rows if d.uscc}))
    lead = lead_institution(session)
    lead_name = lead.name if lead is not None else None
    out = []
    for d in rows:
        problems = [] if checked(d) else validate_normalized(d)
        if d.name and d.name in names:
            problems.append(name_taken(d.name))
        if d.uscc and d.uscc in usccs:
            problems.append(uscc_taken(d.uscc))
        if d.role == lists.ROLE_LEAD and lead_name is not None:
            problems.append(second_lead(lead_name))
        if not has_errors(problems):
            names.add(d.name)
            if d.uscc:
                usccs.add(d.uscc)
            if d.role == lists.ROLE_LEAD:
                lead_name = d.name
        out.append(problems)
    return out


def create_institutions(session: Session, *, rows: Sequence[InstitutionData]) -> list[int]:
    """Validate every row (the rules of ``create_institution``), then insert them all, in one
    transaction; returns the new ids in the order of ``rows``. Raises RuleViolation with the
    first bad row's problems (its index in ``rows`` as ``.row``) and inserts nothing when any
    row has errors. The rows, their first 等级变更记录 entries and the audit entries are written
    with a few bulk statements (``store/bulk_write.py``): the same records, versions and audit
    entries, in the same order, as ``create_institution`` row by row (what an import falls
    back to): per row the unit, then its first level entry."""
    with transaction(session), session.no_autoflush:
        _refuse_in_member_database(session)
        rows = [d if checked(d) else d.normalized() for d in rows]
        for i, problems in enumerate(_check_normalized(session, rows)):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        session.flush()  # what the session holds comes first in the audit log, as it would
        made = bulk_write.insert_rows(session, Institution, [_row(d) for d in rows], key="name_key")
        firsts = bulk_write.insert_rows(
            session,
            InstitutionLevel,
            [levels.first_entry(v["id"], v["level"], v["category"]) for v in made],
            key="institution_id",
        )
        at = audit.now()
        entries = []
        for inst, first in zip(made, firsts, strict=True):  # as create_institution in turn
            entries.append(audit.insert_entry("institution", inst["id"], inst, at))
            entries.append(audit.insert_entry("institution_level", first["id"], first, at))
        audit.write_entries(session, entries)
    return [v["id"] for v in made]


def _row(d: InstitutionData) -> dict:
    """The columns ``_apply`` sets, for a Core INSERT."""
    row = {key: getattr(d, key) for key in _FIELDS}
    row["uscc"] = d.uscc or None
    row["name_key"] = d.name
    return row


def update_institutions(
    session: Session, *, rows: Sequence[tuple[int, InstitutionData]]
) -> list[int]:
    """Update many institutions (``(id, data)`` pairs) with the rules of
    ``update_institution``, checked as if each were updated in turn, with a few queries and
    bulk statements (``store/bulk_write.py``), in one transaction; returns the ids. Raises
    RuleViolation with the first bad row's problems (its index in ``rows`` as ``.row``) and
    changes nothing when any row has errors: every row is checked before any is written.
    Each changed row's version and ``updated_at`` move and its audit entry (the changed
    columns, in the order of ``rows``) is written as a flush would; a changed level or
    category corrects the entry in force (an import row carries no change date) and re-derives
    the unit's rotations through the ORM as ``update_institution`` does, right after the row
    (the rows before it written first): the entries are those of ``update_institution`` row by
    row, in the same order."""
    with transaction(session), session.no_autoflush:
        rows = [(inst_id, d if checked(d) else d.normalized()) for inst_id, d in rows]
        found = _current(session, {inst_id for inst_id, _ in rows})
        _check_updates(session, rows, found)
        session.flush()  # what the session holds comes first in the audit log, as it would
        at = audit.now()
        entries, segment = [], []
        # SQLite checks UNIQUE per UPDATE: a row taking a name or code an earlier row gave
        # up is written after it (the rows before it go first).
        freed: set[tuple[str, str | None]] = set()
        for inst_id, d in rows:
            old, new = found[inst_id], _row(d)
            changed = [col for col, value in new.items() if old[col] != value]
            if not changed:
                continue
            if (
                ("name", new["name_key"]) in freed
                or ("uscc", new["uscc"]) in freed
                or any(item[0] == inst_id for item in segment)  # a row changed twice: in turn
            ):
                bulk_write.update_rows_grouped(session, Institution, segment)
                segment, freed = [], set()
            if old["name_key"] != new["name_key"]:
                freed.add(("name", old["name_key"]))
            if old["uscc"] and old["uscc"] != new["uscc"]:
                freed.add(("uscc", old["uscc"]))
            ranked = (old["level"], old["category"])
            values = {col: new[col] for col in changed}
            segment.append((inst_id, old["version"], values))
            before = {col: old[col] for col in changed}
            entries.append(audit.update_entry("institution", inst_id, before, values, at))
            old.update(values)
            old["version"] += 1
            if ranked != (d.level, d.category):
                # As update_institution in turn: the row's entry, then its level correction
                # (an import row carries no change date) and its rotations' new directions,
                # all before the next row's entry.
                bulk_write.update_rows_grouped(session, Institution, segment)
                audit.write_entries(session, entries)
                segment, freed, entries = [], set(), []
                _forget(session, [inst_id])
                inst = session.get(Institution, inst_id)
                levels.record_change(session, inst, since=None, before=ranked)
                session.flush()
        bulk_write.update_rows_grouped(session, Institution, segment)
        audit.write_entries(session, entries)
        _forget(session, [inst_id for inst_id, _ in rows])
    return [inst_id for inst_id, _ in rows]


_CURRENT = (Institution.__table__.c.id, Institution.__table__.c.version,
            *(Institution.__table__.c[key] for key in (*_FIELDS, "name_key")))  # fmt: skip


def _current(session: Session, ids: set[int]) -> dict[int, dict]:
    """The stored columns of each institution in ``ids`` (column → value, read in this
    transaction: what an UPDATE changes from)."""
    found = {}
    for chunk in levels._chunks(ids):
        stmt = select(*_CURRENT).where(Institution.__table__.c.id.in_(chunk))
        found.update((row.id, row._asdict()) for row in session.execute(stmt))
    return found


def _forget(session: Session, ids: list[int]) -> None:
    """Institutions of the session's identity map that a Core UPDATE changed are read again
    when next used (their loaded values and version are the old ones)."""
    for inst_id in ids:
        obj = session.identity_map.get(session.identity_key(Institution, inst_id))
        if obj is not None:
            session.expire(obj)


def _check_updates(session: Session, rows: list[tuple[int, InstitutionData]], found: dict) -> None:
    """Raise for the first row ``update_institution`` would refuse after the rows before it."""
    # Who holds each name and USCC the rows ask for, and each row's values, as the rows before
    # it leave them.
    names = _holders(session, Institution.name_key, {d.name for _, d in rows if d.name})
    usccs = _holders(session, Institution.uscc, {d.uscc for _, d in rows if d.uscc})
    now = {i: (x["name_key"], x["uscc"]) for i, x in found.items()}
    lead = lead_institution(session)
    lead_id, lead_name = (lead.id, lead.name) if lead is not None else (None, None)
    member = own_member_id(session)  # a member's database: its own unit's id, read once
    for i, (inst_id, d) in enumerate(rows):
        mine = member is None or inst_id == member or inst_id not in found
        refused = None if mine else other_units_profile(session, inst_id)
        if inst_id not in found:
            problems = [error("name", "该机构已被删除")]
        elif refused:
            problems = [error("name", refused)]
        else:
            problems = [] if checked(d) else validate_normalized(d)
            if d.name and names.get(d.name, inst_id) != inst_id:
                problems.append(name_taken(d.name))
            if d.uscc and usccs.get(d.uscc, inst_id) != inst_id:
                problems.append(uscc_taken(d.uscc))
            if d.role == lists.ROLE_LEAD and lead_id not in (None, inst_id):
                problems.append(second_lead(lead_name))
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        old_name, old_uscc = now[inst_id]
        if names.get(old_name) == inst_id:
            del names[old_name]
        if old_uscc and usccs.get(old_uscc) == inst_id:
            del usccs[old_uscc]
        names[d.name] = inst_id
        if d.uscc:
            usccs[d.uscc] = inst_id
        now[inst_id] = (d.name, d.uscc or None)
        if d.role == lists.ROLE_LEAD:
            lead_id, lead_name = inst_id, d.name
        elif lead_id == inst_id:
            lead_id, lead_name = None, None


def _holders(session: Session, column, values: set[str]) -> dict[str, int]:  # noqa: ANN001
    """Which institution holds each of ``values`` in ``column``: one query per 500 values."""
    found: dict[str, int] = {}
    ordered = sorted(values)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        stmt = select(column, Institution.id).where(column.in_(chunk))
        found.update((value, inst_id) for value, inst_id in session.execute(stmt))
    return found
