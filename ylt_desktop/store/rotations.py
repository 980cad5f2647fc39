"""Queries and one-transaction commands for staff rotations (人员柔性流动) and their quarters.

A rotation stores one ``RotationQuarter`` row per quarter it touches, up to the quarter that
contains the day it was saved. Full-time forms get the calendar days inside the quarter when
the clerk leaves the days empty. ``quarter_figures`` answers for any quarter, including the
quarters an open or future rotation reached after it was saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

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
    derive_direction,
    split_quarters,
    validate_rotation,
)
from ylt_desktop.store.models import Institution, Rotation, RotationQuarter, Staff
from ylt_desktop.store.quarters import (
    REOPEN_HINT,
    lock_problems,
    locked_quarters,
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


def quarter_figures(rotation: Rotation, quarter: Quarter) -> RotationQuarter | None:
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


def to_data(rotation: Rotation) -> RotationData:
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


def direction_between(session: Session, from_id: int | None, to_id: int | None) -> str | None:
    """The derived 流动方向 of two institutions, or None while one is missing."""
    a = session.get(Institution, from_id) if from_id is not None else None
    b = session.get(Institution, to_id) if to_id is not None else None
    if a is None or b is None:
        return None
    return derive_direction(a.level, a.category, b.level, b.category)


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
    problems += validate_rotation(
        data,
        from_member=_member(session, data.from_id),
        to_member=_member(session, data.to_id),
        others=others,
        today=today,
        staff_home_id=staff.home_id if staff is not None else None,
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


def _apply(session: Session, rotation: Rotation, data: RotationData, today: dt.date) -> None:
    rotation.staff_id = data.staff_id
    rotation.from_id = data.from_id
    rotation.to_id = data.to_id
    rotation.form = data.form
    assert data.start is not None
    rotation.start = data.start
    rotation.end = data.end
    rotation.direction = direction_between(session, data.from_id, data.to_id) or ""
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
        problems = check_rotation(session, data, today=today)
        if has_errors(problems):
            raise RuleViolation(problems)
        rotation = Rotation(note=note.strip(), quarters=[])
        _apply(session, rotation, data, today)
        session.add(rotation)
        session.flush()
    return rotation


def _chunks(values: set) -> list[list]:  # noqa: ANN401
    ordered = sorted(values)
    return [ordered[i : i + 500] for i in range(0, len(ordered), 500)]


def _facts(
    session: Session,
    staff_ids: set[int],
    inst_ids: set[int],
    new_people: Mapping[int, int | None] | None = None,
) -> tuple[dict[int, int | None], dict[int, Institution], dict[int, list[Span]]]:
    """What the checks of many rows need, read with a few queries: each person's home (people
    in ``new_people`` are not written yet), the institutions (kept loaded in the session, so
    ``_apply`` finds them), and each person's rotations as plain spans."""
    homes: dict[int, int | None] = dict(new_people or {})
    for chunk in _chunks(staff_ids - set(homes)):
        found = session.execute(select(Staff.id, Staff.home_id).where(Staff.id.in_(chunk)))
        homes.update((sid, home) for sid, home in found)
    insts: dict[int, Institution] = {}
    for chunk in _chunks(inst_ids):
        stmt = select(Institution).where(Institution.id.in_(chunk))
        insts.update((i.id, i) for i in session.scalars(stmt))
    spans: dict[int, list[Span]] = {}
    giver, taker = _GIVER, _TAKER
    for chunk in _chunks(set(homes)):
        stmt = (
            select(Rotation.staff_id, Rotation.id, Rotation.start, Rotation.end, Rotation.form,
                   giver.name, taker.name)
            .join(giver, Rotation.from_id == giver.id)
            .join(taker, Rotation.to_id == taker.id)
            .where(Rotation.staff_id.in_(chunk))
        )  # fmt: skip
        for sid, rid, start, end, form, a, b in session.execute(stmt):
            spans.setdefault(sid, []).append(Span(rid, start, end, form, f"{a} → {b}"))
    return homes, insts, spans


