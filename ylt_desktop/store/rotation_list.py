"""The rows of the 人员流动 list, read as plain columns instead of ORM objects.

Loading 50,000 rotations as ``Rotation`` objects with their person, both institutions and
quarters took about four seconds; the same columns read with one joined ``select()``, plus one
for the quarters' days and outpatient visits, take a fraction of that (bench/run.py, "rotation
page"). A row answers its days by the rules of ``rotations.quarter_figures``: a stored quarter
row wins, else full-time forms get the calendar days inside the quarter, else they are unknown.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from operator import itemgetter
from types import MappingProxyType

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.lists import FULL_TIME_FORMS
from ylt_desktop.domain.periods import Quarter, overlap_days, quarters_between, touches
from ylt_desktop.domain.rotation import calendar_days
from ylt_desktop.domain.tiers import purpose
from ylt_desktop.store.models import Institution, Rotation, RotationQuarter, Staff

Figures = tuple[int | None, int]
"""One quarter's (days, outpatient visits); days are None when the clerk has not entered them."""

_NONE: Mapping[str, Figures] = MappingProxyType({})
_second = itemgetter(1)


@dataclass(slots=True, eq=False)
class RotationListRow:
    """One rotation as the list shows it; the identity number is already masked."""

    id: int
    staff_name: str
    id_masked: str
    title: str
    from_id: int
    from_name: str
    to_id: int
    to_name: str
    direction: str
    form: str
    start: dt.date
    end: dt.date | None
    note: str
    quarters: Mapping[str, Figures]
    """Stored figures by quarter key (``"2026Q1"``)."""
    version: int = 0
    """The record's version when read (a delete from the list is refused once it moved on)."""

    @property
    def purpose(self) -> str:
        """流动性质, from the stored direction and the form."""
        return purpose(self.direction, self.form)

    def figures(self, quarter: Quarter) -> Figures | None:
        """The quarter's (days, outpatient): stored, else the full-time default with no visits,
        else None (``quarter_figures``' rule)."""
        stored = self.quarters.get(str(quarter))
        if stored is not None:
            return stored
        if self.form not in FULL_TIME_FORMS or not touches(self.start, self.end, quarter):
            return None
        return calendar_days(self.start, self.end, quarter), 0

    def total_days(self, *, today: dt.date) -> int | None:
        """Days over every quarter up to today's; None when one of them lacks days."""
        start, end = self.start, self.end
        last = end if end is not None else max(today, start)
        full_time = self.form in FULL_TIME_FORMS
        total = 0
        for key, first, last_day in _quarter_spans(start.year, start.month, last.year, last.month):
            if first > today:
                break
            stored = self.quarters.get(key)
            if stored is not None:
                days = stored[0]
            elif full_time:
                days = overlap_days(start, end, first, last_day)
            else:
                return None
            if days is None:
                return None
            total += days
        return total

    def total_outpatient(self) -> int:
        return sum(map(_second, self.quarters.values()))


@functools.lru_cache(maxsize=1024)
def _quarter_spans(y1: int, m1: int, y2: int, m2: int) -> tuple[tuple[str, dt.date, dt.date], ...]:
    """Key, first and last day of each quarter from month (y1, m1) to month (y2, m2).

    Rotations share few months; building Quarter objects per row was most of the days' cost.
    """
    months = quarters_between(dt.date(y1, m1, 1), dt.date(y2, m2, 1))
    return tuple((str(q), q.first_day, q.last_day) for q in months)


