"""The 人员流动 list as columns: one array per column, not one object per rotation.

The list of 500,000 rotations (10 x the bench consortium) held one row object, one figures
dict, one search text and index entries per rotation (~770 B); reading it grew 13-18 x for
10 x the rows (bench/scale.py): every per-row step touched the row's person among 50,000 and
its own scattered objects, and the collector walked them all again and again. Columns keep
the same values as codes in a few contiguous arrays (``store/rotation_read.py`` reads them),
each distinct person, unit, date, direction, form, note and quarter key held once. A row
becomes a ``RotationListRow`` only when shown or chosen (``record``); its days follow the
rules of ``rotation_list`` (``quarter_figures``, ``total_days``), counted for every row at
once where the list needs them all (``count_totals``, ``all_figures``).
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store.rotation_list import (
    NO_FIGURES,
    Figures,
    RotationListRow,
    quarter_defaults,
    quarter_figures,
    total_days,
)

NO_DAYS = -1
"""Stored days left empty (the clerk has not entered them), in ``fig_days``."""


@dataclass(eq=False)
class RotationColumns:
    """Rotations in the list's order (newest start first, newest id first on one day).

    Row i is the list's i-th rotation; ``read_pos[i]`` is its place in the order read, where
    its version and stored quarters are kept."""

    ids: array = field(default_factory=lambda: array("q"))
    person: array = field(default_factory=lambda: array("i"))
    """Codes into ``people``."""
    giver: array = field(default_factory=lambda: array("i"))
    taker: array = field(default_factory=lambda: array("i"))
    """Codes into ``units``."""
    direction: array = field(default_factory=lambda: array("i"))
    form: array = field(default_factory=lambda: array("i"))
    start: array = field(default_factory=lambda: array("i"))
    end: array = field(default_factory=lambda: array("i"))
    note: array = field(default_factory=lambda: array("i"))
    """The few-valued columns as codes into ``values`` (arrays, not lists of objects: the
    collector walks every item of a list each time it runs)."""
    read_pos: array = field(default_factory=lambda: array("i"))
    version: array = field(default_factory=lambda: array("q"))
    fig_at: array = field(default_factory=lambda: array("q", [0]))
    """The rotation read at place t has ``fig_*[fig_at[t]:fig_at[t + 1]]`` (as read)."""
    fig_quarter: array = field(default_factory=lambda: array("i"))
    fig_days: array = field(default_factory=lambda: array("q"))
    fig_outpatient: array = field(default_factory=lambda: array("q"))
    people: list[tuple[int, str, str, str]] = field(default_factory=list)
    """Per code: (id, name, masked identity number, title)."""
    units: list[tuple[int, str]] = field(default_factory=list)
    """Per code: (id, name)."""
    values: list = field(default_factory=list)  # type: ignore[type-arg]
    """Every distinct direction, form, date (None: open end), note and quarter key."""
    as_read: dict[str, array] = field(default_factory=dict)
    """The person, giver, taker and note codes in the order read, and ``row_of_read`` (the
    row of each place read): an index built in that order appends mostly to the same
    person's rows, where the list's order jumps among them all."""
    token: tuple[int, str] = (0, "")
    """``audit.change_token`` when read."""
    total_days: array = field(default_factory=lambda: array("q"))
    total_outpatient: array = field(default_factory=lambda: array("q"))
    """Per place read: the days (NO_DAYS: not known) and visits over every quarter up to
    ``totals_today``'s (``count_totals``)."""
    totals_today: dt.date | None = None
    _spans: dict = field(default_factory=dict, repr=False)  # type: ignore[type-arg]

    def __len__(self) -> int:
        return len(self.ids)

    def stored(self, i: int) -> Mapping[str, Figures]:
        """Row ``i``'s stored figures by quarter key."""
        t = self.read_pos[i]
        a, b = self.fig_at[t], self.fig_at[t + 1]
        if a == b:
            return NO_FIGURES
        days = [None if d == NO_DAYS else d for d in self.fig_days[a:b]]
        keys = map(self.values.__getitem__, self.fig_quarter[a:b])
        return dict(zip(keys, zip(days, self.fig_outpatient[a:b], strict=True), strict=True))

    def record(self, i: int) -> RotationListRow:
        """Row ``i`` as the list's record (what the dialogs and the delete command take)."""
        _sid, name, masked, title = self.people[self.person[i]]
        (giver, giver_name), (taker, taker_name) = (
            self.units[self.giver[i]],
            self.units[self.taker[i]],
        )
        v = self.values
        return RotationListRow(
            self.ids[i], name, masked, title, giver, giver_name, taker, taker_name,
            v[self.direction[i]], v[self.form[i]], v[self.start[i]], v[self.end[i]],
            v[self.note[i]], self.stored(i), self.version[self.read_pos[i]],
        )  # fmt: skip

    def figures(self, i: int, quarter: Quarter | None, today: dt.date) -> Figures | None:
        """Row ``i``'s (days, outpatient) shown: the quarter's, or over every quarter up to
        today's when ``quarter`` is None; None where the quarter has none."""
        stored, v = self.stored(i), self.values
        start, end, form = v[self.start[i]], v[self.end[i]], v[self.form[i]]
        if quarter is None:
            t = self.read_pos[i]
            if self.totals_today == today and t < len(self.total_days):
                days = self.total_days[t]
                return (None if days == NO_DAYS else days), self.total_outpatient[t]
            return total_days(start, end, form, stored, today), sum(
                map(itemgetter(1), stored.values())
            )
        return quarter_figures(start, end, form, stored, quarter)

    def all_figures(self, quarter: Quarter | None, today: dt.date) -> tuple[list, list]:  # type: ignore[type-arg]
        """The days (None: not known) and outpatient visits ``figures`` gives for every
        row, by the same rules, without a call per row."""
        if quarter is None:
            if self.totals_today != today:
                self.count_totals(zip(range(len(self)), self.read_pos, strict=True), today)
            days, visits = self.total_days, self.total_outpatient
            return (
                [None if d == NO_DAYS else d for d in map(days.__getitem__, self.read_pos)],
                list(map(visits.__getitem__, self.read_pos)),
            )
        v, at, read_pos = self.values, self.fig_at, self.read_pos
        fq, fd, fo = self.fig_quarter, self.fig_days, self.fig_outpatient
        wanted = next((c for c, value in enumerate(v) if value == str(quarter)), -1)
        plain: dict[tuple[int, int, int], Figures | None] = {}
        out_days: list[int | None] = []
        out_visits: list[int] = []
        for i, key in enumerate(zip(self.start, self.end, self.form, strict=True)):
            t = read_pos[i]
            a, b = at[t], at[t + 1]
            if a < b and wanted in fq[a:b]:
                k = fq.index(wanted, a, b)
                out_days.append(None if fd[k] == NO_DAYS else fd[k])
                out_visits.append(fo[k])
                continue
            if key not in plain:
                start, end, form = v[key[0]], v[key[1]], v[key[2]]
                plain[key] = quarter_figures(start, end, form, NO_FIGURES, quarter)
            figures = plain[key]
            out_days.append(None if figures is None else figures[0])
            out_visits.append(0)
        return out_days, out_visits

    def count_totals(self, rows: Iterable[tuple[int, int]], today: dt.date) -> None:
        """Each row's days and visits over every quarter up to ``today``'s (``figures``
        without a quarter), kept by place read: ``rows`` are (place in the columns' order
        now, place read). Per (start, end, form), the days of each quarter by the rule (None
        where the clerk enters them) are made once; a row's stored quarters take their
        place."""
        if self.totals_today != today:
            self.totals_today, self._spans = today, {}
        n = len(self.ids)
        grow = n - len(self.total_days)
        if grow > 0:
            self.total_days.extend(repeat(0, grow))
            self.total_outpatient.extend(repeat(0, grow))
        v, at, spans = self.values, self.fig_at, self._spans
        fq, fd, fo = self.fig_quarter, self.fig_days, self.fig_outpatient
        starts, ends, forms = self.start, self.end, self.form
        days_out, visits_out = self.total_days, self.total_outpatient
        for i, t in rows:
            key = (starts[i], ends[i], forms[i])
            span = spans.get(key)
            if span is None:
                span = spans[key] = _span_days(v[key[0]], v[key[1]], v[key[2]], today)
            days_of, total, lacking = span
            a, b = at[t], at[t + 1]
            visits, empty = 0, False
            for k in range(a, b):
                visits += fo[k]
                q = v[fq[k]]  # the quarter's key: its code may be newer than the span
                if q not in days_of:
                    continue  # a quarter outside the rotation's, or after today's
                if fd[k] == NO_DAYS:
                    empty = True
                elif days_of[q] is None:
                    lacking -= 1
                    total += fd[k]
                else:
                    total += fd[k] - days_of[q]  # type: ignore[operator]
            days_out[t] = NO_DAYS if empty or lacking else total
            visits_out[t] = visits

    def decoded(self, codes: array) -> list:  # type: ignore[type-arg]
        """A column of codes as its values."""
        return list(map(self.values.__getitem__, codes))

    def people_column(self, which: int) -> list[str]:
        """Per row: the person's name (1), masked number (2) or title (3)."""
        texts = [person[which] for person in self.people]
        return list(map(texts.__getitem__, self.person))

    def unit_column(self, codes: array) -> list[str]:
        names = [name for _id, name in self.units]
        return list(map(names.__getitem__, codes))

    def unit_code(self, unit_id: int) -> int | None:
        return next((k for k, (uid, _name) in enumerate(self.units) if uid == unit_id), None)


def _span_days(
    start: dt.date, end: dt.date | None, form: str, today: dt.date
) -> tuple[dict[str, int | None], int, int]:
    """A rotation's quarters up to today's without stored figures (``total_days``' walk):
    per quarter key its days by the rule (None: the clerk enters them), the sum of those
    known, and how many are not."""
    days_of: dict[str, int | None] = {}
    known = missing = 0
    for key, days in quarter_defaults(start, end, form, today):
        days_of[key] = days
        if days is None:
            missing += 1
        else:
            known += days
    return days_of, known, missing
