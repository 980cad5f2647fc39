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

_NONE: Mapping[str, Figures] = MappingProxyType({})


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
        return sum(outpatient for _days, outpatient in self.quarters.values())


@functools.lru_cache(maxsize=1024)
def _quarter_spans(y1: int, m1: int, y2: int, m2: int) -> tuple[tuple[str, dt.date, dt.date], ...]:
    """Key, first and last day of each quarter from month (y1, m1) to month (y2, m2).

    Rotations share few months; building Quarter objects per row was most of the days' cost.
    """
    months = quarters_between(dt.date(y1, m1, 1), dt.date(y2, m2, 1))
    return tuple((str(q), q.first_day, q.last_day) for q in months)


def list_rotation_rows(session: Session) -> list[RotationListRow]:
    """Every rotation as a list row, newest start first (the order of ``list_rotations``)."""
    giver = aliased(Institution, name="giver")
    taker = aliased(Institution, name="taker")
    stmt = (
        select(Rotation.id, Staff.name, Staff.id_number, Staff.title,
               Rotation.from_id, giver.name, Rotation.to_id, taker.name,
               Rotation.direction, Rotation.form, Rotation.start, Rotation.end, Rotation.note)
        .join(Staff, Rotation.staff_id == Staff.id)
        .join(giver, Rotation.from_id == giver.id)
        .join(taker, Rotation.to_id == taker.id)
        .order_by(Rotation.start.desc(), Rotation.id.desc())
    )  # fmt: skip
    figures = _quarter_figures(session)
    masked: dict[str, str] = {}  # a person appears on many rotations; mask each number once
    rows = []
    for rid, name, number, title, from_id, giver_name, to_id, taker_name, *rest in session.execute(
        stmt
    ):
        shown = masked.get(number)
        if shown is None:
            shown = masked[number] = mask_id(number)
        rows.append(
            RotationListRow(
                rid, name, shown, title, from_id, giver_name, to_id, taker_name,
                *rest, figures.get(rid, _NONE),
            )
        )  # fmt: skip
    return rows


def _quarter_figures(session: Session) -> dict[int, dict[str, Figures]]:
    stmt = select(
        RotationQuarter.rotation_id,
        RotationQuarter.quarter,
        RotationQuarter.days,
        RotationQuarter.outpatient,
    )
    out: dict[int, dict[str, Figures]] = {}
    for rid, quarter, days, outpatient in session.execute(stmt):
        out.setdefault(rid, {})[quarter] = (days, outpatient)
    return out
