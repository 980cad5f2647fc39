"""Reading the 人员流动 list as columns (``rotation_columns.RotationColumns``).

The first part comes through the start index in the list's order (``read_first``); the whole
list is read in steps, each table in its own order (``WholeRead``: the rotations by id, each
part's stored quarters by rotation), and put in the list's order once, by a counting sort of
the start days. Reading through the start index grew 13-16 x for 10 x the rows (each row a
B-tree descent into an ever larger table); the tables' own order grows with the rows.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import itemgetter

from sqlalchemy import Select, String, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from ylt_desktop.collector import paused
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.store.models import Institution, Rotation, RotationQuarter, Staff
from ylt_desktop.store.rotation_columns import NO_DAYS, RotationColumns

_ROTATION = (
    Rotation.id, Rotation.staff_id, Rotation.from_id, Rotation.to_id, Rotation.direction,
    Rotation.form,
    # Dates as the driver gives them (SQLite: text): each distinct one is made a date once.
    type_coerce(Rotation.start, String), type_coerce(Rotation.end, String),
    Rotation.note, Rotation.version,
)  # fmt: skip
_FIGURES = (
    RotationQuarter.rotation_id, RotationQuarter.quarter, RotationQuarter.days,
    RotationQuarter.outpatient,
)  # fmt: skip


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])


def _people(session: Session, ids: Select | Iterable[int] | None = None) -> list[tuple]:  # type: ignore[type-arg]
    """(id, name, masked number, title) of every person, or of ``ids``."""
    people = select(Staff.id, Staff.name, Staff.id_number, Staff.title)
    if ids is not None:
        people = people.where(Staff.id.in_(ids if isinstance(ids, Select) else sorted(ids)))
    masked: dict[str, str] = {}
    out = []
    for sid, name, number, title in session.connection().execute(people):
        shown = masked.get(number)
        if shown is None:
            shown = masked[number] = mask_id(number)
        out.append((sid, name, shown, title))
    return out


def _units(session: Session, ids: Iterable[int] | None = None) -> list[tuple[int, str]]:
    units = select(Institution.id, Institution.name)
    if ids is not None:
        units = units.where(Institution.id.in_(sorted(ids)))
    return [tuple(row) for row in session.connection().execute(units)]  # type: ignore[misc]


class _Builder:
    """Columns appended as read, each part of rotations with its stored quarters."""

    def __init__(self, session: Session, today: dt.date, first: Select | None = None) -> None:
        from ylt_desktop.store.audit import change_token

        self.today = today
        self.cols = RotationColumns(token=change_token(session))
        # A value as read -> its code in cols.values, one map per kind of value read (on
        # SQLite a date is read as text: a note "2026-01-06" is not that date), and a value
        # made -> its code (a date read as text and as a date shares one).
        self._codes: dict[object, int] = {}
        self._date_codes: dict[object, int] = {}
        self._made: dict[object, int] = {}
        self._person: dict[int, int] = {}  # person id -> code
        self._unit: dict[int, int] = {}
        self._add_people(_people(session, first))
        self._add_units(_units(session))

    def _add_people(self, people: list[tuple]) -> None:  # type: ignore[type-arg]
        for person in people:
            if person[0] not in self._person:
                self._person[person[0]] = len(self.cols.people)
                self.cols.people.append(person)

    def _add_units(self, units: list[tuple[int, str]]) -> None:
        for unit in units:
            if unit[0] not in self._unit:
                self._unit[unit[0]] = len(self.cols.units)
                self.cols.units.append(unit)

    def add(
        self,
        session: Session,
        rows: Sequence[Sequence[object]],
        figures: Sequence[Sequence[object]],
    ) -> None:
        """Rotations (``_ROTATION``'s columns) and their stored quarters (``_FIGURES``'),
        the quarters grouped by rotation in the order of ``rows``; quarters of rotations not
        in ``rows`` (written between the two reads) are left out."""
        if not rows:
            return
        c = self.cols
        ids, staff, giver, taker, direction, form, start, end, note, version = zip(
            *rows, strict=True
        )
        new_people = set(staff) - self._person.keys()
        if new_people:  # written since the people were read (another program)
            self._add_people(_people(session, new_people))
            for sid in new_people - self._person.keys():  # and deleted since: shown blank
                self._add_people([(sid, "", "", "")])
        new_units = (set(giver) | set(taker)) - self._unit.keys()
        if new_units:
            self._add_units(_units(session, new_units))
            self._add_units([(uid, "") for uid in new_units - self._unit.keys()])
        c.ids.extend(ids)
        c.person.extend(map(self._person.__getitem__, staff))
        c.giver.extend(map(self._unit.__getitem__, giver))
        c.taker.extend(map(self._unit.__getitem__, taker))
        c.direction.extend(self._coded(direction))
        c.form.extend(self._coded(form))
        c.start.extend(self._coded(start, _as_date))
        c.end.extend(self._coded(end, _as_date))
        c.note.extend(self._coded(note))
        c.version.extend(version)
        place = dict(zip(ids, range(len(ids)), strict=True))
        rows_of = list(map(place.get, map(itemgetter(0), figures), repeat(-1)))
        if -1 in rows_of:
            figures = list(compress(figures, map((-1).__ne__, rows_of)))
            rows_of = list(compress(rows_of, map((-1).__ne__, rows_of)))
        base = c.fig_at[-1]
        # rows_of does not decrease: row r's quarters start where the first row >= r is.
        c.fig_at.extend(base + bisect_left(rows_of, r) for r in range(1, len(ids) + 1))
        if figures:
            _rid, quarter, days, outpatient = zip(*figures, strict=True)
            c.fig_quarter.extend(self._coded(quarter))
            c.fig_days.extend(NO_DAYS if d is None else d for d in days)
            c.fig_outpatient.extend(outpatient)
        placed = range(len(c.ids) - len(ids), len(c.ids))  # not yet in the list's order
        c.count_totals(zip(placed, placed, strict=True), self.today)

    def _coded(
        self, raw: Sequence[object], value: Callable[[object], object] | None = None
    ) -> Iterable[int]:
        """The codes of ``raw`` values (new ones added to ``cols.values`` as ``value`` makes
        them: a date as read is text on SQLite)."""
        codes = self._codes if value is None else self._date_codes
        made_codes, values = self._made, self.cols.values
        for new in set(raw) - codes.keys():
            made = new if value is None else value(new)
            code = made_codes.get(made)
            if code is None:
                code = made_codes[made] = len(values)
                values.append(made)
            codes[new] = code
        return map(codes.__getitem__, raw)

    def finish(self, in_list_order: bool) -> RotationColumns:
        """The columns, put in the list's order unless read so."""
        c = self.cols
        n = len(c.ids)
        searched = ("person", "giver", "taker", "note")
        if in_list_order:
            c.read_pos = array("i", range(n))
            c.as_read = {name: getattr(c, name) for name in searched}
            c.as_read["row_of_read"] = c.read_pos
            return c
        order = _list_order(c.start, c.values)
        c.as_read = {name: getattr(c, name) for name in searched}
        for name in ("ids", *searched, "direction", "form", "start", "end"):
            column = getattr(c, name)
            setattr(c, name, array(column.typecode, map(column.__getitem__, order)))
        c.read_pos = order
        row_of_read = array("i", bytes(4 * n))
        deque(map(row_of_read.__setitem__, order, range(n)), maxlen=0)
        c.as_read["row_of_read"] = row_of_read
        return c


