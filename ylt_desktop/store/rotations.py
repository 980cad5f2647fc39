"""Queries and one-transaction commands for staff rotations (人员柔性流动) and their quarters.

A rotation stores one ``RotationQuarter`` row per quarter it touches, up to the quarter that
contains the day it was saved. Full-time forms get the calendar days inside the quarter when
the clerk leaves the days empty. ``quarter_figures`` answers for any quarter, including the
quarters an open or future rotation reached after it was saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from ylt_desktop.domain.periods import Quarter, touches
from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.domain.rotation import (
    Member,
    QuarterFigures,
    RotationData,
    Span,
    default_days,
    note_problems,
    split_quarters,
    validate_rotation,
)
from ylt_desktop.domain.tiers import LevelHistory
from ylt_desktop.store import levels, versions
from ylt_desktop.store.models import Institution, Rotation, RotationQuarter, Staff
from ylt_desktop.store.quarters import (
    REOPEN_HINT,
    lock_problems,
    quarter_keys_locked,
    refuse_if_locked,
)
from ylt_desktop.store.tx import transaction

VOLUMES: tuple[str, ...] = ("outpatient", "procedures", "trainees", "rounds", "lectures")
_LOADED = (
    selectinload(Rotation.staff),
    selectinload(Rotation.from_inst),
    selectinload(Rotation.to_inst),
    selectinload(Rotation.quarters),
)


def list_rotations(session: Session, *, staff_id: int | None = None) -> list[Rotation]:
    """Rotations with person, both institutions and quarters loaded, newest start first."""
    stmt = select(Rotation).options(*_LOADED).order_by(Rotation.start.desc(), Rotation.id.desc())
    if staff_id is not None:
        stmt = stmt.where(Rotation.staff_id == staff_id)
    return list(session.scalars(stmt))


def get_rotation(session: Session, rotation_id: int) -> Rotation | None:
    stmt = select(Rotation).options(*_LOADED).where(Rotation.id == rotation_id)
    return session.scalars(stmt).first()


def rotations_in_quarter(session: Session, quarter: Quarter) -> list[Rotation]:
    """Rotations whose dates touch ``quarter`` (an open end counts as ongoing), fully loaded."""
    stmt = (
        select(Rotation)
        .options(*_LOADED)
        .where(
            Rotation.start <= quarter.last_day,
            or_(Rotation.end.is_(None), Rotation.end >= quarter.first_day),
        )
        .order_by(Rotation.start, Rotation.id)
    )
    return list(session.scalars(stmt))


def quarter_figures(
    rotation: Rotation | StoredRotation, quarter: Quarter
) -> RotationQuarter | StoredQuarter | None:
    """The quarter's stored figures, else the full-time default (a transient row), else None.

    A stored full-time row without days gets its default days filled in the returned row
    only when it is transient; stored rows are returned as they are.
    """
    key = str(quarter)
    for row in rotation.quarters:
        if row.quarter == key:
            return row
    if not touches(rotation.start, rotation.end, quarter):
        return None
    days = default_days(rotation.form, rotation.start, rotation.end, quarter)
    if days is None:
        return None
    return RotationQuarter(
        rotation_id=rotation.id, quarter=key, days=days, **dict.fromkeys(VOLUMES, 0)
    )


@dataclass(slots=True)
class StoredQuarter:
    """A stored quarter row read as plain columns (what ``to_data`` and ``quarter_figures``
    read of a ``RotationQuarter``)."""

    quarter: str
    days: int | None
    outpatient: int
    procedures: int
    trainees: int
    rounds: int
    lectures: int


@dataclass(slots=True)
class StoredRotation:
    """A stored rotation read as plain columns, with its quarter rows: ``to_data`` and
    ``quarter_figures`` accept it as they accept a ``Rotation``."""

    id: int
    staff_id: int
    from_id: int
    to_id: int
    form: str
    start: dt.date
    end: dt.date | None
    note: str | None
    quarters: list[StoredQuarter] = field(default_factory=list)


def stored_rotations(session: Session) -> list[StoredRotation]:
    """Every rotation with its quarter rows, in two plain selects: an import matches its rows
    against all of them (50,000 as ORM objects took 1.5 s; as plain rows a fraction)."""
    found = {
        rid: StoredRotation(rid, *rest)
        for rid, *rest in session.execute(
            select(Rotation.id, Rotation.staff_id, Rotation.from_id, Rotation.to_id,
                   Rotation.form, Rotation.start, Rotation.end, Rotation.note)
        )
    }  # fmt: skip
    q = RotationQuarter
    stmt = select(q.rotation_id, q.quarter, q.days, *(getattr(q, v) for v in VOLUMES))
    for rid, *figures in session.execute(stmt.order_by(q.rotation_id, q.id)):
        found[rid].quarters.append(StoredQuarter(*figures))
    return list(found.values())


def to_data(rotation: Rotation | StoredRotation) -> RotationData:
    """The form's view of a stored rotation; full-time days equal to the default read as empty,
    so they follow the dates when those are edited."""
    quarters = {}
    for row in rotation.quarters:
        q = Quarter.parse(row.quarter)
        days = row.days
        if days is not None and days == default_days(
            rotation.form, rotation.start, rotation.end, q
        ):
            days = None
        quarters[row.quarter] = QuarterFigures(days, *(getattr(row, v) for v in VOLUMES))
    return RotationData(
        staff_id=rotation.staff_id,
        from_id=rotation.from_id,
        to_id=rotation.to_id,
        form=rotation.form,
        start=rotation.start,
        end=rotation.end,
        quarters=quarters,
    )


def direction_between(
    session: Session, from_id: int | None, to_id: int | None, on: dt.date | None = None
) -> str | None:
    """The derived 流动方向 of a rotation between two institutions starting ``on`` (their
    levels and categories on that day), or None while one is missing."""
    return levels.direction_between(session, from_id, to_id, on)


def _member(session: Session, inst_id: int | None) -> Member | None:
    inst = session.get(Institution, inst_id) if inst_id is not None else None
    return None if inst is None else (inst.joined, inst.left)


_GIVER = aliased(Institution, name="giver")
_TAKER = aliased(Institution, name="taker")


def _spans(session: Session, staff_id: int, own_id: int | None) -> list[Span]:
    """The person's other rotations, read as plain columns (no quarters loaded)."""
    giver, taker = _GIVER, _TAKER
    stmt = (
        select(Rotation.id, Rotation.start, Rotation.end, Rotation.form, giver.name, taker.name)
        .join(giver, Rotation.from_id == giver.id)
        .join(taker, Rotation.to_id == taker.id)
        .where(Rotation.staff_id == staff_id)
        .order_by(Rotation.id)
    )
    if own_id is not None:
        stmt = stmt.where(Rotation.id != own_id)
    return [
        Span(rid, start, end, form, f"{a} → {b}")
        for rid, start, end, form, a, b in session.execute(stmt)
    ]


