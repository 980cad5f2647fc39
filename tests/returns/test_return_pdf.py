"""The PDF: text (cover, titles, footer with the right page count), embedded font, pictures."""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from tests.returns.render import render_first_and_last
from tests.returns.sample import Q3
from ylt_desktop.returns.pdf import CHUNK_ROWS, fit_widths, register_font, write_pdf
from ylt_desktop.returns.rows import quarter_rows


@pytest.fixture
def pdf(sample_db, tmp_path):  # noqa: ANN001, ANN201
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"unit_head": "刘院长", "phone": "0792-7654321"})
    path = tmp_path / "r.pdf"
    write_pdf(ret, path)
    return path, ret


def _texts(path) -> list[str]:  # noqa: ANN001
    return [p.extract_text() for p in PdfReader(str(path)).pages]


def test_text_of_cover_tables_and_footer(pdf):  # noqa: ANN001
    path, ret = pdf
    pages = _texts(path)
    n = len(pages)
    assert n >= 7  # cover, five tables, notes
    squeeze = [re.sub(r"\s+", "", t) for t in pages]
    for label, value in ret.cover.items():
        assert label.replace(" ", "") in squeeze[0]
        assert value.replace(" ", "") in squeeze[0]
    for i, text in enumerate(squeeze, 1):
        assert f"第{i}页共{n}页" in text
        assert "生成时间" in text
    whole = "".join(squeeze)
    for table in ret.tables:
        assert table.title.replace(" ", "") in whole
    for name in ("测试县人民医院", "青山镇卫生院（末日加入）", "市第一人民医院"):
        assert name in whole
    assert "北炎镇卫生院" not in whole
    last = squeeze[-1]
    for label in ("单位负责人", "统计负责人", "填表人", "联系电话", "报出日期", "盖章"):
        assert label in last
    assert "0792-7654321" in last


def test_font_embedded(pdf):  # noqa: ANN001
    path, _ = pdf
    reader = PdfReader(str(path))
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts
    for name, font in fonts.items():
        assert "WenQuanYi" in name, name
        assert "/FontFile2" in font["/FontDescriptor"].get_object(), name


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils missing")
def test_pdffonts_says_embedded(pdf):  # noqa: ANN001
    import subprocess

    out = subprocess.run(["pdffonts", str(pdf[0])], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows and all(r.split()[-5] == "yes" for r in rows), out.stdout


def test_long_table_is_chunked_with_header_on_every_page(sample_db, tmp_path):  # noqa: ANN001
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={})
    members = ret.tables[0]
    template_row = members.rows[0]
    members.rows = [[n + 1, f"机构{n:04d}", *template_row[2:]] for n in range(CHUNK_ROWS + 40)]
    members.total_row = None
    ret.tables = [members]
    path = tmp_path / "long.pdf"
    write_pdf(ret, path)
    pages = _texts(path)[1:-1]
    assert len(pages) > 5
    assert all("统一社会信用代码" in p for p in pages)
    whole = "".join(pages)
    assert "机构0000" in whole and f"机构{CHUNK_ROWS + 39:04d}" in whole


def test_widths_fill_the_page(sample_db):  # noqa: ANN001
    register_font()
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={})
    for table in ret.tables:
        widths = fit_widths(table, 760)
        assert sum(widths) == pytest.approx(760, abs=1)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils missing")
def test_render_pages(pdf, tmp_path):  # noqa: ANN001
    first, last = render_first_and_last(pdf[0], tmp_path / "png")
    for png in (first, last):
        head = png.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        assert width > height  # landscape