def _list_order(starts: Sequence[int], values: list) -> array:  # type: ignore[type-arg]
    """Row numbers newest start first, newest id first on one day: a counting sort by day of
    rows read in id order (``starts``: codes of dates in ``values``)."""
    buckets: dict[int, list[int]] = {}
    for i in reversed(range(len(starts))):
        buckets.setdefault(starts[i], []).append(i)
    order = array("i")
    for code in sorted(buckets, key=values.__getitem__, reverse=True):
        order.extend(buckets[code])
    return order


def read_first(session: Session, limit: int, today: dt.date) -> tuple[RotationColumns, int]:
    """The first ``limit`` rotations of the list (through the start index), in the list's
    order, and the count of every rotation; their totals counted up to ``today``."""
    conn = session.connection()
    stmt = select(*_ROTATION).order_by(Rotation.start.desc(), Rotation.id.desc()).limit(limit)
    builder = _Builder(session, today, stmt.with_only_columns(Rotation.staff_id))
    found = conn.execute(stmt).all()
    figures: list[Sequence[object]] = []
    if found:
        top, low = found[0], found[-1]
        top_start, low_start = _as_date(top[6]), _as_date(low[6])
        figures = list(
            conn.execute(
                select(*_FIGURES)
                .join(Rotation, RotationQuarter.rotation_id == Rotation.id)
                .where(
                    Rotation.start <= top_start,
                    Rotation.start >= low_start,
                    or_(Rotation.start < top_start, Rotation.id <= top[0]),
                    or_(Rotation.start > low_start, Rotation.id >= low[0]),
                )
            )
        )
        place = {row[0]: i for i, row in enumerate(found)}
        figures.sort(key=lambda f: place.get(f[0], -1))
    builder.add(session, found, figures)
    total = len(found)
    if total == limit:
        total = session.scalar(select(func.count()).select_from(Rotation)) or 0
    return builder.finish(in_list_order=True), total


CHUNK = 25_000
"""Rows read in one step of ``WholeRead``."""


def _fetch(session: Session, stmt: Select) -> list[tuple]:  # type: ignore[type-arg]
    """The rows of ``stmt`` as the driver's plain tuples: SQLAlchemy's rows cost three
    objects each for the collector to walk (1.15 million rows at 10 x). Its only
    parameters are numbers this module gives, written into the text."""
    conn = session.connection()
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


class WholeRead:
    """Every rotation read in steps, each table in its own order (a page runs one step each
    time the program is idle): ``step(session)`` returns the columns once all are read,
    else None."""

    def __init__(self, today: dt.date, chunk: int = CHUNK) -> None:
        self.today = today
        self.chunk = chunk
        self._builder: _Builder | None = None
        self._after = 0
        self._again = 0

    def step(self, session: Session) -> RotationColumns | None:
        if self._builder is None:
            self._builder = _Builder(session, self.today)
            self._after = 0
            return None
        builder = self._builder
        with paused():
            rows = _fetch(
                session,
                select(*_ROTATION)
                .where(Rotation.id > self._after)
                .order_by(Rotation.id)
                .limit(self.chunk),
            )
            if rows:
                last = rows[-1][0]
                figures = _fetch(
                    session,
                    select(*_FIGURES)
                    .where(RotationQuarter.rotation_id > self._after)
                    .where(RotationQuarter.rotation_id <= last)
                    .order_by(RotationQuarter.rotation_id),
                )
                builder.add(session, rows, figures)
                self._after = last
        if len(rows) == self.chunk:
            return None
        from ylt_desktop.store.audit import change_token

        if change_token(session) != builder.cols.token and self._again < 3:
            self._again += 1  # written meanwhile (another program): read again
            self._builder = None
            return None
        with paused():
            return builder.finish(in_list_order=False)
