"""A row of the 人员流动 list (``RotationListRow``) and the rules of the days it shows.

A row answers its days by the rules of ``rotations.quarter_figures``: a stored quarter row
wins, else full-time forms get the calendar days inside the quarter, else they are unknown
(``quarter_figures``, ``total_days``, ``quarter_defaults``). The page reads its rows as
columns (``rotation_columns``); ``list_rotation_rows`` reads them by one joined statement.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.lists import FULL_TIME_FORMS
from ylt_desktop.domain.periods import Quarter, overlap_days, quarters_between, touches
from ylt_desktop.domain.rotation import calendar_days
from ylt_desktop.domain.tiers import purpose
from ylt_desktop.store.models import Institution, Rotation, RotationQuarter, Staff

Figures = tuple[int | None, int]
"""One quarter's (days, outpatient visits); days are None when the clerk has not entered them."""

NO_FIGURES: Mapping[str, Figures] = MappingProxyType({})
"""A rotation without stored quarters (shared by every such row)."""
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
        return quarter_figures(self.start, self.end, self.form, self.quarters, quarter)

    def total_days(self, *, today: dt.date) -> int | None:
        """Days over every quarter up to today's; None when one of them lacks days."""
        return total_days(self.start, self.end, self.form, self.quarters, today)

    def total_outpatient(self) -> int:
        return sum(map(_second, self.quarters.values()))


def quarter_figures(
    start: dt.date,
    end: dt.date | None,
    form: str,
    stored: Mapping[str, Figures],
    quarter: Quarter,
) -> Figures | None:
    """A rotation's (days, outpatient) in ``quarter``: stored, else the full-time default with
    no visits, else None (``rotations.quarter_figures``' rule)."""
    figures = stored.get(str(quarter))
    if figures is not None:
        return figures
    if form not in FULL_TIME_FORMS or not touches(start, end, quarter):
        return None
    return calendar_days(start, end, quarter), 0


def total_days(
    start: dt.date,
    end: dt.date | None,
    form: str,
    stored: Mapping[str, Figures],
    today: dt.date,
) -> int | None:
    """A rotation's days over every quarter up to today's; None when one of them lacks days."""
    total = 0
    for key, default in quarter_defaults(start, end, form, today):
        figures = stored.get(key)
        days = figures[0] if figures is not None else default
        if days is None:
            return None
        total += days
    return total


def quarter_defaults(
    start: dt.date, end: dt.date | None, form: str, today: dt.date
) -> Iterator[tuple[str, int | None]]:
    """Each quarter of a rotation up to today's (its key) with its days when none are
    stored: the calendar days inside it for a full-time form, else None (the clerk's)."""
    last = end if end is not None else max(today, start)
    full_time = form in FULL_TIME_FORMS
    for key, first, last_day in _quarter_spans(start.year, start.month, last.year, last.month):
        if first > today:
            return
        yield key, overlap_days(start, end, first, last_day) if full_time else None


@functools.lru_cache(maxsize=1024)
def _quarter_spans(y1: int, m1: int, y2: int, m2: int) -> tuple[tuple[str, dt.date, dt.date], ...]:
    """Key, first and last day of each quarter from month (y1, m1) to month (y2, m2).

    Rotations share few months; building Quarter objects per row was most of the days' cost.
    """
    months = quarters_between(dt.date(y1, m1, 1), dt.date(y2, m2, 1))
    return tuple((str(q), q.first_day, q.last_day) for q in months)


def list_rotation_rows(session: Session) -> list[RotationListRow]:
    """Every rotation as a list row, newest start first (the order of ``list_rotations``),
    read by one joined statement. The page reads the same rows as columns
    (``rotation_columns``); this plain read is what they are checked against."""
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
    found = session.connection().execute(stmt).all()
    figures = _quarter_figures(session)
    masked: dict[str, str] = {}  # a person appears on many rotations; mask each number once
    rows = []
    for rid, name, number, title, from_id, giver_name, to_id, taker_name, *rest, version in found:
        shown = masked.get(number)
        if shown is None:
            shown = masked[number] = mask_id(number)
        rows.append(
            RotationListRow(
                rid, name, shown, title, from_id, giver_name, to_id, taker_name,
                *rest, figures.get(rid, NO_FIGURES), version,
            )
        )  # fmt: skip
    return rows


def _quarter_figures(session: Session) -> dict[int, dict[str, Figures]]:
    """Stored figures by rotation and quarter, of every rotation."""
    stmt = select(
        RotationQuarter.rotation_id,
        RotationQuarter.quarter,
        RotationQuarter.days,
        RotationQuarter.outpatient,
    )
    out: dict[int, dict[str, Figures]] = {}
    for rid, quarter, days, outpatient in session.connection().execute(stmt):
        out.setdefault(rid, {})[quarter] = (days, outpatient)
    return out