def check_rotation(
    session: Session,
    data: RotationData,
    *,
    own_id: int | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """All problems of ``data`` as the form shows them: domain rules with the store's facts."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    staff = session.get(Staff, data.staff_id) if data.staff_id is not None else None
    if data.staff_id is not None and staff is None:
        problems.append(error("staff_id", "所选人员不存在，请重新选择"))
    others = _spans(session, data.staff_id, own_id) if staff is not None else []
    direction = None
    if data.start is not None and data.from_id != data.to_id:
        direction = levels.direction_between(session, data.from_id, data.to_id, data.start)
    problems += validate_rotation(
        data,
        from_member=_member(session, data.from_id),
        to_member=_member(session, data.to_id),
        others=others,
        today=today,
        staff_home_id=staff.home_id if staff is not None else None,
        direction=direction,
    )
    return problems + _lock_problems(session, data, own_id)


def _lock_problems(session: Session, data: RotationData, own_id: int | None) -> list[Problem]:
    """Refuse changes that reach into a submitted (locked) quarter (DESIGN.md §3)."""
    if data.start is None:
        return []
    old = get_rotation(session, own_id) if own_id is not None else None
    if old is None:
        return lock_problems(session, data.start, data.end)
    fields = ("staff_id", "from_id", "to_id", "form", "start", "end")
    if any(getattr(old, f) != getattr(data, f) for f in fields):
        return lock_problems(session, old.start, old.end) or lock_problems(
            session, data.start, data.end
        )
    before, empty = to_data(old).quarters, QuarterFigures()
    changed = [
        k
        for k in set(before) | set(data.quarters)
        if before.get(k, empty) != data.quarters.get(k, empty)
    ]
    return [
        error(f"quarters.{q}", f"{q.label}已报送并锁定，不能修改该季度的数据。{REOPEN_HINT}")
        for q in quarter_keys_locked(session, changed)
    ]


def _apply(
    session: Session,
    rotation: Rotation,
    data: RotationData,
    today: dt.date,
    known: dict[int, LevelHistory] | None = None,
) -> None:
    """Write ``data`` onto ``rotation``; ``known``: the units' histories already read."""
    # Reading the units' levels (and the quarter rows) with some values set would flush half
    # the row first: two audit entries and two versions for one save.
    with session.no_autoflush:
        _set(session, rotation, data, today, known)


def _set(
    session: Session,
    rotation: Rotation,
    data: RotationData,
    today: dt.date,
    known: dict[int, LevelHistory] | None,
) -> None:
    rotation.staff_id = data.staff_id
    rotation.from_id = data.from_id
    rotation.to_id = data.to_id
    rotation.form = data.form
    assert data.start is not None
    rotation.start = data.start
    rotation.end = data.end
    rotation.direction = (
        levels.direction_between(session, data.from_id, data.to_id, data.start, known) or ""
    )
    _apply_quarters(rotation, data, today)


def _apply_quarters(rotation: Rotation, data: RotationData, today: dt.date) -> None:
    """One row per touched quarter up to today's; rows kept in place (unique per quarter)."""
    assert data.start is not None
    existing = {row.quarter: row for row in rotation.quarters}
    wanted = set()
    for quarter, _ in split_quarters(data.start, data.end, today=today):
        if quarter.first_day > today:
            continue
        key = str(quarter)
        wanted.add(key)
        figures = data.quarters.get(key) or QuarterFigures()
        row = existing.get(key)
        if row is None:
            row = RotationQuarter(quarter=key)
            rotation.quarters.append(row)
        row.days = (
            figures.days
            if figures.days is not None
            else default_days(data.form, data.start, data.end, quarter)
        )
        for attr in VOLUMES:
            setattr(row, attr, getattr(figures, attr) or 0)
    for key, row in existing.items():
        if key not in wanted:
            rotation.quarters.remove(row)


def create_rotation(
    session: Session, *, data: RotationData, note: str = "", today: dt.date | None = None
) -> Rotation:
    """Validate and insert in one transaction; raises RuleViolation when errors stand."""
    today = today or dt.date.today()
    with transaction(session):
        problems = check_rotation(session, data, today=today) + note_problems(note)
        if has_errors(problems):
            raise RuleViolation(problems)
        rotation = Rotation(note=note.strip(), quarters=[])
        _apply(session, rotation, data, today)
        session.add(rotation)
        session.flush()
    return rotation


def update_rotation(
    session: Session,
    *,
    rotation_id: int,
    data: RotationData,
    note: str | None = None,
    today: dt.date | None = None,
    version: int | None = None,
) -> Rotation:
    """Validate and update in one transaction; ``version``: the one the form loaded (another's
    save since is refused, ``versions.RecordChanged``)."""
    today = today or dt.date.today()
    with versions.refusing(session, versions.ROTATION, rotation_id), transaction(session):
        rotation = get_rotation(session, rotation_id)
        if rotation is None:
            raise RuleViolation([error("staff_id", "该流动记录已被删除")])
        versions.expect_version(session, rotation, version, kind=versions.ROTATION)
        problems = check_rotation(session, data, own_id=rotation_id, today=today)
        problems += note_problems(note, stored=rotation.note)
        if has_errors(problems):
            raise RuleViolation(problems)
        _apply(session, rotation, data, today)
        if note is not None:
            rotation.note = note.strip()
    return rotation


def delete_rotation(session: Session, *, rotation_id: int, version: int | None = None) -> None:
    """Delete in one transaction; refused while its dates touch a submitted quarter, and when
    it changed since ``version``."""
    kind = versions.ROTATION
    with versions.refusing(session, kind, rotation_id, deleting=True), transaction(session):
        rotation = session.get(Rotation, rotation_id)
        if rotation is not None:
            versions.expect_version(session, rotation, version, kind=kind, deleting=True)
            refuse_if_locked(session, rotation.start, rotation.end)
            session.delete(rotation)
