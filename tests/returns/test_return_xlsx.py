"""The workbook, reopened with openpyxl: sheets, headers, merges, types, print setup, text safety."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns.layout import text_width
from ylt_desktop.returns.model import Shown
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.returns.xlsx import FOOTER, write_xlsx


@pytest.fixture
def workbook(sample_db, tmp_path):  # noqa: ANN001, ANN201
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"preparer": "陈填表", "phone": "+86 0792"})
    path = tmp_path / "r.xlsx"
    write_xlsx(ret, path)
    return openpyxl.load_workbook(path), ret


def test_sheets_and_headers(workbook):  # noqa: ANN001
    wb, ret = workbook
    assert wb.sheetnames == ["封面"] + [t.sheet_name for t in ret.tables] + ["填报说明"]
    ws = wb["表1 成员单位"]
    assert ws["A1"].value == "表1 成员单位基本情况表"
    assert [ws.cell(2, c).value for c in (1, 2, 11, 13)] == [
        "序号",
        "机构名称",
        "床位（张）",
        "人员（人）",
    ]
    # A header too wide for its column breaks between its pieces (template header_breaks).
    assert [ws.cell(3, c).value.replace("\n", "") for c in (11, 12, 13, 14, 15, 16)] == [
        "编制床位",
        "实有床位",
        "在岗职工",
        "卫生技术人员",
        "执业(助理)医师",
        "注册护士",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:R1", "K2:L2", "M2:P2", "A2:A3", "B2:B3"} <= merged
    assert "K3:K3" not in merged and "K2:K3" not in merged


def test_types_and_formats(workbook):  # noqa: ANN001
    wb, ret = workbook
    ws = wb["表1 成员单位"]
    first = 4
    assert isinstance(ws.cell(first, 11).value, int) and ws.cell(first, 11).number_format == "0"
    joined = ws.cell(first, 9)
    assert isinstance(joined.value, dt.datetime) and joined.number_format == "yyyy-mm-dd"
    assert joined.value.date() == dt.date(2020, 1, 1)
    last = first + len(ret.tables[0].rows)
    assert ws.cell(last, 1).value == "合计"
    beds = [ws.cell(r, 11).value for r in range(first, last)]
    assert ws.cell(last, 11).value == sum(beds)
    float_cell = [c for c in wb["表5 资源共享服务量"]["E"] if c.value == 12345.5]
    assert len(float_cell) == 1


def test_freeze_and_print_setup(workbook):  # noqa: ANN001
    wb, _ = workbook
    for name in ("表1 成员单位", "表3 人员下沉汇总"):
        ws = wb[name]
        assert ws.freeze_panes == "A4"
        assert ws.print_title_rows == "$1:$3"
    ws = wb["表4 资源共享协议"]  # one header row
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.oddFooter.center.text == FOOTER == "第 &P 页 共 &N 页"


def test_formula_like_text_stays_text(workbook):  # noqa: ANN001
    wb, _ = workbook
    ws = wb["表1 成员单位"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert cells["=1+1"].data_type == "s"
    assert cells['=A1&"x"村卫生室'].data_type == "s"
    cover = {r[0]: r[1] for r in wb["封面"].iter_rows(min_row=3, values_only=True)}
    assert cover["联系电话"] == "+86 0792"
    assert cover["填表人"] == "陈填表" and cover["报告期"] == "2026年第3季度"


def test_widths_fit_chinese(workbook):  # noqa: ANN001
    wb, _ = workbook
    ws = wb["表4 资源共享协议"]
    recipients = "大树镇卫生院、南峰镇卫生院（首日退出）"
    assert ws.column_dimensions["F"].width >= text_width(recipients)
    assert text_width("医院ab") == 6


def test_notes_sheet(workbook):  # noqa: ANN001
    wb, ret = workbook
    values = [r[0] for r in wb["填报说明"].iter_rows(values_only=True)]
    assert values[0] == "填报说明" and values[1:] == ret.notes


def test_control_characters_are_dropped_and_text_stays_text() -> None:
    from openpyxl import Workbook

    from ylt_desktop.returns.xlsx import _cell

    ws = Workbook(write_only=True).create_sheet("t")
    assert _cell(ws, "甲\x07乙\x1f").value == "甲乙"  # Excel refuses such characters
    assert _cell(ws, "全角\u3000空格").value == "全角\u3000空格"  # not printable, but legal
    assert _cell(ws, "=SUM(A1)").data_type == "s"
    assert _cell(ws, 12).data_type == "n"


def test_every_data_cell_has_its_value_type_and_style(workbook) -> None:  # noqa: ANN001
    """Data rows are streamed straight into the sheet XML (returns/xlsx_rows.py): reopened,
    every cell of every table must carry the row's value, the number format, alignment, font
    and border the return's layout asks for."""
    wb, ret = workbook
    checked = 0
    for table in ret.tables:
        ws = wb[table.sheet_name]
        first = 2 + table.header_height
        rows = list(table.rows) + list(table.total_rows)
        for offset, row in enumerate(rows):
            bold = offset >= len(table.rows)  # the 合计 rows
            for col, value in enumerate(row, start=1):
                cell = ws.cell(first + offset, col)
                where = f"{table.sheet_name} {cell.coordinate}"
                assert cell.font.name == "宋体" and cell.font.sz == 10, where
                assert bool(cell.font.b) is bold, where
                assert cell.border.left.style == cell.border.bottom.style == "thin", where
                if value is None or value == "":
                    assert cell.value is None, where
                elif isinstance(value, dt.date):
                    assert cell.value == dt.datetime.combine(value, dt.time()), where
                    assert cell.number_format == "yyyy-mm-dd", where
                    assert cell.alignment.horizontal == "center", where
                elif isinstance(value, int | float):
                    assert cell.value == value and cell.data_type == "n", where
                    assert cell.alignment.horizontal == "right", where
                    assert cell.number_format in ("0", "General"), where
                elif isinstance(value, Shown):  # 表7: a number with its own format
                    assert cell.value == value.value and cell.data_type == "n", where
                    assert cell.alignment.horizontal == "right", where
                    assert cell.number_format == value.number_format, where
                else:
                    assert cell.value == value and cell.data_type == "s", where
                    assert cell.alignment.horizontal == "left", where
                    assert cell.alignment.wrap_text, where
                checked += 1
        assert ws.cell(first + len(rows), 1).value is None  # nothing after the last row
    assert checked > 400  # the sample quarter has 429 data cells


