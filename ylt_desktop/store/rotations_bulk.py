"""Many rotations in one command, for imports: ``create_rotations`` and ``update_rotations``
check every row by the single-record rules of ``store/rotations.py`` as if the rows were
written in turn (with the facts read once and kept current), then write them all with a few
Core statements and the audit entries one flush would write (``store/bulk_write.py``), in
one transaction; a refused batch changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
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
from ylt_desktop.domain.tiers import LevelHistory, direction_on
from ylt_desktop.store import audit, bulk_write, levels
from ylt_desktop.store.models import Institution, Rotation, RotationQuarter, Staff
from ylt_desktop.store.quarters import REOPEN_HINT, locked_quarters
from ylt_desktop.store.rotations import (
    _GIVER,
    _TAKER,
    VOLUMES,
    StoredQuarter,
    StoredRotation,
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
    in ``new_people`` are not written yet), the institutions, and each person's rotations as
    plain spans."""
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
    the institutions the rows name and their level histories."""
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
) -> list[int]:
    """``create_rotation`` for many (data, note) rows: every row checked by the same rules (as if
    created in turn), then all inserted, in one transaction; returns the new ids in the order
    of ``rows``. Raises RuleViolation with the first bad row's problems (its index as
    ``.row``), inserting nothing, when any row has errors. The rotations, their quarter rows
    and the audit entries are written with a few bulk statements (``store/bulk_write.py``):
    the same records and entries (each rotation, then its quarter rows) as one flush of the
    same rows."""
    today = today or dt.date.today()
    with transaction(session), session.no_autoflush:
        found, _insts, histories = _check_new(session, [d for d, _note in rows], today)
        for i, problems in enumerate(found):
            problems += note_problems(rows[i][1])
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        session.flush()  # what the session holds comes first in the audit log, as it would
        made = bulk_write.insert_rows(
            session,
            Rotation,
            [_rotation_row(session, d, histories) | {"note": note.strip()} for d, note in rows],
            key=None,
        )
        parts = [(r["id"], _quarter_rows(d, today)) for r, (d, _note) in zip(made, rows,
                                                                            strict=True)]  # fmt: skip
        quarters = bulk_write.insert_rows(
            session,
            RotationQuarter,
            [{"rotation_id": rid, "quarter": key, **values}
             for rid, wanted in parts for key, values in wanted.items()],
            key=None,
        )  # fmt: skip
        at = audit.now()
        entries, next_quarter = [], iter(quarters)
        for rotation, (_rid, wanted) in zip(made, parts, strict=True):
            entries.append(audit.insert_entry("rotation", rotation["id"], rotation, at))
            for _ in wanted:
                row = next(next_quarter)
                entries.append(audit.insert_entry("rotation_quarter", row["id"], row, at))
        audit.write_entries(session, entries)
    return [r["id"] for r in made]


def _rotation_row(
    session: Session, d: RotationData, histories: dict[int, LevelHistory]
) -> dict[str, Any]:
    """The columns ``rotations._apply`` sets but the note, for a Core INSERT or UPDATE."""
    assert d.start is not None
    direction = levels.direction_between(session, d.from_id, d.to_id, d.start, histories)
    return {"staff_id": d.staff_id, "from_id": d.from_id, "to_id": d.to_id, "form": d.form,
            "start": d.start, "end": d.end, "direction": direction or ""}  # fmt: skip


def _quarter_rows(d: RotationData, today: dt.date) -> dict[str, dict[str, Any]]:
    """Quarter key → the columns ``rotations._apply_quarters`` gives its row: one per touched
    quarter up to today's, in the order it adds them."""
    assert d.start is not None
    out = {}
    for quarter, _ in split_quarters(d.start, d.end, today=today):
        if quarter.first_day > today:
            continue
        figures = d.quarters.get(str(quarter)) or QuarterFigures()
        days = figures.days
        if days is None:
            days = default_days(d.form, d.start, d.end, quarter)
        values: dict[str, Any] = {"days": days}
        for attr in VOLUMES:
            values[attr] = getattr(figures, attr) or 0
        out[str(quarter)] = values
    return out


