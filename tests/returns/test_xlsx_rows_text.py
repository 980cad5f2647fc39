"""Streamed data rows written as XML text (``xlsx_rows._row_xml``) reopen exactly as the same
rows written as elements (``_row_element``, openpyxl's rules): value, type and style of every
cell, with rows of either kind and openpyxl's own rows in between."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ylt_desktop.returns import xlsx_rows
from ylt_desktop.returns.xlsx_rows import StreamedRow, create_sheet

ODD_ROWS = [
    ["", None, " 前后空格 ", "a&b<c>d \"'", "=1+1", "长" * 40_000, "]]>", "&amp;"],
    [0, -5, 1.5, 1e20, 10**15, 10**17 + 1, float("inf"), float("nan")],
    [dt.date(2026, 7, 1), dt.date(1900, 1, 1), "基准000号综合医院", "12360428000000000W"],
    ["一行\n两行", "\t制表", "全角\u3000空格", "甲\x07乙"],  # not printable: as elements
    [True, 2, "混合", None],
]


def _book(rows: Sequence[Sequence[Any]], *, as_text: bool, monkeypatch: Any) -> list[list]:
    """``rows`` streamed into a sheet between two plain rows; reopened: each cell's value,
    type and style id."""
    if not as_text:
        monkeypatch.setattr(xlsx_rows, "_row_xml", lambda *_: None)
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    ws = create_sheet(wb, "t")
    styles = []
    for number_format in ("General", "0.00", "yyyy-mm-dd"):
        cell = WriteOnlyCell(ws)
        cell.number_format = number_format
        styles.append(str(cell.style_id))
    ws.append(["plain row first"])
    for n, row in enumerate(rows):
        ws.append(StreamedRow((v, styles[(n + i) % 3]) for i, v in enumerate(row)))
        if n == 1:
            ws.append(["plain row between"])
    ws.append(["plain row last"])
    out = io.BytesIO()
    wb.save(out)
    monkeypatch.undo()
    sheet = openpyxl.load_workbook(out)["t"]
    return [[(c.value, c.data_type, c.style_id) for c in row] for row in sheet.iter_rows()]


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # 1e20 in a dated column
def test_odd_values_reopen_the_same_as_elements(monkeypatch: pytest.MonkeyPatch) -> None:
    as_text = _book(ODD_ROWS, as_text=True, monkeypatch=monkeypatch)
    as_elements = _book(ODD_ROWS, as_text=False, monkeypatch=monkeypatch)
    assert as_text == as_elements
    assert as_text[1][5][0] == xlsx_rows.cell_text("长" * 40_000)  # cut, with its mark
    assert as_text[1][3][0] == "a&b<c>d \"'"
    assert as_text[0][0][0] == "plain row first" and as_text[-1][0][0] == "plain row last"


def test_rows_as_text_are_used_for_printable_rows() -> None:
    letters = ["A", "B", "C"]
    text = xlsx_rows._row_xml([("甲&乙", "1"), (3, "2"), (None, "3")], 7, letters, None)
    assert text == (
        '<row r="7"><c r="A7" s="1" t="inlineStr"><is><t>甲&amp;乙</t></is></c>'
        '<c r="B7" s="2" t="n"><v>3</v></c><c r="C7" s="3" t="n"/></row>'
    )
    assert xlsx_rows._row_xml([("两\n行", "1")], 1, letters, None) is None
    spaced = xlsx_rows._row_xml([(" 前后 ", "0")], 2, letters, None)
    assert '<t xml:space="preserve"> 前后 </t>' in spaced  # Excel keeps the spaces


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # a big number, dated
@settings(deadline=None, max_examples=25)
@given(
    st.lists(
        st.lists(
            st.one_of(st.text(max_size=20), st.integers(), st.floats(), st.none(), st.dates()),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_rows_reopen_the_same_as_elements(rows: list[list[Any]]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        as_text = _book(rows, as_text=True, monkeypatch=monkeypatch)
        as_elements = _book(rows, as_text=False, monkeypatch=monkeypatch)

    def same(a: Any, b: Any) -> bool:
        return a == b or (a != a and b != b)  # NaN

    assert len(as_text) == len(as_elements)
    for r1, r2 in zip(as_text, as_elements, strict=True):
        assert len(r1) == len(r2)
        assert all(same(a, b) for a, b in zip(r1, r2, strict=True)), (r1, r2)
