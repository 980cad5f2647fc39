"""``importing/workbook.py`` opens a workbook as ``openpyxl.load_workbook(read_only=True)``
does, reading each sheet's size from the part before ``<sheetData>`` only; and a sheet that
breaks off part-way gives the clerk a message, never a program error, with nothing written."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.importing.conftest import INST_HEADER, dump, village
from ylt_desktop.importing import ImportFileError, import_file, reader
from ylt_desktop.importing import workbook as wbmod


def _book(path: Path, *, write_only: bool, rows: int = 30, start_row: int = 1) -> Path:
    data = [INST_HEADER] + [village(i) for i in range(1, rows)]
    if write_only:
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("成员单位")
        for values in data:
            ws.append(values)
        wb.create_sheet("说明").append(["说明"])
    else:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "成员单位"
        for r, values in enumerate(data, start_row):
            for c, value in enumerate(values, 1):
                ws.cell(r, c, value)
        wb.create_sheet("说明")["B2"] = "说明"
    wb.save(path)
    return path


def _edit_sheets(path: Path, edit) -> Path:  # noqa: ANN001
    """Rewrite every worksheet part of ``path`` through ``edit(bytes) -> bytes``."""
    data, changed = io.BytesIO(), False
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for item in src.infolist():
            raw = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                edited = edit(raw)
                changed |= edited != raw
                raw = edited
            dst.writestr(item, raw)
    assert changed
    path.write_bytes(data.getvalue())
    return path


def _sizes(wb) -> list:  # noqa: ANN001
    return [(ws.title, ws.min_row, ws.min_column, ws.max_row, ws.max_column) for ws in wb]


def _values(ws) -> object:  # noqa: ANN001
    try:
        return list(ws.values)
    except Exception as exc:  # noqa: BLE001 - the same failure is the same result
        return type(exc)


def _same_as_openpyxl(path: Path) -> list:
    ours = wbmod.load_read_only(path, data_only=True)
    stock = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        assert _sizes(ours) == _sizes(stock)
        for ws in stock:
            assert _values(ours[ws.title]) == _values(ws)
        return _sizes(ours)
    finally:
        ours.close()
        stock.close()


@pytest.mark.parametrize("write_only", [False, True])
def test_sizes_and_values_are_openpyxls(tmp_path, write_only) -> None:  # noqa: ANN001
    sizes = _same_as_openpyxl(_book(tmp_path / "a.xlsx", write_only=write_only))
    if write_only:  # no <dimension>: unknown, as openpyxl says after parsing the sheet whole
        assert sizes[0][3] is None
    else:
        assert sizes[0][1:] == (1, 1, 30, len(INST_HEADER))


def test_a_dimension_not_at_a1_and_a_prefixed_namespace(tmp_path) -> None:  # noqa: ANN001
    path = _book(tmp_path / "a.xlsx", write_only=False, start_row=3)
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'

    def prefixed(raw: bytes) -> bytes:  # <x:worksheet xmlns:x=...>, as some writers do
        raw = raw.replace(main, main.replace(b"xmlns=", b"xmlns:x="), 1)
        return raw.replace(b"<", b"<x:").replace(b"<x:/", b"</x:").replace(b"<x:?", b"<?")

    sizes = _same_as_openpyxl(_edit_sheets(path, prefixed))
    assert sizes[0][1:] == (3, 1, 32, len(INST_HEADER))


def test_the_whole_sheet_is_not_parsed_to_open_it(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The point of it: opening reads the head of a sheet without <dimension>, not the rows
    (openpyxl's own ``parse_dimensions`` parses them all)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    path = _book(tmp_path / "a.xlsx", write_only=True, rows=3000)
    calls = []
    real = WorkSheetParser.parse_dimensions
    monkeypatch.setattr(
        WorkSheetParser, "parse_dimensions", lambda self: calls.append(1) or real(self)
    )
    wb = reader.open_workbook(path)
    wb.close()
    assert calls == []


@pytest.mark.parametrize(
    "edit",
    [
        lambda raw: b"<!DOCTYPE worksheet>" + raw if raw.startswith(b"<worksheet") else None,
        lambda raw: raw.replace(b'<dimension ref="', b'<dimension xref="', 1),
        lambda raw: raw.replace(b'<dimension ref="A1:', b'<dimension ref="1A:', 1),
        lambda raw: raw.replace(b"<sheetPr>", b"<sheetPr <>", 1),
    ],
    ids=["a DOCTYPE", "a dimension without ref", "a bad ref", "malformed before the rows"],
)
def test_anything_odd_in_the_head_is_openpyxls_to_judge(tmp_path, edit) -> None:  # noqa: ANN001
    path = _edit_sheets(_book(tmp_path / "a.xlsx", write_only=False), edit)
    try:
        stock = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001
        with pytest.raises(type(exc)):
            wbmod.load_read_only(path, data_only=True)
        with pytest.raises(ImportFileError, match="已损坏"):
            reader.open_workbook(path)
        return
    stock.close()
    _same_as_openpyxl(path)


def _break_mid_sheet(raw: bytes) -> bytes:
    cut = raw.find(b"</row>", len(raw) // 2)
    assert cut > 0
    return raw[:cut] + b"</rox>" + raw[cut + len(b"</row>") :]


@pytest.mark.parametrize("write_only", [False, True], ids=["with dimension", "without"])
@pytest.mark.parametrize("formulas", [False, True])
def test_a_sheet_broken_off_part_way_is_a_message(tmp_path, lead_db, write_only, formulas) -> None:  # noqa: ANN001
    """It was a program error (ParseError) for a workbook with <dimension> (Excel's), and
    read as damaged at opening only without one."""
    path = _book(tmp_path / "a.xlsx", write_only=write_only)
    if formulas:  # the formulas' own pass reads the sheet first
        path = _edit_sheets(
            path, lambda raw: raw.replace(b"</row>", b'<c r="Z1"><f>1+1</f></c></row>', 1)
        )
    path = _edit_sheets(path, _break_mid_sheet)
    before = dump(lead_db)
    for dry_run in (True, False):
        with pytest.raises(ImportFileError) as info:
            import_file(lead_db, "institutions", path, dry_run=dry_run)
        text = str(info.value)
        assert "a.xlsx" in text and "已损坏" in text and "成员单位" in text, text
        assert "未导入任何数据" in text
    assert dump(lead_db) == before
