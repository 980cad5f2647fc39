"""``importing/fast_rows.py`` gives exactly what openpyxl's read-only ``iter_rows`` gives
(``reader.iter_rows``): the same row numbers, lengths, values and value types, on workbooks of
every kind of cell written by openpyxl (shared strings) and by its write-only mode (inline
strings), and on hand-written sheet XML with the odd cases (rich text, phonetic runs, rows out
of order, cells without a reference, a DOCTYPE) — where it hands over to openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ylt_desktop.importing import fast_rows, reader


def both(path: Path, sheet: str | None = None) -> tuple[list, list]:
    out = []
    for read in (reader.iter_rows, fast_rows.iter_rows):
        wb = reader.open_workbook(path)
        try:
            name = sheet or wb.sheetnames[0]
            out.append([(n, [(type(v), v) for v in row]) for n, row in read(wb, name)])
        finally:
            wb.close()
    return out[0], out[1]


texts = st.text(alphabet=st.sampled_from(list("ab 甲乙村卫生室<&>\"'\n\t ０１（）")), max_size=12)
cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    texts,
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.sampled_from(["=1+1", "=A1", "=SUM(A1:B2)"]),
)
grids = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2), st.lists(cells, max_size=6)), max_size=12
)


def _write(path: Path, grid: list, *, write_only: bool) -> Path:
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    if not write_only:
        ws.title = "表"
    row = 0
    for gap, values in grid:
        if write_only:
            for _ in range(gap):
                ws.append([])
            ws.append(values)
        else:
            row += gap + 1
            for col, value in enumerate(values, 1):
                if value is not None:
                    ws.cell(row, col, value)
    wb.save(path)
    return path


@settings(
    deadline=None, max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(grid=grids, write_only=st.booleans())
def test_generated_workbooks_read_the_same(tmp_path, grid, write_only) -> None:  # noqa: ANN001
    path = _write(tmp_path / f"g{write_only}.xlsx", grid, write_only=write_only)
    slow, fast = both(path)
    assert fast == slow


def _with_sheet_xml(tmp_path: Path, body: str, *, head: str = "") -> Path:
    """A workbook whose first sheet's XML is replaced by ``body`` inside <sheetData>."""
    base = tmp_path / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(base)
    out = tmp_path / "custom.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(r"<sheetData>.*</sheetData>|<sheetData/>",
                              f"<sheetData>{body}</sheetData>", text, flags=re.S)  # fmt: skip
                text = re.sub(r"<dimension[^>]*/>", "", text)
                data = (head + text).encode()
            dst.writestr(item, data)
    return out


ODD_SHEETS = {
    "rich text and phonetic runs": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>甲</t></r>'
    '<r><rPr><b/></rPr><t xml:space="preserve"> 乙 </t></r><rPh sb="0" eb="1"><t>jia</t></rPh>'
    "</is></c></row>",
    "rows out of order and repeated": '<row r="3"><c r="A3"><v>3</v></c></row>'
    '<row r="2"><c r="A2"><v>2</v></c></row><row r="3"><c r="B3"><v>4</v></c></row>'
    '<row r="6"><c r="C6" t="b"><v>1</v></c></row>',
    "cells without references, out of order": '<row><c><v>1</v></c><c t="str"><v>x</v></c>'
    '<c r="E1"><v>5</v></c><c r="B1"><v>2.5</v></c></row><row><c t="e"><v>#N/A</v></c></row>',
    "empty values and rows": '<row r="1"><c r="A1"><v></v></c><c r="B1" t="inlineStr"/></row>'
    '<row r="2"/><row r="4" spans="1:2"><c r="B4" s="0"><v>0</v></c></row>',
    "a row number with a fraction": '<row r="2.0"><c r="A2"><v>1</v></c></row>',
    "an element other than a cell in a row": '<row r="1"><c r="A1"><v>1</v></c><extLst/></row>',
    "a cell with two values": '<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>',
    "a plain text after a run": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r>'
    "<t>b</t></is></c></row>",  # openpyxl puts the plain text first: "ba"
    "two inline strings": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r></is>'
    "<is><r><t>b</t></r></is></c></row>",  # openpyxl reads the first
    "an empty style": '<row r="1"><c r="A1" s=""><v>45000</v></c><c r="B1" s="1"><v>2</v></c>'
    "</row>",
    "a date type cell": '<row r="1"><c r="A1" t="d"><v>2026-07-01T00:00:00</v></c></row>',
}