@dataclass(slots=True, eq=False)
class Names:
    """The staff and institution columns of the list by id, read once for a whole list's parts.

    Joined into every part, the same 50,000 people and 3,000 units were looked up again for
    each of 500,000 rotations, each a B-tree descent that deepens as the database grows; the
    part read alone, then two dict lookups, costs half and grows with the rows. The rows also
    share one string per name and one masked number per person."""

    staff: dict[int, tuple[str, str, str]]
    """Person id -> (name, masked identity number, title)."""
    institutions: dict[int, str]
    same: dict[object, object]
    """One object per distinct value of the few-valued columns (direction, form, dates,
    quarter keys and figures): each read makes new ones, and 500,000 rows held a copy each."""
    token: tuple[int, str] = (0, "")
    """``audit.change_token`` when read: a later part reads them again once it moved (a
    person or unit renamed, an id deleted and given again), as the joined read would show."""

    @classmethod
    def read(cls, session: Session) -> Names:
        names = cls({}, {}, {})
        names.refresh(session)
        return names

    def refresh(self, session: Session) -> None:
        """Read every person and unit again (the shared values stay)."""
        from ylt_desktop.store.audit import change_token

        self.token = change_token(session)
        self.staff.clear()
        self.institutions.clear()
        self._add(session, None, None)

    def _add(self, session: Session, staff_ids: set[int] | None, unit_ids: set[int] | None) -> None:
        people = select(Staff.id, Staff.name, Staff.id_number, Staff.title)
        units = select(Institution.id, Institution.name)
        if staff_ids is not None:
            people = people.where(Staff.id.in_(sorted(staff_ids)))
        if unit_ids is not None:
            units = units.where(Institution.id.in_(sorted(unit_ids)))
        conn = session.connection()
        if staff_ids is None or staff_ids:
            self.staff.update(
                (sid, (name, mask_id(number), title))
                for sid, name, number, title in conn.execute(people).all()
            )
        if unit_ids is None or unit_ids:
            self.institutions.update(conn.execute(units).all())

    def complete(self, session: Session, staff_ids: set[int], unit_ids: set[int]) -> None:
        """Read the people and units written since (by this program or another)."""
        self._add(session, staff_ids - self.staff.keys(), unit_ids - self.institutions.keys())


def list_rotation_rows(
    session: Session,
    *,
    limit: int | None = None,
    before: tuple[dt.date, int] | None = None,
    names: Names | None = None,
) -> list[RotationListRow]:
    """Every rotation as a list row, newest start first (the order of ``list_rotations``).

    A page loads a long list in parts: ``limit`` rows at most, from the first row after
    ``before`` (the start and id of the last row of the previous part) in that order. With
    ``names`` (``Names.read`` once for all the parts) the part reads only the rotations' own
    columns and takes the people's and units' from there.
    """
    if names is not None:
        return _rows_with_names(session, names, limit, before)
    giver = aliased(Institution, name="giver")
    taker = aliased(Institution, name="taker")
    stmt = (
        select(Rotation.id, Staff.name, Staff.id_number, Staff.title,
               Rotation.from_id, giver.name, Rotation.to_id, taker.name,
               Rotation.direction, Rotation.form, Rotation.start, Rotation.end, Rotation.note,
               Rotation.version)
        .join(Staff, Rotation.staff_id == Staff.id)
        .join(giver, Rotation.from_id == giver.id)
        .join(taker, Rotation.to_id == taker.id)
        .order_by(Rotation.start.desc(), Rotation.id.desc())
    )  # fmt: skip
    found = session.connection().execute(_part(stmt, limit, before)).all()
    figures = _figures_of(session, found, limit)
    masked: dict[str, str] = {}  # a person appears on many rotations; mask each number once
    rows = []
    for rid, name, number, title, from_id, giver_name, to_id, taker_name, *rest, version in found:
        shown = masked.get(number)
        if shown is None:
            shown = masked[number] = mask_id(number)
        rows.append(
            RotationListRow(
                rid, name, shown, title, from_id, giver_name, to_id, taker_name,
                *rest, figures.get(rid, _NONE), version,
            )
        )  # fmt: skip
    return rows


