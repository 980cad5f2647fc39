"""The quarterly return as an Excel workbook: 封面, one sheet per table, 填报说明.

openpyxl in ``write_only`` mode (streams rows; merged cells, widths, number formats, freeze
panes and print setup all survive, checked by the tests on reopen). openpyxl is imported when
an export starts, never at program start-up (PLATFORM.md).
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
from pathlib import Path
from typing import Any

from ylt_desktop.returns.layout import column_widths, header_lines, header_pieces, text_width
from ylt_desktop.returns.model import (
    COVER_LABELS,
    SIGNATURE_FIELDS,
    Cancel,
    Progress,
    QuarterReturn,
    Shown,
    Table,
    check_cancel,
)

FOOTER = "第 &P 页 共 &N 页"
DATE_FORMAT = "yyyy-mm-dd"
NUMBER_FORMATS = {"int": "0", "float": "General", "date": DATE_FORMAT, "text": "@"}
FONT_NAME = "宋体"
TICK = 50  # rows between progress reports and cancel checks
HEADER_MAX = 255  # UTF-16 units in a page header or footer, its codes (&L, &C, &R) included


class _Styles:
    """Shared style objects (openpyxl dedups them; building them once keeps it cheap)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title_font = Font(name=FONT_NAME, size=14, bold=True)
        self.bold = Font(name=FONT_NAME, size=10, bold=True)
        self.font = Font(name=FONT_NAME, size=10)
        self.fill = PatternFill("solid", fgColor="D9D9D9")
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center", wrap_text=True)
        self.right = Alignment(horizontal="right", vertical="center")
        self.top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        self.small = Font(name=FONT_NAME, size=9)
        self.right_plain = Alignment(horizontal="right", vertical="center")
        self.underline = Border(bottom=thin)


