"""Data rows streamed straight into a write-only sheet's XML.

openpyxl's write-only sheet turns every appended value into a cell object, binds and checks
it, looks its style up by hash and writes it through nested ``xmlfile`` contexts. For a
styled cell that costs about twice an unstyled one, and a return's data rows are nearly all
of the workbook. Those rows are simple (text, numbers, dates, blanks; one composed style per
column and kind of value), so each is built as one ``<row>`` element and written in one call.
The header, merges, widths and print setup still go through openpyxl's public API.

This leans on one private piece of openpyxl, ``WriteOnlyWorksheet._write_rows`` (the
generator that owns ``<sheetData>``): openpyxl is pinned below 3.2 in pyproject.toml, and
``tests/returns/test_return_xlsx.py`` reopens every workbook and checks values, types,
number formats, fonts, borders and alignment cell by cell against the rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml import LXML
from openpyxl.xml.constants import SHEET_MAIN_NS, XML_NS
from openpyxl.xml.functions import Element, SubElement, xmlfile

from ylt_desktop.returns.excel_text import (  # noqa: F401 - CUT_MARK, excel_length re-exported
    CUT_MARK,
    MAX_TEXT,
    SAFE,
    cell_text,
    excel_length,
)

_PRESERVE = {f"{{{XML_NS}}}space": "preserve"}
_KNOWN = (type(None), str, bool, int, float, decimal.Decimal, dt.date)  # anything else: str()
PENDING_ROWS = 500  # rows of XML text gathered before one write


class StreamedRow(tuple):
    """A data row of ``(value, style id)`` pairs, written by :class:`ReturnSheet` directly.

    A tuple, so ``WriteOnlyWorksheet.append`` accepts it.
    """


class _Writer(WorksheetWriter):
    """openpyxl's sheet writer on a file object of its own (``raw``), unbuffered, so that
    rows may be written into it as text between what lxml writes."""

    raw: Any = None

    def get_stream(self):  # noqa: ANN201 - openpyxl's generator protocol
        with open(self.out, "wb") as raw, xmlfile(raw, buffered=False) as xf:
            self.raw = raw
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is not None:
                            xf.write(el)
                except GeneratorExit:
                    pass


class ReturnSheet(WriteOnlyWorksheet):
    """openpyxl's write-only sheet; a :class:`StreamedRow` skips the per-cell objects: it is
    written as XML text (``_row_xml``), or as one element when a text needs more care."""

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = _Writer(self) if LXML else WorksheetWriter(self)
            self._writer.write_top()

    def _write_rows(self):  # noqa: ANN202 - openpyxl's generator protocol
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        epoch = self.parent.epoch
        letters: list[str] = []
        raw = getattr(self._writer, "raw", None)
        pending: list[str] = []

        def write_pending() -> None:
            raw.write("".join(pending).encode("utf-8"))
            pending.clear()

        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, StreamedRow):
                        while len(letters) < len(row):
                            letters.append(get_column_letter(len(letters) + 1))
                        text = _row_xml(row, row_idx, letters, epoch) if raw else None
                        if text is not None:
                            pending.append(text)
                            if len(pending) >= PENDING_ROWS:
                                write_pending()
                        else:
                            if pending:
                                write_pending()
                            xf.write(_row_element(row, row_idx, letters, epoch))
                    else:
                        if pending:
                            write_pending()
                        self._writer.write_row(xf, self._values_to_row(row, row_idx), row_idx)
                    row_idx += 1
            except GeneratorExit:
                if pending:
                    write_pending()
        self._writer.xf.send(None)


def create_sheet(wb: Workbook, title: str) -> ReturnSheet:
    """A new :class:`ReturnSheet` at the end of ``wb`` (a write-only workbook)."""
    ws = ReturnSheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


def _row_element(row: Iterable[tuple[Any, str]], row_idx: int, letters: list[str], epoch):  # noqa: ANN001, ANN202
    r = str(row_idx)
    el = Element("row", {"r": r})
    for col, (value, style) in enumerate(row):
        ref = letters[col] + r
        if not isinstance(value, _KNOWN):
            value = str(value)
        if isinstance(value, str) and not value.isprintable():  # only then look further
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value is None or value == "":  # a blank, bordered cell, as openpyxl writes it
            SubElement(el, "c", {"r": ref, "s": style, "t": "n" if value is None else "inlineStr"})
        elif isinstance(value, str):
            value = cell_text(value)  # Excel refuses a longer cell
            c = SubElement(el, "c", {"r": ref, "s": style, "t": "inlineStr"})
            t = SubElement(SubElement(c, "is"), "t", _PRESERVE if value != value.strip() else {})
            t.text = value  # always text: "=1+1" stays "=1+1" (DESIGN.md §4)
        elif isinstance(value, bool):
            c = SubElement(el, "c", {"r": ref, "s": style, "t": "b"})
            SubElement(c, "v").text = "1" if value else "0"
        elif isinstance(value, int | float | decimal.Decimal):
            if not math.isfinite(value):  # Decimal's NaN and Infinity too
                SubElement(el, "c", {"r": ref, "s": style, "t": "n"})
                continue
            c = SubElement(el, "c", {"r": ref, "s": style, "t": "n"})
            SubElement(c, "v").text = f"{value:.16g}"
        elif isinstance(value, dt.date):  # datetime too
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                raise TypeError("Excel does not support time zones")
            c = SubElement(el, "c", {"r": ref, "s": style, "t": "n"})
            SubElement(c, "v").text = f"{to_excel(value, epoch):.16g}"
    return el


def _row_xml(row: Iterable[tuple[Any, str]], row_idx: int, letters: list[str], epoch) -> str | None:  # noqa: ANN001
    """The ``<row>`` that ``_row_element`` makes, as XML text (UTF-8 once encoded: the sheet
    has no declaration); None when a text is not printable (a line break, a tab, anything
    XML cannot hold): ``_row_element`` cleans those as openpyxl does."""
    r = str(row_idx)
    parts = [f'<row r="{r}">']
    add = parts.append
    for col, (value, style) in enumerate(row):
        cls = value.__class__
        if cls is str:
            if not value:
                add(f'<c r="{letters[col]}{r}" s="{style}" t="inlineStr"/>')
                continue
            if not value.isprintable():
                return None
            if len(value) > SAFE:
                value = cell_text(value)
            text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            space = ' xml:space="preserve"' if value != value.strip() else ""
            add(
                f'<c r="{letters[col]}{r}" s="{style}" t="inlineStr"><is><t{space}>{text}</t>'
                "</is></c>"
            )
        elif cls is int or cls is float:
            if cls is float and not math.isfinite(value):
                add(f'<c r="{letters[col]}{r}" s="{style}" t="n"/>')
            else:
                add(f'<c r="{letters[col]}{r}" s="{style}" t="n"><v>{value:.16g}</v></c>')
        elif value is None:
            add(f'<c r="{letters[col]}{r}" s="{style}" t="n"/>')
        elif cls is dt.date:
            number = to_excel(value, epoch)
            add(f'<c r="{letters[col]}{r}" s="{style}" t="n"><v>{number:.16g}</v></c>')
        else:  # bool, Decimal, datetime, anything else: the element's rules
            return None
    add("</row>")
    return "".join(parts)
