"""The canvas-drawn tables of the PDF: wrapping long Chinese text, the header on every page."""

from __future__ import annotations

import re
import shutil
import subprocess

from pypdf import PdfReader

from tests.returns.sample import Q3
from ylt_desktop.returns.pdf import MARGIN, MM, register_font, write_pdf
from ylt_desktop.returns.pdf_table import ONE_LINE, TableLayout, break_lines, measurer
from ylt_desktop.returns.rows import quarter_rows

LONG_NAME = "江西省基准县人民医院医疗健康集团青山镇中心卫生院第二分院（东区门诊部）"


def _members(sample_db):  # noqa: ANN001, ANN202
    register_font()
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={})
    members = ret.tables[0]
    ret.tables = [members]
    return ret, members


def test_break_lines_cjk_anywhere_ascii_at_spaces():
    register_font()
    measure = measurer()
    text = "基准协议 ABC-00018 第二分院（东区）"
    lines = break_lines(text, measure("基准协议 ABC-0"), measure)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert any("ABC-00018" in line for line in lines)  # an ASCII word is not cut
    assert all(measure(line) <= measure("基准协议 ABC-0") for line in lines)
    assert not any(line.startswith("）") for line in lines)


def test_long_chinese_name_wraps_inside_its_cell(sample_db, tmp_path):  # noqa: ANN001
    ret, members = _members(sample_db)
    members.rows[0] = [members.rows[0][0], LONG_NAME, *members.rows[0][2:]]
    layout = TableLayout(members, 297 * MM - 2 * MARGIN, ret.header_breaks)  # as write_pdf
    height, items = layout.rows[0]
    assert height > ONE_LINE  # the row grows to hold the lines
    name_lines = [t for _, _, t in items if t in LONG_NAME]
    assert len(name_lines) >= 2 and "".join(name_lines) == LONG_NAME
    name_x = {x for x, _, t in items if t in name_lines}
    assert len(name_x) == 1  # every line starts at the cell's left padding

    path = tmp_path / "wrap.pdf"
    write_pdf(ret, path)
    squeezed = re.sub(r"\s+", "", PdfReader(str(path)).pages[1].extract_text())
    assert all(ch in squeezed for ch in LONG_NAME)
    if shutil.which("pdftotext") is None:
        return
    out = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = out.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if name_lines[0] in line)
    second = next(i for i, line in enumerate(lines) if name_lines[1] in line)
    assert second > first  # the second half is on a line of its own, below the first
    assert "12360428000000019R" in "".join(lines[first : second + 1])  # within the same row


def test_header_on_every_page_of_a_2000_row_table(sample_db, tmp_path):  # noqa: ANN001
    ret, members = _members(sample_db)
    template = members.rows[0]
    members.rows = [[n + 1, f"机构{n:04d}", *template[2:]] for n in range(2000)]
    path = tmp_path / "long.pdf"
    write_pdf(ret, path)
    pages = [p.extract_text() for p in PdfReader(str(path)).pages][1:-1]
    assert len(pages) >= 2000 // 40
    headers = [re.sub(r"\s+", "", c.header) for c in members.columns if len(c.header) <= 4]
    for page in pages:
        squeezed = re.sub(r"\s+", "", page)
        for header in headers:
            assert header in squeezed
    whole = "".join(pages)
    for n in (0, 999, 1999):
        assert f"机构{n:04d}" in whole
    assert "合计" in pages[-1]