HANDED_OVER = {
    "an element other than a cell in a row",
    "a cell with two values",
    "a plain text after a run",
    "two inline strings",
}


@pytest.mark.parametrize("case", list(ODD_SHEETS))
def test_odd_sheet_xml_reads_the_same(tmp_path, monkeypatch, case) -> None:  # noqa: ANN001
    path = _with_sheet_xml(tmp_path, ODD_SHEETS[case])
    slow, _ = both(path)
    handed = []
    real = reader.iter_rows
    monkeypatch.setattr(reader, "iter_rows", lambda wb, name: handed.append(1) or real(wb, name))
    wb = reader.open_workbook(path)
    try:
        fast = [(n, [(type(v), v) for v in row]) for n, row in fast_rows.iter_rows(wb, "Sheet")]
    finally:
        wb.close()
    assert fast == slow
    assert bool(handed) == (case in HANDED_OVER)  # read here unless openpyxl must say it


def test_a_doctype_hands_over_to_openpyxl(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = _with_sheet_xml(tmp_path, '<row r="1"><c r="A1"><v>7</v></c></row>')
    # Put a DOCTYPE before the root element.
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for item in src.infolist():
            raw = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                if b"?>" in raw[:100]:
                    raw = raw.replace(b"?>", b"?><!DOCTYPE worksheet>", 1)
                else:
                    raw = b"<!DOCTYPE worksheet>" + raw
                assert b"<!DOCTYPE" in raw
            dst.writestr(item, raw)
    path.write_bytes(data.getvalue())
    handed = []
    real = reader.iter_rows

    def counting(wb, name):  # noqa: ANN001, ANN202
        handed.append(name)
        return real(wb, name)

    monkeypatch.setattr(reader, "iter_rows", counting)
    wb = reader.open_workbook(path)
    try:
        rows = list(fast_rows.iter_rows(wb, wb.sheetnames[0]))
    finally:
        wb.close()
    assert handed and rows == [(1, (7,))]


def test_the_bench_sheet_reads_the_same(tmp_path) -> None:  # noqa: ANN001
    from bench.imports import _member_sheet

    path = tmp_path / "bench.xlsx"
    _member_sheet(path, extra_beds=0)
    slow, fast = both(path)
    assert len(fast) == 10_001 and fast == slow


@pytest.mark.parametrize("epoch1904", [False, True])
def test_both_date_systems_rich_shared_strings_and_merges_read_the_same(
    tmp_path, epoch1904
) -> None:  # noqa: ANN001
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    ws = wb.active
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws["A1"], ws["B1"] = dt.date(2026, 7, 1), dt.datetime(1904, 1, 1, 6)
    ws["C1"], ws["D1"] = dt.time(12, 30), dt.timedelta(days=2, hours=3)
    ws["A2"] = CellRichText(["甲", TextBlock(InlineFont(b=True), " 乙 ")])
    ws["B2"], ws["C2"] = "=A1+1", "甲"  # a formula without a cached value; a repeated text
    ws.merge_cells("A3:C4")
    ws["A3"], ws["A6"], ws["B6"], ws["C6"] = "合并", "001", "#N/A", True
    path = tmp_path / "dates.xlsx"
    wb.save(path)
    slow, fast = both(path)
    assert fast == slow
    assert slow[0][1][0] == (dt.datetime, dt.datetime(2026, 7, 1))
    assert slow[1][1][0] == (str, "甲 乙 ")
