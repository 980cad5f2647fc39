"""Calendar quarters (DESIGN.md §3) and the day arithmetic every quarterly figure rests on.

A quarter is written ``2026Q3`` in files and ``2026年第3季度`` on paper. Date ranges are
inclusive at both ends; an end of ``None`` means the range is still open (ongoing), so it
reaches past any quarter that starts after its beginning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ylt_desktop.domain.text import normalize_code

_QUARTER_RE = re.compile(r"(\d{4})-?Q([1-4])")


@dataclass(frozen=True, order=True)
class Quarter:
    """One calendar quarter; instances sort chronologically."""

    year: int
    q: int

    def __post_init__(self) -> None:
        if not 1 <= self.q <= 4:
            raise ValueError(f"季度须为 1 至 4（现为 {self.q}）")
        if not dt.MINYEAR <= self.year <= dt.MAXYEAR:
            raise ValueError(f"年份 {self.year} 超出范围")

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2026Q3``, ``2026q3`` or ``2026-Q3`` (full-width characters allowed)."""
        match = _QUARTER_RE.fullmatch(normalize_code(text))
        if match is None:
            raise ValueError(f"季度“{text}”格式不正确，应写作 2026Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def last_finished(cls, today: dt.date) -> Quarter:
        """The latest quarter whose last day is before ``today`` (today's quarter is not over)."""
        return cls.containing(today).prev()

    def __str__(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.q}季度"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.q - 2, 1)

    @property
    def last_day(self) -> dt.date:
        if self.q == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.q + 1, 1) - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.q == 4 else Quarter(self.year, self.q + 1)

    def prev(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.q == 1 else Quarter(self.year, self.q - 1)


def quarters_between(start: dt.date, end: dt.date) -> list[Quarter]:
    """Every quarter from the one containing ``start`` to the one containing ``end``."""
    if end < start:
        return []
    result = [Quarter.containing(start)]
    last = Quarter.containing(end)
    while result[-1] < last:
        result.append(result[-1].next())
    return result


def overlap_days(start: dt.date, end: dt.date | None, first: dt.date, last: dt.date) -> int:
    """Calendar days of ``[start, end]`` inside ``[first, last]``; ``end=None`` is ongoing."""
    lo = max(start, first)
    hi = last if end is None else min(end, last)
    return max(0, (hi - lo).days + 1)


def touches(start: dt.date, end: dt.date | None, quarter: Quarter) -> bool:
    """Whether the range has at least one day inside ``quarter``."""
    return overlap_days(start, end, quarter.first_day, quarter.last_day) > 0
