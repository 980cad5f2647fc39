"""Quarters and day arithmetic, checked against hand-worked dates and day-by-day counting."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ylt_desktop.domain.periods import (
    Quarter,
    overlap_days,
    quarters_between,
    touches,
)

D = dt.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every day from start to end inclusive, counted one by one (the test's own oracle)."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@pytest.mark.parametrize("text", ["2026Q3", "2026q3", "2026-Q3", " 2026Q3 ", "２０２６Ｑ３"])
def test_parse_accepts_the_usual_spellings(text):
    assert Quarter.parse(text) == Quarter(2026, 3)


@pytest.mark.parametrize("text", ["", "2026Q5", "2026Q0", "26Q3", "2026-3", "2026Q3x", "Q3 2026"])
def test_parse_rejects_other_text(text):
    with pytest.raises(ValueError, match="格式不正确"):
        Quarter.parse(text)


@pytest.mark.parametrize("q", [0, 5, -1])
def test_quarter_number_must_be_1_to_4(q):
    with pytest.raises(ValueError):
        Quarter(2026, q)


def test_written_forms():
    assert str(Quarter(2026, 3)) == "2026Q3"
    assert Quarter(2026, 3).label == "2026年第3季度"
    assert Quarter.parse(str(Quarter(2031, 4))) == Quarter(2031, 4)


@pytest.mark.parametrize(
    ("quarter", "first", "last", "days"),
    [
        (Quarter(2026, 1), D(2026, 1, 1), D(2026, 3, 31), 90),
        (Quarter(2026, 2), D(2026, 4, 1), D(2026, 6, 30), 91),
        (Quarter(2026, 3), D(2026, 7, 1), D(2026, 9, 30), 92),
        (Quarter(2026, 4), D(2026, 10, 1), D(2026, 12, 31), 92),
        (Quarter(2024, 1), D(2024, 1, 1), D(2024, 3, 31), 91),  # leap year
        (Quarter(2000, 1), D(2000, 1, 1), D(2000, 3, 31), 91),  # leap (divisible by 400)
        (Quarter(2100, 1), D(2100, 1, 1), D(2100, 3, 31), 90),  # not leap (divisible by 100)
    ],
)
def test_first_last_and_days(quarter, first, last, days):
    assert quarter.first_day == first
    assert quarter.last_day == last
    assert quarter.days == days


def test_next_and_prev_cross_year_ends():
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).prev() == Quarter(2025, 4)
    assert Quarter(2026, 2).next() == Quarter(2026, 3)
    assert Quarter(2026, 3).prev() == Quarter(2026, 2)


def test_quarters_sort_chronologically():
    shuffled = [Quarter(2026, 1), Quarter(2025, 4), Quarter(2026, 3), Quarter(2025, 1)]
    assert sorted(shuffled) == [
        Quarter(2025, 1),
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 3),
    ]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 1), Quarter(2026, 1)),
        (D(2026, 3, 31), Quarter(2026, 1)),
        (D(2026, 4, 1), Quarter(2026, 2)),
        (D(2024, 2, 29), Quarter(2024, 1)),
        (D(2026, 9, 30), Quarter(2026, 3)),
        (D(2026, 12, 31), Quarter(2026, 4)),
    ],
)
def test_containing(day, expected):
    assert Quarter.containing(day) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2026, 4, 1), Quarter(2026, 1)),
        (D(2026, 3, 31), Quarter(2025, 4)),  # Q1 is not over on its last day
        (D(2026, 1, 15), Quarter(2025, 4)),
        (D(2026, 12, 31), Quarter(2026, 3)),
    ],
)
def test_last_finished(today, expected):
    assert Quarter.last_finished(today) == expected


@given(dates)
def test_a_day_lies_in_its_quarter_and_quarters_tile_time(day):
    q = Quarter.containing(day)
    assert q.first_day <= day <= q.last_day
    assert q.next().first_day == q.last_day + dt.timedelta(days=1)
    assert q.prev().last_day == q.first_day - dt.timedelta(days=1)
    assert q.days == len(_days(q.first_day, q.last_day))
    assert {d.month for d in _days(q.first_day, q.last_day)} == {3 * q.q - 2, 3 * q.q - 1, 3 * q.q}


def test_quarters_between_across_a_year_end():
    assert quarters_between(D(2025, 12, 15), D(2026, 1, 10)) == [Quarter(2025, 4), Quarter(2026, 1)]


def test_quarters_between_single_day_and_reversed_range():
    assert quarters_between(D(2026, 5, 5), D(2026, 5, 5)) == [Quarter(2026, 2)]
    assert quarters_between(D(2026, 5, 6), D(2026, 5, 5)) == []


def test_quarters_between_two_whole_years():
    expected = [Quarter(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert quarters_between(D(2025, 1, 1), D(2026, 12, 31)) == expected


@given(dates, dates)
def test_quarters_between_holds_exactly_the_quarters_of_the_days(a, b):
    start, end = min(a, b), max(a, b)
    if (end - start).days > 800:
        end = start + dt.timedelta(days=800)
    expected = sorted({Quarter.containing(d) for d in _days(start, end)})
    assert quarters_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 3, 1), D(2026, 5, 31), 61),  # 1 Apr .. 31 May
        (D(2026, 3, 1), D(2026, 3, 31), 0),  # ends the day before
        (D(2026, 3, 1), D(2026, 4, 1), 1),  # only the first day
        (D(2026, 6, 30), D(2026, 8, 1), 1),  # only the last day
        (D(2026, 7, 1), D(2026, 7, 9), 0),  # starts the day after
        (D(2026, 1, 1), D(2026, 12, 31), 91),  # covers the whole quarter
        (D(2026, 5, 1), None, 61),  # ongoing: 1 May .. 30 Jun
        (D(2026, 7, 1), None, 0),  # ongoing, starts after
    ],
)
def test_overlap_days_with_q2_2026(start, end, expected):
    assert overlap_days(start, end, D(2026, 4, 1), D(2026, 6, 30)) == expected
    assert touches(start, end, Quarter(2026, 2)) is (expected > 0)


@given(dates, dates, st.booleans(), st.integers(0, 200), st.integers(0, 200))
def test_overlap_days_counts_the_common_days(a, b, open_end, offset, length):
    start, end = min(a, b), max(a, b)
    first = start + dt.timedelta(days=offset - 100)
    last = first + dt.timedelta(days=length)
    if (end - start).days > 2000:
        end = start + dt.timedelta(days=2000)
    window = set(_days(first, last))
    range_end = last if open_end else end
    expected = len(window.intersection(_days(start, range_end))) if range_end >= start else 0
    assert overlap_days(start, None if open_end else end, first, last) == expected
