"""The workbook as a complete return on its own: the form's marks and the signature block on
its cover sheet, document properties naming the program and the consortium, the line over
every table in its print header, and headers that break between their pieces."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from tests.returns.sample import Q3
from ylt_desktop import __version__
from ylt_desktop.returns.layout import header_pieces
from ylt_desktop.returns.model import COVER_LABELS, SIGNATURE_FIELDS
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.returns.templates import MARK_LABELS
from ylt_desktop.returns.xlsx import write_xlsx

COVER = {
    "unit_head": "刘院长",
    "stats_head": "周统计",
    "preparer": "陈填表",
    "phone": "0792-7654321",
    "filler_unit": "测试县卫健局",
}


@pytest.fixture
def saved(sample_db, tmp_path):  # noqa: ANN001, ANN201
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields=COVER)
    path = tmp_path / "r.xlsx"
    write_xlsx(ret, path)
    return path, ret


def test_cover_sheet_has_the_marks_top_right_and_the_signature_block(saved) -> None:  # noqa: ANN001
    path, ret = saved
    ws = openpyxl.load_workbook(path)[ret.cover_sheet_name]
    rows = list(ws.iter_rows(values_only=True))
    marks = {r[3]: r[4] for r in rows[: len(MARK_LABELS)]}
    assert marks == {f"{label}：": "（由省级模板填写）" for label in MARK_LABELS}
    title_row = next(i for i, r in enumerate(rows) if r[0] == ret.cover.report_name)
    assert title_row > len(MARK_LABELS) - 1  # the marks stand above the title
    signature = {r[0]: r[1] or "" for r in rows[title_row + len(ret.cover.items()) + 2 :] if r[0]}
    assert signature == {
        f"{COVER_LABELS[key]}：": getattr(ret.cover, key) for key in SIGNATURE_FIELDS
    }
    assert signature["单位负责人："] == "刘院长" and signature["统计负责人："] == "周统计"
    seal = next(
        r
        for r in ws.merged_cells.ranges
        if r.min_col == 4 and r.max_col == 5 and r.size["rows"] > 3
    )
    assert ws.cell(seal.min_row - 1, 4).value == "盖章"
    assert ws.cell(seal.min_row, 4).border.left.style == "thin"
    assert ws.cell(title_row + 1, 1).value == ret.cover.report_name  # 1-based: the title row


def test_document_properties_name_the_program_and_the_consortium(saved) -> None:  # noqa: ANN001
    path, ret = saved
    props = openpyxl.load_workbook(path).properties
    program = f"YLT Desktop {__version__}"
    assert props.creator == program and props.lastModifiedBy == program
    assert props.title == f"{ret.cover.report_name}（{ret.cover.period}）"
    assert ret.cover.consortium_name and ret.cover.consortium_name in props.subject
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert len(names) == len(set(names))  # app.xml written once
        app = zf.read("docProps/app.xml").decode()
        core = zf.read("docProps/core.xml").decode()
    assert "<Application>YLT Desktop</Application>" in app
    assert f"<Company>{ret.cover.consortium_name}</Company>" in app
    assert "openpyxl" not in (app + core).lower()


def test_every_table_sheet_prints_the_line_over_the_table(saved) -> None:  # noqa: ANN001
    path, ret = saved
    wb = openpyxl.load_workbook(path)
    for table in ret.tables:
        header = wb[table.sheet_name].oddHeader
        assert header.left.text == "填报单位：测试县卫健局"
        assert header.center.text == "报告期：2026年第3季度"
        assert header.right.text == f"计量单位：{table.unit}" and table.unit


def test_headers_break_only_between_pieces(saved) -> None:  # noqa: ANN001
    path, ret = saved
    wb = openpyxl.load_workbook(path)
    broken = []
    for table in ret.tables:
        ws = wb[table.sheet_name]
        for cell in table.header:
            value = ws.cell(2 + cell.row, 1 + cell.col).value
            lines = value.split("\n")
            assert "".join(lines) == cell.text
            pieces = header_pieces(cell.text, ret.header_breaks)
            ends = {len("".join(pieces[:i])) for i in range(len(pieces) + 1)}
            assert {len("".join(lines[:i])) for i in range(len(lines) + 1)} <= ends, value
            if len(lines) > 1:
                broken.append(value)
    assert "本季度\n工作天数" in broken
    assert not any(re.search(r"工作天\n数|门急\n诊", b) for b in broken)
