"""openpyxl's read-only workbook, opened without its whole-sheet pass.

``openpyxl.load_workbook(read_only=True)`` reads each sheet's size from its ``<dimension>``
element, with an ``iterparse`` that stops only at the *end* of ``<sheetData>``: a sheet
without that element (openpyxl's own write-only mode, many exporters) is parsed whole while
opening, a third of reading all its values. ``load_read_only`` is ``load_workbook`` with one
change: the size comes from the part before ``<sheetData>`` starts, where the schema puts
``<dimension>``, read with expat. Anything unusual there (a DOCTYPE, malformed XML, a
dimension without a ``ref``) hands over to openpyxl's own reading, so the workbook is
openpyxl's in every case (``tests/importing/test_workbook.py`` compares both).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DIMENSION, _DATA = f"{_MAIN}}}dimension", f"{_MAIN}}}sheetData"
_CHUNK = 1 << 14


class _Unusual(Exception):
    """openpyxl reads the size itself."""


class _Found(Exception):
    def __init__(self, ref: str | None) -> None:  # None: <sheetData> came first
        self.ref = ref


def head_dimensions(source: Any) -> tuple[int, int, int, int] | None:
    """(min col, min row, max col, max row) of the ``<dimension>`` before ``<sheetData>``,
    None when there is none: what openpyxl's ``parse_dimensions`` gives, from the head only.
    Raises ``_Unusual`` where openpyxl should decide."""
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == _DIMENSION:
            if "ref" not in attrs:
                raise _Unusual  # openpyxl refuses it
            raise _Found(attrs["ref"])
        if tag == _DATA:
            raise _Found(None)

    def doctype(*_args: object) -> None:
        raise _Unusual

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Found as found:
        if found.ref is None:
            return None
        return range_boundaries(found.ref)  # as SheetDimension.boundaries
    except expat.ExpatError:
        raise _Unusual from None
    return None  # no sheetData at all: openpyxl reads to the end and finds none


class _Sheet(ReadOnlyWorksheet):
    def _get_size(self) -> None:
        try:
            source = self._get_source()
            try:
                dimensions = head_dimensions(source)
            finally:
                source.close()
        except Exception:  # noqa: BLE001 - openpyxl's own reading, its errors included
            super()._get_size()
            return
        if dimensions is not None:
            self._min_column, self._min_row, self._max_column, self._max_row = dimensions


class _Reader(ExcelReader):
    def read_worksheets(self) -> None:
        if not self.read_only:
            super().read_worksheets()
            return
        from openpyxl.packaging.relationship import get_dependents, get_rels_path

        for sheet, rel in self.parser.find_sheets():  # as ExcelReader.read_worksheets
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            rels_path = get_rels_path(rel.target)
            if rels_path in self.valid_files:  # read (and failing) as openpyxl does
                get_dependents(self.archive, rels_path)
            ws = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load_read_only(path: str | Path, *, data_only: bool) -> Any:
    """``openpyxl.load_workbook(path, read_only=True, data_only=data_only)``, each sheet's
    size read from its head."""
    reader = _Reader(path, read_only=True, data_only=data_only)
    reader.read()
    return reader.wb
