"""Streamed data rows (``xlsx_rows``: XML text, or elements when a text needs care) reopen
with the values openpyxl's own writer gives the same cells: hostile texts a clerk may type
(markup characters, control characters, characters outside the BMP, spaces at the ends, texts
past Excel's 32,767 characters), odd numbers and dates, in both date systems."""

from __future__ import annotations

import datetime as dt
import decimal
import io
import math
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from ylt_desktop.returns.xlsx_rows import MAX_TEXT, StreamedRow, cell_text, create_sheet

HOSTILE = [
    "a&b<c>d \"'", "]]>", "&amp;", "𠀀😀", " 前 ", "后 ", "\t制表", "一行\n两行", "回车\r行",
    "\x00甲", "a\x1fb", "a\x7fb", "\u0085", "全角\u3000空格", "\u00a0", "\ufeff", "\u200b",
    "长" * 40_000, "😀" * 40_000, "=1+1", "",
]  # fmt: skip
ODD = [
    float("nan"), float("inf"), -float("inf"), -0.0, 0.1 + 0.2, 1e-300, 1e300, 10**15,
    2**53, -(2**53), decimal.Decimal("1.10"), decimal.Decimal("-0.5"),
    dt.date(2026, 7, 1), dt.date(1904, 1, 2), dt.date(1900, 3, 1), dt.datetime(2026, 7, 1, 12, 30),
    True, False, None,
]  # fmt: skip


def _styles(ws: Any) -> tuple[str, str]:
    general, date = WriteOnlyCell(ws), WriteOnlyCell(ws)
    general.number_format, date.number_format = "General", "yyyy-mm-dd"
    return str(general.style_id), str(date.style_id)


def _workbook(epoch1904: bool) -> openpyxl.Workbook:
    wb = openpyxl.Workbook(write_only=True)
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    return wb


def _read(out: io.BytesIO) -> list[list[Any]]:
    return [list(r) for r in openpyxl.load_workbook(out)["t"].iter_rows(values_only=True)]


def _ours(rows: list[list[Any]], epoch1904: bool) -> list[list[Any]]:
    wb = _workbook(epoch1904)
    ws = create_sheet(wb, "t")
    general, date = _styles(ws)
    for row in rows:
        ws.append(StreamedRow((v, date if isinstance(v, dt.date) else general) for v in row))
    out = io.BytesIO()
    wb.save(out)
    return _read(out)


def _openpyxl(rows: list[list[Any]], epoch1904: bool) -> list[list[Any]]:
    """openpyxl's own writer; a text is a text (no formula), cleaned and cut to Excel's
    limit (UTF-16 units: openpyxl cuts by code points) as our rows clean and cut it."""
    wb = _workbook(epoch1904)
    ws = wb.create_sheet("t")
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, float | decimal.Decimal) and not math.isfinite(v):
                v = None  # Excel has no NaN or infinity: a blank cell
            if isinstance(v, str):
                v = cell_text(ILLEGAL_CHARACTERS_RE.sub("", v))
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
            if isinstance(v, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return _read(out)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        # written with 16 significant digits: Excel keeps and shows 15
        return a == b or math.isclose(float(a), float(b), rel_tol=1e-15)
    return a == b


def _assert_same(ours: list[list[Any]], theirs: list[list[Any]]) -> None:
    assert len(ours) == len(theirs)
    for r1, r2 in zip(ours, theirs, strict=True):
        width = max(len(r1), len(r2))
        r1, r2 = r1 + [None] * (width - len(r1)), r2 + [None] * (width - len(r2))
        assert all(_same(a, b) for a, b in zip(r1, r2, strict=True)), (r1, r2)


@pytest.mark.parametrize("epoch1904", [False, True])
def test_hostile_texts_and_odd_values_reopen_as_openpyxl_writes_them(epoch1904: bool) -> None:
    rows = [HOSTILE[i : i + 4] for i in range(0, len(HOSTILE), 4)]
    rows += [ODD[i : i + 5] for i in range(0, len(ODD), 5)]
    ours = _ours(rows, epoch1904)
    _assert_same(ours, _openpyxl(rows, epoch1904))
    assert ours[0][:2] == ["a&b<c>d \"'", "]]>"]
    long_texts = [ours[4][1], ours[4][2]]  # "长" and "😀" (outside the BMP) * 40,000
    # As much as fits: a character outside the BMP that would straddle the limit is left out.
    assert [len(t.encode("utf-16-le")) // 2 for t in long_texts] == [MAX_TEXT, MAX_TEXT - 1]


_VALUES = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    st.text(st.sampled_from(" \t\n\r&<>\"'\x00\x1f\x7f𠀀😀甲"), max_size=8),
    st.integers(-(2**53), 2**53),
    st.floats(),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=4, max_value=10**9, min_value=-(10**9)
    ),
    st.booleans(),
    st.none(),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
)


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")
@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.lists(_VALUES, min_size=1, max_size=6), min_size=1, max_size=5),
    st.booleans(),
)
def test_any_rows_reopen_as_openpyxl_writes_them(rows: list[list[Any]], epoch1904: bool) -> None:
    rows = [[*row, "|"] for row in rows]  # every row ends in a text: blank rows stay rows
    _assert_same(_ours(rows, epoch1904), _openpyxl(rows, epoch1904))