def test_streamed_rows_keep_odd_values(tmp_path) -> None:  # noqa: ANN001
    import decimal

    from openpyxl import Workbook

    from ylt_desktop.returns.xlsx_rows import StreamedRow, cell_text, create_sheet

    wb = Workbook(write_only=True)
    ws = create_sheet(wb, "t")
    ws.append(["plain row first"])
    values = ["", "\x07", " 前后空格 ", "甲\x07乙", "=1+1", True, decimal.Decimal("2.5"), float("nan"),
              decimal.Decimal("Infinity"), "长" * 40_000,
              dt.datetime(2026, 7, 1, 8, 30), 10**15, ("元组",)]  # fmt: skip
    from openpyxl.cell import WriteOnlyCell

    stamp = WriteOnlyCell(ws)
    stamp.number_format = "yyyy-mm-dd hh:mm"
    styles = ["0"] * len(values)
    styles[10] = str(stamp.style_id)
    ws.append(StreamedRow(zip(values, styles, strict=True)))
    ws.append(["plain row last"])
    wb.save(tmp_path / "t.xlsx")
    got = [c.value for c in openpyxl.load_workbook(tmp_path / "t.xlsx")["t"][2]]
    assert got == [None, None, " 前后空格 ", "甲乙", "=1+1", True, 2.5, None, None, cell_text("长" * 40_000),
                   dt.datetime(2026, 7, 1, 8, 30), 10**15, "('元组',)"]  # fmt: skip
    reopened = openpyxl.load_workbook(tmp_path / "t.xlsx")["t"]
    assert reopened["A1"].value == "plain row first" and reopened["A3"].value == "plain row last"


def test_exact_sum_is_decimal_and_never_raises() -> None:
    import math

    from ylt_desktop.returns.rows import exact_sum

    assert exact_sum([1.1, 2.2, None]) == 3.3 and exact_sum([1, 2]) == 3
    assert isinstance(exact_sum([1.5, 1.5]), int)
    assert exact_sum([1.0, math.inf]) == math.inf  # refused as input; the export still runs
