"""A sheet's rows read straight from its XML with expat: exactly the values openpyxl's
read-only ``iter_rows(values_only=True)`` gives (``reader.iter_rows``), several times faster.

openpyxl builds a dictionary per cell and a ``Text`` object per inline string (what Excel's
"write-only" and many other writers produce); reading 10,000 rows that way cost as much as all
the checks of an import (issue #18). Here each cell's value goes through openpyxl's own
conversions (``_cast_number``, ``from_excel`` with the workbook's date styles and epoch,
``from_ISO8601``, the shared strings openpyxl already loaded), placed and numbered as
``ReadOnlyWorksheet._cells_by_row`` places and numbers them (a missing row is ``[]``, a row
ends at its last cell's column, a repeated or smaller row number is skipped).

Anything outside that well-trodden subset — a DOCTYPE or entity, an element other than a cell
inside a row, a cell with two values, a date serial outside the calendar, malformed XML, any
error at all — hands over to openpyxl from the row after the last one given, so the result
is openpyxl's, warnings and errors included. ``tests/importing/test_fast_rows.py`` compares
both on generated workbooks and every workbook the import tests write.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.parsers import expat

from ylt_desktop.importing import reader

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE = f"{_MAIN}}}row", f"{_MAIN}}}c", f"{_MAIN}}}v"
_INLINE, _TEXT, _RUN, _PHONETIC = f"{_MAIN}}}is", f"{_MAIN}}}t", f"{_MAIN}}}r", f"{_MAIN}}}rPh"
_CHUNK = 1 << 16


class _Unusual(Exception):
    """Something this reader does not do as openpyxl would: openpyxl takes over."""


def iter_rows(wb: Any, name: str) -> Iterator[tuple[int, Any]]:
    """(sheet row number, values) for every row, gaps included, as ``reader.iter_rows``."""
    ws = wb[name]
    if not getattr(wb, "data_only", False) or not getattr(ws, "_worksheet_path", None):
        yield from reader.iter_rows(wb, name)
        return
    last = 0
    try:
        for number, row in _parse(wb, ws):
            last = number
            yield number, row
        return
    except Exception:  # noqa: BLE001 - whatever it is, openpyxl reads on (and says it)
        pass
    for number, row in reader.iter_rows(wb, name):
        if number > last:
            yield number, row


def _parse(wb: Any, ws: Any) -> Iterator[tuple[int, Any]]:
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_excel, from_ISO8601
    from openpyxl.worksheet._reader import _cast_number

    strings = ws._shared_strings
    dates, durations, epoch = wb._date_formats, wb._timedelta_formats, wb.epoch
    done: list[Any] = []  # rows read, and counts of missing rows
    state: dict[str, Any] = {
        "number": 0,
        "counter": 1,
        "row": None,
        "col": 0,
        "run_text": False,
        "runs": False,
    }
    cells: list[tuple[int, Any]] = []
    cell: list[Any] = []  # type, style, column, value texts, inline texts, inline seen, t seen
    path: list[str] = []  # open elements below a cell
    text: list[str] | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal text
        if path:  # inside a cell
            path.append(tag)
            depth = len(path)
            if depth == 2 and tag == _VALUE:
                if cell[3] is not None:
                    raise _Unusual
                cell[3] = text = []
            elif depth == 2 and tag == _INLINE:
                if cell[5]:
                    raise _Unusual  # two inline strings: openpyxl reads the first
                cell[4], cell[5] = [], True
            elif depth == 3 and path[1] == _INLINE and tag == _TEXT:
                if cell[6] or state["runs"]:
                    raise _Unusual  # two plain texts, or one after a run: openpyxl keeps the
                    # last plain text and puts it before the runs
                cell[6] = True
                text = cell[4]
            elif depth == 3 and path[1] == _INLINE and tag == _RUN:
                state["run_text"], state["runs"] = False, True
            elif depth == 4 and path[1] == _INLINE and path[2] == _RUN and tag == _TEXT:
                if state["run_text"]:
                    raise _Unusual  # two texts in one run: openpyxl keeps the last
                state["run_text"] = True
                text = cell[4]
            return
        if tag == _CELL:
            if state["row"] is None:
                raise _Unusual
            coordinate = attrs.get("r")
            if coordinate:
                state["col"] = coordinate_to_tuple(coordinate)[1]
            else:
                state["col"] += 1
            style: Any = attrs.get("s", 0)  # as openpyxl: s="" stays "" (no date style)
            if style:
                style = int(style)
            state["runs"] = False
            cell[:] = [attrs.get("t", "n"), style, state["col"], None, None, False, False]
            path.append(tag)
        elif tag == _ROW:
            if state["row"] is not None:
                raise _Unusual
            r = attrs.get("r")
            if r is None:
                state["number"] += 1
            else:
                try:
                    state["number"] = int(r)
                except ValueError:
                    value = float(r)
                    if not value.is_integer():
                        raise _Unusual from None
                    state["number"] = int(value)
            state["row"], state["col"] = True, 0
            cells.clear()
        elif state["row"] is not None:
            raise _Unusual  # openpyxl reads any element in a row as a cell

    def end(tag: str) -> None:
        nonlocal text
        if path:
            path.pop()
            text = None
            if not path:
                cells.append((cell[2], _value()))
            return
        if tag == _ROW:
            _row_done()

    def data(chunk: str) -> None:
        if text is not None:
            text.append(chunk)

    def _value() -> Any:
        kind, style, _col, texts, inline, has_inline, _t = cell
        if kind == "inlineStr":
            return "".join(inline) if has_inline else None
        value = "".join(texts) if texts is not None else None
        if not value:
            return None
        if kind == "n":
            number = _cast_number(value)
            if style in dates:
                try:
                    return from_excel(number, epoch, timedelta=style in durations)
                except (OverflowError, ValueError):
                    raise _Unusual from None  # openpyxl warns and gives "#VALUE!"
            return number
        if kind == "s":
            return strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str", "e" and any other type: the text as it stands

    def _row_done() -> None:
        state["row"] = None
        idx = state["number"]
        if state["counter"] < idx:  # missing rows, given one by one as they are read
            done.append(idx - state["counter"])
            state["counter"] = idx
        if state["counter"] <= idx:
            if cells:
                width = cells[-1][0]
                values: list[Any] = [None] * width
                for col, value in cells:
                    if 1 <= col <= width:
                        values[col - 1] = value
                done.append(tuple(values))
            else:
                done.append(())
            state["counter"] += 1

    def refuse(*_args: Any) -> None:
        raise _Unusual

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    number = 0
    with ws._get_source() as src:
        while True:
            chunk = src.read(_CHUNK)
            parser.Parse(chunk, not chunk)
            for row in done:
                if type(row) is int:  # that many missing rows: openpyxl gives each as []
                    for _ in range(row):
                        number += 1
                        yield number, []
                    continue
                number += 1
                yield number, row
            done.clear()
            if not chunk:
                break
