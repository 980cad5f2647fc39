"""Excel's 32,767-character cell limit counts UTF-16 code units: a character outside the BMP
(a rare CJK ideograph in a name, U+20000 and up) counts two. A longer cell makes Excel refuse
the workbook ("We found a problem with some content"), so no text cell the return writes is
ever longer: a text within the limit is written whole, a longer one is cut to fit and ends in
``CUT_MARK``. Checked on texts just under, at and over the limit, made of non-BMP characters,
through every way the writer writes a text (data rows as XML text and as elements, the cover,
the header and 填报说明 cells), reopened with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.returns.xlsx import write_xlsx
from ylt_desktop.returns.xlsx_rows import (
    CUT_MARK,
    MAX_TEXT,
    StreamedRow,
    cell_text,
    create_sheet,
    excel_length,
)

RARE = "\U00020000"  # 𠀀, CJK Extension B: two UTF-16 code units
assert MAX_TEXT == 32_767


def units(text: str) -> int:
    """The text's length as Excel counts it (independent of the code under test)."""
    return len(text.encode("utf-16-le")) // 2


UNDER = RARE * (MAX_TEXT // 2)  # 16,383 characters, 32,766 units
AT = UNDER + "甲"  # 32,767 units: the most a cell holds
OVER = RARE * (MAX_TEXT // 2 + 1)  # 16,384 characters, 32,768 units: Excel refuses it
FAR_OVER = "甲" + RARE * 40_000  # 80,001 units; its code points alone are past the limit too


def test_the_length_is_counted_in_utf16_code_units() -> None:
    assert (units(UNDER), units(AT), units(OVER)) == (32_766, 32_767, 32_768)
    assert [excel_length(t) for t in (UNDER, AT, OVER, FAR_OVER, "", "甲a")] == [
        32_766, 32_767, 32_768, 80_001, 0, 2,
    ]  # fmt: skip
    assert len(OVER) < MAX_TEXT  # a cut by code points would keep all of it


@pytest.mark.parametrize("text", [UNDER, AT])
def test_a_text_within_the_limit_is_kept_whole(text: str) -> None:
    assert cell_text(text) is text


@pytest.mark.parametrize("text", [OVER, FAR_OVER, "乙" * 40_000, "a" + RARE * 20_000 + "b"])
def test_a_text_over_the_limit_is_cut_to_fit_with_a_visible_mark(text: str) -> None:
    cut = cell_text(text)
    assert units(cut) <= MAX_TEXT and cut.endswith(CUT_MARK)
    kept = cut[: -len(CUT_MARK)]
    assert text.startswith(kept)  # whole characters only: no half of a surrogate pair
    assert units(kept) > MAX_TEXT - units(CUT_MARK) - 2  # as much as fits
    cut.encode("utf-8")  # a lone surrogate would not encode


def _streamed(texts: list[str], *, as_text: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """``texts`` in one streamed data row (as XML text, or as elements), reopened."""
    from ylt_desktop.returns import xlsx_rows

    if not as_text:
        monkeypatch.setattr(xlsx_rows, "_row_xml", lambda *_: None)
    wb = openpyxl.Workbook(write_only=True)
    ws = create_sheet(wb, "t")
    ws.append(StreamedRow((t, "0") for t in texts))
    out = io.BytesIO()
    wb.save(out)
    monkeypatch.undo()
    return [c.value for c in openpyxl.load_workbook(out)["t"][1]]


@pytest.mark.parametrize("as_text", [True, False], ids=["xml-text", "elements"])
def test_streamed_data_rows_never_write_a_cell_over_the_limit(
    as_text: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [UNDER, AT, OVER, FAR_OVER, " " + RARE * 20_000 + " "]
    got = _streamed(texts, as_text=as_text, monkeypatch=monkeypatch)
    assert [units(v) <= MAX_TEXT for v in got] == [True] * len(texts)
    assert got[:2] == [UNDER, AT]
    for text, value in zip(texts[2:], got[2:], strict=True):
        assert value.endswith(CUT_MARK) and text.startswith(value[: -len(CUT_MARK)])


def test_a_line_break_sends_the_row_as_elements_and_it_is_cut_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "一行\n" + RARE * 20_000
    [as_text] = _streamed([text], as_text=True, monkeypatch=monkeypatch)
    [as_elements] = _streamed([text], as_text=False, monkeypatch=monkeypatch)
    assert as_text == as_elements == cell_text(text) and units(as_text) <= MAX_TEXT


def test_the_return_writes_no_text_cell_over_the_limit(sample_db, tmp_path) -> None:  # noqa: ANN001
    """A return whose 表2 备注, a cover field and a 填报说明 line are over the limit, another
    备注 at it: every text cell of the workbook fits, the long ones end in the mark, the one
    at the limit is whole, and the rest of the return is unchanged."""
    with sample_db.session() as s:
        plain = quarter_rows(s, Q3, cover_fields={"preparer": "陈填表"})
        ret = quarter_rows(s, Q3, cover_fields={"preparer": OVER})
    table = ret.tables[1]
    note_col = [c.header for c in table.columns].index("备注")
    assert len(table.rows) >= 2
    table.rows[0][note_col] = FAR_OVER
    table.rows[1][note_col] = AT
    ret.notes.append(OVER)
    write_xlsx(ret, tmp_path / "long.xlsx")
    write_xlsx(plain, tmp_path / "plain.xlsx")
    long_book = openpyxl.load_workbook(tmp_path / "long.xlsx")
    plain_book = openpyxl.load_workbook(tmp_path / "plain.xlsx")
    texts = [
        (ws.title, c.coordinate, c.value)
        for ws in long_book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert all(units(v) <= MAX_TEXT for _, _, v in texts)
    cut = {(sheet, ref) for sheet, ref, v in texts if v.endswith(CUT_MARK)}
    assert len(cut) == 4  # 备注, 填表人 (cover field, signature line), the 填报说明 line
    ws = long_book[table.sheet_name]
    first = 2 + table.header_height
    assert ws.cell(first, note_col + 1).value.endswith(CUT_MARK)
    assert ws.cell(first + 1, note_col + 1).value == AT
    assert long_book[ret.notes_title].cell(len(ret.notes) + 1, 1).value.endswith(CUT_MARK)
    changed = {
        (ws.title, c.coordinate)
        for ws in long_book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value != plain_book[ws.title][c.coordinate].value
    }
    assert cut <= changed and len(changed - cut) == 1  # and the 备注 at the limit, whole


def _page_headers(path) -> list[str]:  # noqa: ANN001
    """The page header of every table sheet, as written in the file."""
    import html
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")]
    found = [
        html.unescape(m) for x in sheets for m in re.findall(r"<oddHeader>(.*?)</oddHeader>", x)
    ]
    return [h for h in found if h]  # the cover and 填报说明 have none


def test_a_long_typed_filler_unit_keeps_the_page_header_within_excels_limit(
    sample_db, tmp_path
) -> None:  # noqa: ANN001
    """The page header (填报单位 …　报告期 …　计量单位 …) holds at most 255 UTF-16 units in
    Excel: a long 填报单位 typed on the cover is cut there with "…" (the cover keeps it whole);
    a "&" in it is written "&&", not read as a code."""
    from ylt_desktop.returns.xlsx import HEADER_MAX

    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"filler_unit": "A&P" + RARE * 300})
        short = quarter_rows(s, Q3, cover_fields={"filler_unit": "甲&乙"})
    write_xlsx(ret, tmp_path / "long.xlsx")
    write_xlsx(short, tmp_path / "short.xlsx")
    headers = _page_headers(tmp_path / "long.xlsx")
    assert len(headers) == len(ret.tables)
    for header in headers:
        assert units(header) <= HEADER_MAX and units(header) >= HEADER_MAX - 2
        assert header.startswith("&L填报单位：A&&P" + RARE) and "…&C报告期：" in header
    assert all(
        h.startswith("&L填报单位：甲&&乙&C报告期：") for h in _page_headers(tmp_path / "short.xlsx")
    )