def write_xlsx(
    ret: QuarterReturn,
    path: str | Path,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """Write ``ret`` to ``path`` (not atomic by itself: ``files.export_quarter`` makes it so)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    st = _Styles()
    total = ret.row_count + 2
    done = [0]

    def tick(n: int = 1) -> None:
        done[0] += n
        if done[0] % TICK < n or done[0] == total:
            check_cancel(cancel)
            if progress is not None:
                progress(done[0], total)

    try:
        _properties(wb, ret)
        _cover_sheet(wb, ret, st)
        tick()
        for table in ret.tables:
            _table_sheet(wb, ret, table, st, tick)
        _notes_sheet(wb, ret, st)
        tick()
        check_cancel(cancel)
        _save(wb, ret, path)
    except BaseException:
        _abandon(wb)
        raise


def program_name() -> str:
    from ylt_desktop import __version__

    return f"YLT Desktop {__version__}"


def _properties(wb: Any, ret: QuarterReturn) -> None:
    """docProps/core.xml: the program and the consortium, not the library (DESIGN.md §4)."""
    props = wb.properties
    cover = ret.cover
    props.creator = props.lastModifiedBy = program_name()
    props.title = f"{cover.report_name}（{cover.period}）"
    props.subject = f"{cover.consortium_name} {cover.period}"
    props.description = (
        f"{cover.consortium_name}（填报单位：{cover.filler_unit}），由 {program_name()} 生成"
    )
    props.keywords = f"医联体 季度报表 {ret.quarter}"
    props.category = "统计报表"
    props.created = props.modified = ret.generated_at


def _save(wb: Any, ret: QuarterReturn, path: str | Path) -> None:
    """``Workbook.save`` with docProps/app.xml naming YLT Desktop and the consortium.

    openpyxl writes app.xml from a fresh ``ExtendedProperties`` that names itself as the
    application; the archive below hands the writer our own instead.
    """
    from xml.sax.saxutils import escape
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter
    from openpyxl.xml.constants import ARC_APP

    from ylt_desktop import __version__

    company = ret.cover.consortium_name
    app_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
        '"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>YLT Desktop</Application>"
        f"<AppVersion>{'.'.join(__version__.split('.')[:2])}</AppVersion>"
        + (f"<Company>{escape(company)}</Company>" if company else "")
        + "</Properties>"
    ).encode()

    class Archive:
        def __init__(self, zf: ZipFile) -> None:
            self.zf = zf

        def writestr(self, name: Any, data: Any, *args: Any, **kwargs: Any) -> None:
            self.zf.writestr(name, app_xml if name == ARC_APP else data, *args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.zf, name)

    archive = ZipFile(str(path), "w", ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(wb, Archive(archive)).save()  # closes the archive when done
    except BaseException:
        archive.close()
        raise


def _abandon(wb: Any) -> None:
    """Finish and delete the per-sheet temporary files openpyxl streams rows into."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()
        with contextlib.suppress(OSError):
            os.remove(writer.out)


def _cell(ws: Any, value: Any, *, font: Any = None, align: Any = None, border: Any = None,
          fill: Any = None, fmt: str | None = None) -> Any:  # fmt: skip
    from openpyxl.cell import WriteOnlyCell  # cached by Python after the first call

    is_text = isinstance(value, str)
    if is_text and not value.isprintable():  # rare: only then look for control characters
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if is_text:
        from ylt_desktop.returns.excel_text import cell_text

        value = cell_text(value)  # never over Excel's limit in UTF-16 units
    cell = WriteOnlyCell(ws, value=value)
    if is_text:
        # Never a formula: "=1+1" stays the text "=1+1" (DESIGN.md §4).
        cell.data_type = "s"
    if font is None and align is None and border is None and fill is None and fmt is None:
        return cell
    # Assigning style objects makes openpyxl hash them cell by cell (80 % of the export's
    # time on 6,000 rows); the composed style of each combination is worked out once per
    # workbook and copied, as openpyxl's own copy_worksheet does.
    # The cache lives on the workbook: style ids index that workbook's own style tables.
    cache = ws.parent.__dict__.setdefault("_ylt_styles", {})
    key = (id(font), id(align), id(border), id(fill), fmt)
    style = cache.get(key)
    if style is None:
        if font is not None:
            cell.font = font
        if align is not None:
            cell.alignment = align
        if border is not None:
            cell.border = border
        if fill is not None:
            cell.fill = fill
        if fmt is not None:
            cell.number_format = fmt
        cache[key] = copy.copy(cell._style)
    else:
        cell._style = copy.copy(style)
    return cell


def _print_setup(ws: Any, title_rows: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER


def _cover_sheet(wb: Any, ret: QuarterReturn, st: _Styles) -> None:
    """The marks top right, the cover fields, then the signature block with the seal square."""
    ws = wb.create_sheet(ret.cover_sheet_name)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 4
    ws.column_dimensions["D"].width = 12
    ws.column_dimensions["E"].width = 30
    _print_setup(ws, None)
    for label, value in ret.marks:  # 表号, 制定机关, 批准机关, 批准文号, 有效期至
        ws.append(
            [None, None, None]
            + [_cell(ws, f"{label}：", font=st.small, align=st.right_plain)]
            + [_cell(ws, value, font=st.small)]
        )
    ws.append([])
    row = len(ret.marks) + 2
    ws.merged_cells.add(f"A{row}:E{row}")
    ws.row_dimensions[row].height = 30
    ws.append([_cell(ws, ret.cover.report_name, font=st.title_font, align=st.center)])
    ws.append([])
    for label, value in ret.cover.items():
        ws.append(
            [
                _cell(ws, label, font=st.bold, align=st.center, border=st.border, fill=st.fill),
                _cell(ws, value, font=st.font, align=st.left, border=st.border),
            ]
        )
    _signature_block(ws, ret, st, row + len(ret.cover.items()) + 3)


def _signature_block(ws: Any, ret: QuarterReturn, st: _Styles, first: int) -> None:
    """单位负责人, 统计负责人, 填表人, 联系电话, 报出日期 on signature lines, and 盖章."""
    ws.append([])
    seal_rows = len(SIGNATURE_FIELDS)
    ws.merged_cells.add(f"D{first + 1}:E{first + seal_rows}")
    for i, key in enumerate(SIGNATURE_FIELDS):
        ws.row_dimensions[first + i].height = 24
        line = [
            _cell(ws, f"{COVER_LABELS[key]}：", font=st.bold, align=st.right_plain),
            _cell(ws, getattr(ret.cover, key), font=st.font, align=st.left, border=st.underline),
        ]
        if i == 0:
            line += [None, _cell(ws, "盖章", font=st.bold, align=st.center)]
        else:
            line += [None] + [_cell(ws, None, border=st.border)] * 2
        ws.append(line)
    ws.append([None, None, None] + [_cell(ws, None, border=st.border)] * 2)
    ws.row_dimensions[first + seal_rows].height = 24


def _page_header(ws: Any, filler_unit: str, period: str, unit: str) -> None:
    """填报单位, 报告期 and 计量单位 as the page header, within Excel's ``HEADER_MAX`` (a longer
    header makes Excel refuse the workbook): the typed 填报单位 is cut to fit, ending in "…".
    A "&" is doubled: alone it starts one of the header's codes (&P is the page number)."""
    from ylt_desktop.returns.excel_text import excel_length

    center = f"报告期：{period}".replace("&", "&&")
    right = f"计量单位：{unit}".replace("&", "&&") if unit else ""
    label = "填报单位："
    used = excel_length(label + center + right) + 2 * (3 if right else 2)  # &L &C &R
    room = HEADER_MAX - used
    left = filler_unit.replace("&", "&&")
    if excel_length(left) > room:
        kept, size = [], 0
        for ch in filler_unit:
            size += excel_length(ch) * (2 if ch == "&" else 1)
            if size > room - 1:
                break
            kept.append(ch.replace("&", "&&"))
        left = "".join(kept) + "…"
    ws.oddHeader.left.text = label + left
    ws.oddHeader.center.text = center
    if right:
        ws.oddHeader.right.text = right


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _table_sheet(wb: Any, ret: QuarterReturn, table: Table, st: _Styles, tick: Any) -> None:
    from ylt_desktop.returns.xlsx_rows import create_sheet

    ws = create_sheet(wb, table.sheet_name)
    ncols = len(table.columns)
    height = table.header_height
    widths = column_widths(table, breaks=ret.header_breaks)
    for i, width in enumerate(widths):
        ws.column_dimensions[_letter(i)].width = width
    _print_setup(ws, f"1:{1 + height}")
    # 填报单位/报告期/计量单位 over the table on every printed page (no row is added, so the
    # sheet reads back as before).
    _page_header(ws, ret.cover.filler_unit, ret.cover.period, table.unit)
    ws.freeze_panes = f"A{2 + height}"
    ws.merged_cells.add(f"A1:{_letter(ncols - 1)}1")
    ws.row_dimensions[1].height = 28
    ws.append([_cell(ws, table.title, font=st.title_font, align=st.center)])
    grid: list[list[Any]] = [[None] * ncols for _ in range(height)]
    for h in table.header:
        room = sum(widths[h.col : h.col + h.colspan]) - 2
        pieces = header_pieces(h.text, ret.header_breaks)
        # Excel wraps Chinese anywhere; a line break between pieces keeps words whole.
        grid[h.row][h.col] = "\n".join(header_lines(pieces, room, text_width))
        if h.rowspan > 1 or h.colspan > 1:
            first = f"{_letter(h.col)}{2 + h.row}"
            last = f"{_letter(h.col + h.colspan - 1)}{2 + h.row + h.rowspan - 1}"
            ws.merged_cells.add(f"{first}:{last}")
    for line in grid:
        ws.append(
            [
                _cell(ws, text, font=st.bold, align=st.center, border=st.border, fill=st.fill)
                for text in line
            ]
        )
    formats = [NUMBER_FORMATS[c.kind] for c in table.columns]
    body = _RowStyles(ws, formats, st, st.font)
    for row in table.rows:
        ws.append(body.streamed(row))
        tick()
    for total in table.total_rows:
        ws.append(_RowStyles(ws, formats, st, st.bold).streamed(total))
        tick()


class _RowStyles:
    """The style id of each column's dates, numbers and text, for streamed data rows; a
    ``Shown`` value is written as its number with its own number format."""

    def __init__(self, ws: Any, formats: list[str], st: _Styles, font: Any) -> None:
        def sid(**style: Any) -> str:
            return str(_cell(ws, None, font=font, border=st.border, **style).style_id)

        date = sid(fmt=DATE_FORMAT, align=st.center)
        text = sid(align=st.left)
        numbers = {f: sid(fmt=f if f != "@" else "General", align=st.right) for f in set(formats)}
        self.columns = [(date, numbers[f], text) for f in formats]
        self._sid, self._right = sid, st.right
        self._shown: dict[str, str] = {}  # number format -> style id

    def _shown_id(self, number_format: str) -> str:
        found = self._shown.get(number_format)
        if found is None:
            found = self._shown[number_format] = self._sid(fmt=number_format, align=self._right)
        return found

    def streamed(self, row: list[Any]) -> Any:
        from ylt_desktop.returns.xlsx_rows import StreamedRow

        if len(row) != len(self.columns):
            raise ValueError(f"row has {len(row)} values for {len(self.columns)} columns")
        return StreamedRow(
            (value.value, self._shown_id(value.number_format))
            if isinstance(value, Shown)
            else (
                value,
                date
                if isinstance(value, dt.date)
                else number
                if isinstance(value, int | float) and not isinstance(value, bool)
                else text,
            )
            for value, (date, number, text) in zip(row, self.columns, strict=True)
        )


def _notes_sheet(wb: Any, ret: QuarterReturn, st: _Styles) -> None:
    ws = wb.create_sheet(ret.notes_title)
    ws.column_dimensions["A"].width = 110
    _print_setup(ws, None)
    ws.append([_cell(ws, ret.notes_title, font=st.title_font, align=st.center)])
    for note in ret.notes:
        ws.append([_cell(ws, note, font=st.font, align=st.top_left)])