def update_rotations(
    session: Session,
    *,
    rows: Sequence[tuple[int, RotationData, str | None]],
    today: dt.date | None = None,
) -> list[int]:
    """``update_rotation`` for many ``(id, data, note)`` rows: every row checked by the same
    rules as if updated in turn, before any is applied, then written, in one transaction;
    returns the ids. Raises RuleViolation with the first bad row's problems (its index as
    ``.row``) and changes nothing when any row has errors. Written with a few bulk
    statements (``store/bulk_write.py``), as one flush of the same rows writes them: each
    changed rotation's UPDATE checks and moves its version (a change of its quarter rows
    only moves it too), then the quarter rows changed, added and dropped; the audit entries
    are the flush's (the new quarter rows, then the changes ordered by table and key, then
    the dropped quarter rows' deletes by key, as the flush logs the orphans it deletes)."""
    today = today or dt.date.today()
    if len({rid for rid, _d, _note in rows}) < len(rows):
        raise ValueError("update_rotations: a rotation may appear once in a batch")
    with transaction(session), session.no_autoflush:
        found, extra = _stored(session, {rid for rid, _d, _note in rows})
        histories = _check_updates(session, rows, found, today)
        session.flush()  # what the session holds comes first in the audit log, as it would
        at = audit.now()
        changed_rotations, changed_parts, added, dropped = [], [], [], []
        added_entries, entries, gone_entries = [], [], []
        for rid, d, note in rows:
            old, (version, direction, part_ids) = found[rid], extra[rid]
            new = _rotation_row(session, d, histories)
            if note is not None:
                new["note"] = note.strip()
            before = {"staff_id": old.staff_id, "from_id": old.from_id, "to_id": old.to_id,
                      "form": old.form, "start": old.start, "end": old.end,
                      "direction": direction, "note": old.note}  # fmt: skip
            changed = {col: value for col, value in new.items() if before[col] != value}
            wanted = _quarter_rows(d, today)
            stored = {q.quarter: (part_id, q) for part_id, q in zip(part_ids, old.quarters,
                                                                   strict=True)}  # fmt: skip
            part_entries, touched = [], bool(changed)
            for key, values in wanted.items():
                if key not in stored:
                    added.append({"rotation_id": rid, "quarter": key, **values})
                    touched = True
                    continue
                part_id, q = stored[key]
                diff = {col: v for col, v in values.items() if getattr(q, col) != v}
                if diff:
                    changed_parts.append((part_id, diff))
                    was = {col: getattr(q, col) for col in diff}
                    entry = audit.update_entry("rotation_quarter", part_id, was, diff, at)
                    part_entries.append(((entry["table_name"], (part_id,)), entry))
            gone = [(part_id, q) for key, (part_id, q) in stored.items() if key not in wanted]
            for part_id, q in gone:
                dropped.append(part_id)
                values = {"id": part_id, "rotation_id": rid, "quarter": q.quarter,
                          "days": q.days, **{col: getattr(q, col) for col in VOLUMES}}  # fmt: skip
                entry = audit.delete_entry("rotation_quarter", part_id, values, at)
                gone_entries.append(((entry["table_name"], (part_id,)), entry))
            if touched or part_entries or gone:  # its flush touches it: the version moves
                changed_rotations.append((rid, version, changed))
            if changed:
                was = {col: before[col] for col in changed}
                entry = audit.update_entry("rotation", rid, was, changed, at)
                entries.append(((entry["table_name"], (rid,)), entry))
            entries += part_entries
        # One executemany per set of changed columns (a rotation whose quarter rows alone
        # changed: its version and ``updated_at``, as the flush's touch of the owner).
        bulk_write.update_rows_grouped(session, Rotation, changed_rotations)
        bulk_write.update_parts(session, RotationQuarter, changed_parts)
        for row in bulk_write.insert_rows(session, RotationQuarter, added, key=None):
            added_entries.append(audit.insert_entry("rotation_quarter", row["id"], row, at))
        bulk_write.delete_rows(session, RotationQuarter, dropped)
        # A flush logs its updates, then the part rows its records dropped, each ordered by
        # table and key (``audit._entries``).
        entries.sort(key=lambda item: item[0])
        gone_entries.sort(key=lambda item: item[0])
        audit.write_entries(
            session, added_entries + [entry for _key, entry in entries + gone_entries]
        )
        _forget(session, extra)
    return [rid for rid, _d, _note in rows]


def _stored(
    session: Session, ids: set[int]
) -> tuple[dict[int, StoredRotation], dict[int, tuple[int, str, list[int]]]]:
    """The rotations ``ids`` as plain columns with their quarter rows (what the checks read),
    and each one's version, stored direction and quarter row ids (in the order of its
    quarter rows), read in this transaction."""
    found: dict[int, StoredRotation] = {}
    extra: dict[int, tuple[int, str, list[int]]] = {}
    r, q = Rotation, RotationQuarter
    for chunk in _chunks(ids):
        stmt = select(r.id, r.staff_id, r.from_id, r.to_id, r.form, r.start, r.end, r.note,
                      r.version, r.direction).where(r.id.in_(chunk))  # fmt: skip
        for rid, *values, version, direction in session.execute(stmt):
            found[rid] = StoredRotation(rid, *values)
            extra[rid] = (version, direction, [])
        stmt = (
            select(q.id, q.rotation_id, q.quarter, q.days, *(getattr(q, v) for v in VOLUMES))
            .where(q.rotation_id.in_(chunk))
            .order_by(q.rotation_id, q.id)
        )
        for part_id, rid, *figures in session.execute(stmt):
            found[rid].quarters.append(StoredQuarter(*figures))
            extra[rid][2].append(part_id)
    return found, extra


def _forget(session: Session, written: dict[int, tuple[int, str, list[int]]]) -> None:
    """Rotations and quarter rows of the session's identity map that the Core statements
    changed are read again when next used (a dropped quarter row leaves the session)."""
    for rid, (_version, _direction, part_ids) in written.items():
        obj = session.identity_map.get(session.identity_key(Rotation, rid))
        if obj is not None:
            session.expire(obj)
        for part_id in part_ids:
            part = session.identity_map.get(session.identity_key(RotationQuarter, part_id))
            if part is not None:
                session.expunge(part)


def _check_updates(
    session: Session,
    rows: Sequence[tuple[int, RotationData, str | None]],
    found: dict[int, StoredRotation],
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

    for i, (rid, d, note) in enumerate(rows):
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
            problems += note_problems(note, stored=old.note)
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


def _locked_by_update(old: StoredRotation, d: RotationData, locked: set[Quarter]) -> list[Problem]:
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