def _part(stmt: Select, limit: int | None, before: tuple[dt.date, int] | None) -> Select:
    if before is not None:
        start, rid = before
        # A range on the start index, then the rows of that same day after ``rid``.
        stmt = stmt.where(Rotation.start <= start, or_(Rotation.start < start, Rotation.id < rid))
    if limit is not None:
        stmt = stmt.limit(limit)
    return stmt


def _figures_of(
    session: Session, found: list[Row], limit: int | None, same: dict[object, object] | None = None
) -> dict[int, dict[str, Figures]]:
    if limit is None:
        return _quarter_figures(session)
    if not found:
        return {}
    # The part's rotations are those from its first row to its last in the list's order.
    top, low = found[0], found[-1]
    return _quarter_figures(session, ((top.start, top.id), (low.start, low.id)), same)


def _rows_with_names(
    session: Session, names: Names, limit: int | None, before: tuple[dt.date, int] | None
) -> list[RotationListRow]:
    stmt = select(
        Rotation.id, Rotation.staff_id, Rotation.from_id, Rotation.to_id, Rotation.direction,
        Rotation.form, Rotation.start, Rotation.end, Rotation.note, Rotation.version,
    ).order_by(Rotation.start.desc(), Rotation.id.desc())  # fmt: skip
    from ylt_desktop.store.audit import change_token

    if change_token(session) != names.token:  # written since: renamed, deleted, ids given again
        names.refresh(session)
    found = session.connection().execute(_part(stmt, limit, before)).all()
    staff, units = names.staff, names.institutions
    staff_ids = set(map(itemgetter(1), found))
    unit_ids = set(map(itemgetter(2), found)) | set(map(itemgetter(3), found))
    if not (staff_ids <= staff.keys() and unit_ids <= units.keys()):
        names.complete(session, staff_ids, unit_ids)
        if not (staff_ids <= staff.keys() and unit_ids <= units.keys()):
            # Deleted by another between the two reads (a server's statements each see
            # their own moment): this part as one joined statement reads it.
            return list_rotation_rows(session, limit=limit, before=before)
    figures = _figures_of(session, found, limit, names.same)
    same = names.same.setdefault
    rows = []
    for rid, staff_id, from_id, to_id, direction, form, start, end, note, version in found:
        name, shown, title = staff[staff_id]
        rows.append(
            RotationListRow(
                rid, name, shown, title, from_id, units[from_id], to_id, units[to_id],
                same(direction, direction), same(form, form), same(start, start),
                same(end, end), note, figures.get(rid, _NONE), version,
            )
        )  # fmt: skip
    return rows


def count_rotations(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Rotation)) or 0


def _quarter_figures(
    session: Session,
    span: tuple[tuple[dt.date, int], tuple[dt.date, int]] | None = None,
    same: dict[object, object] | None = None,
) -> dict[int, dict[str, Figures]]:
    """Stored figures by rotation and quarter: of the rotations from (start, id) ``span[0]``
    to ``span[1]`` in the list's order (newest start first), or of every rotation."""
    stmt = select(
        RotationQuarter.rotation_id,
        RotationQuarter.quarter,
        RotationQuarter.days,
        RotationQuarter.outpatient,
    )
    if span is not None:
        (top_start, top_id), (low_start, low_id) = span
        stmt = stmt.join(Rotation, RotationQuarter.rotation_id == Rotation.id).where(
            Rotation.start <= top_start,
            Rotation.start >= low_start,
            or_(Rotation.start < top_start, Rotation.id <= top_id),
            or_(Rotation.start > low_start, Rotation.id >= low_id),
        )
    out: dict[int, dict[str, Figures]] = {}
    found = session.connection().execute(stmt).all()
    if same is None:
        for rid, quarter, days, outpatient in found:
            out.setdefault(rid, {})[quarter] = (days, outpatient)
        return out
    one = same.setdefault
    for rid, quarter, days, outpatient in found:
        figures = (days, outpatient)
        out.setdefault(rid, {})[one(quarter, quarter)] = one(figures, figures)
    return out