def check_new_rotations(
    session: Session,
    rows: Sequence[RotationData],
    *,
    today: dt.date | None = None,
    new_people: Mapping[int, int | None] | None = None,
) -> list[list[Problem]]:
    """The problems ``create_rotations`` would find in each row, writing nothing.
    ``new_people``: persons not written yet (an import creates them in the same transaction),
    by the stand-in staff id the rows use → their home institution."""
    return _check_new(session, list(rows), today or dt.date.today(), new_people)[0]


def _check_new(
    session: Session,
    rows: list[RotationData],
    today: dt.date,
    new_people: Mapping[int, int | None] | None = None,
) -> tuple[list[list[Problem]], dict[int, Institution]]:
    """``check_rotation`` of each new row as if each were created in turn, with a few queries;
    and the institutions the rows name (kept loaded, so ``_apply`` finds them in the session)."""
    homes, insts, spans = _facts(
        session,
        {d.staff_id for d in rows if d.staff_id is not None},
        {i for d in rows for i in (d.from_id, d.to_id) if i is not None},
        new_people,
    )
    any_locked = bool(locked_quarters(session))

    def member(inst_id: int | None) -> Member | None:
        inst = insts.get(inst_id) if inst_id is not None else None
        return None if inst is None else (inst.joined, inst.left)

    out = []
    for d in rows:
        problems: list[Problem] = []
        known = d.staff_id in homes
        if d.staff_id is not None and not known:
            problems.append(error("staff_id", "所选人员不存在，请重新选择"))
        problems += validate_rotation(
            d,
            from_member=member(d.from_id),
            to_member=member(d.to_id),
            others=spans.get(d.staff_id, []) if known else [],
            today=today,
            staff_home_id=homes.get(d.staff_id) if known else None,
        )
        if any_locked:
            problems += _lock_problems(session, d, None)
        if not has_errors(problems) and known and d.start is not None:
            label = f"{insts[d.from_id].name} → {insts[d.to_id].name}"
            spans.setdefault(d.staff_id, []).append(Span(None, d.start, d.end, d.form, label))
        out.append(problems)
    return out, insts


def create_rotations(
    session: Session, *, rows: Sequence[tuple[RotationData, str]], today: dt.date | None = None
) -> list[Rotation]:
    """``create_rotation`` for many (data, note) rows: every row checked by the same rules (as if
    created in turn), then all inserted with one flush, in one transaction. Raises RuleViolation
    with the first bad row's problems (its index as ``.row``), inserting nothing, when any row
    has errors."""
    today = today or dt.date.today()
    with transaction(session), session.no_autoflush:
        found, _insts = _check_new(session, [d for d, _note in rows], today)
        for i, problems in enumerate(found):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        made = []
        for data, note in rows:
            rotation = Rotation(note=note.strip(), quarters=[])
            _apply(session, rotation, data, today)
            made.append(rotation)
        session.add_all(made)  # one flush as the transaction ends (or joins an outer one)
    return made


def update_rotation(
    session: Session,
    *,
    rotation_id: int,
    data: RotationData,
    note: str | None = None,
    today: dt.date | None = None,
) -> Rotation:
    today = today or dt.date.today()
    with transaction(session):
        rotation = get_rotation(session, rotation_id)
        if rotation is None:
            raise RuleViolation([error("staff_id", "该流动记录已被删除")])
        problems = check_rotation(session, data, own_id=rotation_id, today=today)
        if has_errors(problems):
            raise RuleViolation(problems)
        _apply(session, rotation, data, today)
        if note is not None:
            rotation.note = note.strip()
    return rotation


def update_rotations(
    session: Session,
    *,
    rows: Sequence[tuple[int, RotationData, str | None]],
    today: dt.date | None = None,
) -> list[Rotation]:
    """``update_rotation`` for many ``(id, data, note)`` rows: every row checked by the same
    rules as if updated in turn, before any is applied, then written with one flush, in one
    transaction. Raises RuleViolation with the first bad row's problems (its index as
    ``.row``) and changes nothing when any row has errors."""
    today = today or dt.date.today()
    if len({rid for rid, _d, _note in rows}) < len(rows):  # one rotation twice: in turn
        with transaction(session):
            return [
                update_rotation(session, rotation_id=rid, data=d, note=note, today=today)
                for rid, d, note in rows
            ]
    with transaction(session), session.no_autoflush:
        found: dict[int, Rotation] = {}
        for chunk in _chunks({rid for rid, _d, _note in rows}):
            stmt = select(Rotation).options(*_LOADED).where(Rotation.id.in_(chunk))
            found.update((r.id, r) for r in session.scalars(stmt))
        _check_updates(session, rows, found, today)
        for rid, d, note in rows:
            rotation = found[rid]
            _apply(session, rotation, d, today)
            if note is not None:
                rotation.note = note.strip()
    return [found[rid] for rid, _d, _note in rows]


