"""Many rotations in one command, for imports: ``create_rotations`` and ``update_rotations``
check every row by the single-record rules of ``store/rotations.py`` as if the rows were
written in turn (with the facts read once and kept current), then write them all with one
flush, in one transaction; a refused batch changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.domain.rotation import (
    Member,
    QuarterFigures,
    RotationData,
    Span,
    validate_rotation,
)
from ylt_desktop.domain.tiers import LevelHistory, direction_on
from ylt_desktop.store import levels
from ylt_desktop.store.models import Institution, Rotation, Staff
from ylt_desktop.store.quarters import REOPEN_HINT, locked_quarters
from ylt_desktop.store.rotations import (
    _GIVER,
    _LOADED,
    _TAKER,
    _apply,
    to_data,
)
from ylt_desktop.store.tx import transaction


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
            .order_by(Rotation.id)
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


def _direction(known: dict[int, LevelHistory], d: RotationData) -> str | None:
    """The direction ``validate_rotation`` warns by, from histories read once."""
    if d.start is None or d.from_id == d.to_id or d.from_id not in known or d.to_id not in known:
        return None
    return direction_on(known[d.from_id], known[d.to_id], d.start)


def _check_new(
    session: Session,
    rows: list[RotationData],
    today: dt.date,
    new_people: Mapping[int, int | None] | None = None,
) -> tuple[list[list[Problem]], dict[int, Institution], dict[int, LevelHistory]]:
    """``check_rotation`` of each new row as if each were created in turn, with a few queries;
    the institutions the rows name (kept loaded, so ``_apply`` finds them in the session) and
    their level histories."""
    homes, insts, spans = _facts(
        session,
        {d.staff_id for d in rows if d.staff_id is not None},
        {i for d in rows for i in (d.from_id, d.to_id) if i is not None},
        new_people,
    )
    locked = set(locked_quarters(session))
    histories = levels.histories(session, set(insts))

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
            direction=_direction(histories, d),
        )
        if locked and d.start is not None:
            problems += _touching(locked, d.start, d.end)
        if not has_errors(problems) and known and d.start is not None:
            label = f"{insts[d.from_id].name} → {insts[d.to_id].name}"
            spans.setdefault(d.staff_id, []).append(Span(None, d.start, d.end, d.form, label))
        out.append(problems)
    return out, insts, histories


def create_rotations(
    session: Session, *, rows: Sequence[tuple[RotationData, str]], today: dt.date | None = None
) -> list[Rotation]:
    """``create_rotation`` for many (data, note) rows: every row checked by the same rules (as if
    created in turn), then all inserted with one flush, in one transaction. Raises RuleViolation
    with the first bad row's problems (its index as ``.row``), inserting nothing, when any row
    has errors."""
    today = today or dt.date.today()
    with transaction(session), session.no_autoflush:
        found, _insts, histories = _check_new(session, [d for d, _note in rows], today)
        for i, problems in enumerate(found):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        made = []
        for data, note in rows:
            rotation = Rotation(note=note.strip(), quarters=[])
            _apply(session, rotation, data, today, histories)
            made.append(rotation)
        session.add_all(made)  # one flush as the transaction ends (or joins an outer one)
    return made


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
    if len({rid for rid, _d, _note in rows}) < len(rows):
        raise ValueError("update_rotations: a rotation may appear once in a batch")
    with transaction(session), session.no_autoflush:
        found: dict[int, Rotation] = {}
        for chunk in _chunks({rid for rid, _d, _note in rows}):
            stmt = select(Rotation).options(*_LOADED).where(Rotation.id.in_(chunk))
            found.update((r.id, r) for r in session.scalars(stmt))
        histories = _check_updates(session, rows, found, today)
        for rid, d, note in rows:
            rotation = found[rid]
            _apply(session, rotation, d, today, histories)
            if note is not None:
                rotation.note = note.strip()
    return [found[rid] for rid, _d, _note in rows]


def _check_updates(
    session: Session,
    rows: Sequence[tuple[int, RotationData, str | None]],
    found: dict[int, Rotation],
    today: dt.date,
) -> dict[int, LevelHistory]:
    """Raise for the first row ``update_rotation`` would refuse after the rows before it,
    with the facts (people, units, other rotations, locks) read once and kept current; return
    the units' level histories."""
    homes, insts, spans = _facts(
        session,
        {d.staff_id for _r, d, _n in rows if d.staff_id is not None}
        | {r.staff_id for r in found.values()},
        {i for _r, d, _n in rows for i in (d.from_id, d.to_id) if i is not None},
    )
    locked = set(locked_quarters(session))
    histories = levels.histories(session, set(insts))

    def member(inst_id: int | None) -> Member | None:
        inst = insts.get(inst_id) if inst_id is not None else None
        return None if inst is None else (inst.joined, inst.left)

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
                direction=_direction(histories, d),
            )
            if locked and d.start is not None:
                problems += _locked_by_update(old, d, locked)
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        assert old is not None and d.start is not None
        spans[old.staff_id] = [s for s in spans.get(old.staff_id, []) if s.id != rid]
        if d.staff_id is not None:
            a, b = insts.get(d.from_id), insts.get(d.to_id)
            label = f"{a.name if a else ''} → {b.name if b else ''}"
            mine = spans.setdefault(d.staff_id, [])
            mine.append(Span(rid, d.start, d.end, d.form, label))
            mine.sort(key=lambda s: s.id)  # in id order, as the single command reads them
    return histories


def _touching(locked: set[Quarter], start: dt.date, end: dt.date | None) -> list[Problem]:
    """``quarters.lock_problems`` against the locked quarters read once."""
    first = Quarter.containing(start)
    last = Quarter.containing(end) if end is not None else None
    return [
        error("start", f"{q.label}已报送并锁定，不能修改涉及该季度的数据。{REOPEN_HINT}")
        for q in sorted(locked)
        if first <= q and (last is None or q <= last)
    ]


def _locked_by_update(old: Rotation, d: RotationData, locked: set[Quarter]) -> list[Problem]:
    """``_lock_problems`` of an update, against the locked quarters read once."""
    fields = ("staff_id", "from_id", "to_id", "form", "start", "end")
    if any(getattr(old, f) != getattr(d, f) for f in fields):
        return _touching(locked, old.start, old.end) or _touching(locked, d.start, d.end)
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
