"""等级变更记录: the dated history of each unit's level and category, and the directions of
rotations that follow it (DESIGN.md §1: a rotation's direction is derived from its units'
tiers on its start date, so a 二级→三级 upgrade does not rewrite past quarters).

A *dated change* (the institution form's 变更日期 given) adds an entry from that date on; a
*correction* (no date: the level or category was entered wrong) rewrites the entry in force,
the latest one. Either way the stored 流动方向 of the unit's rotations is derived again from
the history, so the list, the command line and the return agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ylt_desktop.domain.tiers import LevelEntry, LevelHistory, direction_on
from ylt_desktop.store.models import Institution, InstitutionLevel, Rotation


def _chunks(ids: Iterable[int]) -> list[list[int]]:
    ordered = sorted(set(ids))
    return [ordered[i : i + 500] for i in range(0, len(ordered), 500)]


def histories(session: Session, ids: Iterable[int] | None = None) -> dict[int, LevelHistory]:
    """The history of each unit in ``ids`` (every unit when None). A unit without entries (made
    outside the store commands) has one: its current level and category from the start."""
    found: dict[int, list[LevelEntry]] = {}
    current: dict[int, LevelEntry] = {}
    e, i = InstitutionLevel, Institution
    entry_cols = (e.institution_id, e.since, e.level, e.category)
    unit_cols = (i.id, i.level, i.category)
    if ids is None:
        chunks: list[list[int] | None] = [None]
    else:
        chunks = list(_chunks(ids))
    for chunk in chunks:
        entries = select(*entry_cols).order_by(e.institution_id, e.id)
        units = select(*unit_cols)
        if chunk is not None:
            entries, units = (
                entries.where(e.institution_id.in_(chunk)),
                units.where(i.id.in_(chunk)),
            )
        for inst_id, since, level, category in session.execute(entries):
            found.setdefault(inst_id, []).append(LevelEntry(since, level, category))
        for inst_id, level, category in session.execute(units):
            current[inst_id] = LevelEntry(None, level, category)
    return {
        inst_id: LevelHistory(found.get(inst_id) or [entry]) for inst_id, entry in current.items()
    }


def entries_of(session: Session, institution_id: int) -> list[InstitutionLevel]:
    """A unit's entries, oldest first (the institution form's table)."""
    stmt = select(InstitutionLevel).where(InstitutionLevel.institution_id == institution_id)
    rows = list(session.scalars(stmt))
    return sorted(rows, key=lambda x: (x.since or dt.date.min, x.id))


def direction_between(
    session: Session,
    from_id: int | None,
    to_id: int | None,
    on: dt.date | None,
    known: dict[int, LevelHistory] | None = None,
) -> str | None:
    """The 流动方向 of a rotation between two units starting ``on`` (today when None), or None
    while a unit is missing. ``known``: histories already read (bulk commands)."""
    if from_id is None or to_id is None:
        return None
    known = known if known is not None else {}
    missing = {from_id, to_id} - set(known)
    if missing:
        known.update(histories(session, missing))
    if from_id not in known or to_id not in known:
        return None
    return direction_on(known[from_id], known[to_id], on or dt.date.today())


def first_entry(institution_id: int, level: str, category: str) -> dict:
    """The columns of a new unit's first entry (``add_first_entry``), for a Core INSERT."""
    return {"institution_id": institution_id, "since": None, "level": level,
            "category": category}  # fmt: skip


def add_first_entry(session: Session, inst: Institution) -> None:
    """The entry a new unit starts with: its level and category from the start."""
    session.add(
        InstitutionLevel(institution=inst, since=None, level=inst.level, category=inst.category)
    )


def record_change(
    session: Session, inst: Institution, *, since: dt.date | None, before: tuple[str, str]
) -> None:
    """Keep the history of ``inst`` whose level/category were ``before`` and now stand on it:
    a dated change adds (or, on the same date, rewrites) an entry; a correction rewrites the
    latest entry. Then re-derive the directions of the unit's rotations."""
    entries = entries_of(session, inst.id)
    if not entries:  # a unit made outside the store commands: keep what it was
        old = InstitutionLevel(institution_id=inst.id, since=None, level=before[0],
                               category=before[1])  # fmt: skip
        session.add(old)
        entries = [old]
    if since is None:
        target = entries[-1]
    else:
        target = next((x for x in entries if x.since == since), None)
        if target is None:
            target = InstitutionLevel(institution_id=inst.id, since=since)
            session.add(target)
    target.level, target.category = inst.level, inst.category
    session.flush()
    rederive_directions(session, {inst.id})


def rederive_directions(session: Session, inst_ids: set[int]) -> int:
    """Derive again the 流动方向 of every rotation to or from ``inst_ids`` from the units'
    histories on each rotation's start date. Written through the ORM, so the audit log records
    each change. Returns how many rotations changed."""
    changed = 0
    for chunk in _chunks(inst_ids):
        rotations = session.scalars(
            select(Rotation).where(or_(Rotation.from_id.in_(chunk), Rotation.to_id.in_(chunk)))
        ).all()
        known = histories(session, {r.from_id for r in rotations} | {r.to_id for r in rotations})
        for r in rotations:
            direction = direction_on(known[r.from_id], known[r.to_id], r.start)
            if r.direction != direction:
                r.direction = direction
                changed += 1
    return changed