def _check_updates(
    session: Session,
    rows: Sequence[tuple[int, RotationData, str | None]],
    found: dict[int, Rotation],
    today: dt.date,
) -> None:
    """Raise for the first row ``update_rotation`` would refuse after the rows before it,
    with the facts (people, units, other rotations, locks) read once and kept current."""
    homes, insts, spans = _facts(
        session,
        {d.staff_id for _r, d, _n in rows if d.staff_id is not None}
        | {r.staff_id for r in found.values()},
        {i for _r, d, _n in rows for i in (d.from_id, d.to_id) if i is not None},
    )
    locked = set(locked_quarters(session))

    def member(inst_id: int | None) -> Member | None:
        inst = insts.get(inst_id) if inst_id is not None else None
        return None if inst is None else (inst.joined, inst.left)

    def touching(start: dt.date, end: dt.date | None) -> list[Problem]:
        first = Quarter.containing(start)
        last = Quarter.containing(end) if end is not None else None
        return [
            error("start", f"{q.label}已报送并锁定，不能修改涉及该季度的数据。{REOPEN_HINT}")
            for q in sorted(locked)
            if first <= q and (last is None or q <= last)
        ]

    for i, (rid, d, _note) in enumerate(rows):
        old = found.get(rid)
        if old is None:
            problems = [error("staff_id", "该流动记录已被删除")]
        else:
            problems = []
            known = d.staff_id in homes
            if d.staff_id is not None and not known:
                problems.append(error("staff_id", "所选人员不存在，请重新选择"))
            others = [s for s in spans.get(d.staff_id, []) if s.id != rid] if known else []
            problems += validate_rotation(
                d,
                from_member=member(d.from_id),
                to_member=member(d.to_id),
                others=others,
                today=today,
                staff_home_id=homes.get(d.staff_id) if known else None,
            )
            if locked and d.start is not None:
                problems += _locked_by_update(old, d, locked, touching)
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        assert old is not None and d.start is not None
        spans[old.staff_id] = [s for s in spans.get(old.staff_id, []) if s.id != rid]
        if d.staff_id is not None:
            a, b = insts.get(d.from_id), insts.get(d.to_id)
            label = f"{a.name if a else ''} → {b.name if b else ''}"
            spans.setdefault(d.staff_id, []).append(Span(rid, d.start, d.end, d.form, label))


def _locked_by_update(
    old: Rotation, d: RotationData, locked: set[Quarter], touching: Callable
) -> list[Problem]:
    """``_lock_problems`` of an update, against the locked quarters read once."""
    fields = ("staff_id", "from_id", "to_id", "form", "start", "end")
    if any(getattr(old, f) != getattr(d, f) for f in fields):
        return touching(old.start, old.end) or touching(d.start, d.end)
    before, empty = to_data(old).quarters, QuarterFigures()
    changed = {
        Quarter.parse(k)
        for k in set(before) | set(d.quarters)
        if before.get(k, empty) != d.quarters.get(k, empty)
    }
    return [
        error(f"quarters.{q}", f"{q.label}已报送并锁定，不能修改该季度的数据。{REOPEN_HINT}")
        for q in sorted(changed & locked)
    ]


def delete_rotation(session: Session, *, rotation_id: int) -> None:
    """Delete in one transaction; refused while its dates touch a submitted quarter."""
    with transaction(session):
        rotation = session.get(Rotation, rotation_id)
        if rotation is not None:
            refuse_if_locked(session, rotation.start, rotation.end)
            session.delete(rotation)
