"""The printed form's marks: the cover's statistical marks, the line over every table, the
（续） title of a continued table, and headers that break only between words."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from tests.returns.sample import Q3
from ylt_desktop.returns.layout import header_lines, header_pieces, text_width
from ylt_desktop.returns.pdf import register_font, write_pdf
from ylt_desktop.returns.pdf_table import PAD, TableLayout, measurer
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.returns.templates import MARK_LABELS, TemplateError, load_template, parse_template

WIDTH = 773.9  # write_pdf's frame


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def ret(sample_db):  # noqa: ANN001, ANN201
    with sample_db.session() as s:
        return quarter_rows(s, Q3, cover_fields={"filler_unit": "测试县卫健局"})


def positions(page) -> list[tuple[str, float, float]]:  # noqa: ANN001
    found: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, *_):  # noqa: ANN001, ANN002, ANN202
        if text.strip():
            found.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return found


def test_cover_carries_the_marks_in_its_top_right_block(ret, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "r.pdf"
    write_pdf(ret, path)
    cover = PdfReader(path).pages[0]
    width = float(cover.mediabox.width)
    texts = positions(cover)
    title_y = next(y for t, _x, y in texts if t == ret.cover.report_name)
    for label in MARK_LABELS:
        x, y = next((x, y) for t, x, y in texts if t.startswith(label))
        assert x > width / 2 and y > title_y, label  # right half, above the title
    assert ret.marks and all(v == "（由省级模板填写）" for _label, v in ret.marks)
    assert squeeze(cover.extract_text()).count("（由省级模板填写）") == len(MARK_LABELS)


def test_every_table_page_has_its_caption_and_a_continued_table_says_so(ret, tmp_path) -> None:  # noqa: ANN001
    members = ret.tables[0]
    members.rows = [[n + 1, f"机构{n:04d}", *members.rows[0][2:]] for n in range(120)]
    path = tmp_path / "long.pdf"
    write_pdf(ret, path)
    pages = [squeeze(p.extract_text()) for p in PdfReader(path).pages][1:-1]
    for text in pages:
        assert "填报单位：测试县卫健局" in text
        assert "报告期：2026年第3季度" in text
    title = squeeze(members.title)
    first, *rest = [p for p in pages if title in p]
    assert len(rest) >= 2  # 120 rows take three pages or more
    assert f"{title}（续）" not in first
    assert "计量单位：张、人" in first
    for text in rest:
        assert f"{title}（续）" in text
        assert "统一社会信用代码" in text and "计量单位：张、人" in text
    # A table that fits one page never says （续）.
    others = [p for p in pages if title not in p]
    assert others and not any("（续）" in p for p in others)


def test_headers_break_only_between_their_pieces(ret) -> None:  # noqa: ANN001
    register_font()
    measure = measurer()
    seen = set()
    for table in ret.tables:
        layout = TableLayout(table, WIDTH, ret.header_breaks)
        for x0, x1, _first, _last, lines in layout.head_cells:
            text = "".join(lines)
            pieces = header_pieces(text, ret.header_breaks)
            bounds = {sum(len(p) for p in pieces[:i]) for i in range(len(pieces) + 1)}
            cuts = {sum(len(line) for line in lines[:i]) for i in range(len(lines) + 1)}
            assert cuts <= bounds, lines  # every line ends where a piece ends
            assert x1 - x0 >= max(measure(p) for p in pieces) + 2 * PAD - 0.01, text
            seen.add(tuple(lines))
    assert ("本季度", "工作天数") in seen and ("门急诊", "人次") in seen
    assert not any("工作天" in line and "数" not in line for lines in seen for line in lines)


def test_header_pieces_without_a_declaration_keep_chinese_words_whole() -> None:
    assert header_pieces("本季度工作天数") == ["本季度工作天数"]
    assert header_pieces("本季度工作天数", {"本季度工作天数": ("本季度", "工作天数")}) == [
        "本季度",
        "工作天数",
    ]
    assert header_pieces("其中：派驻人数") == ["其中：", "派驻人数"]
    assert header_pieces("执业(助理)医师") == ["执业", "(助理)", "医师"]
    assert header_lines(["本季度", "工作天数"], 100, text_width) == ["本季度工作天数"]
    assert header_lines(["本季度", "工作天数"], 9, text_width) == ["本季度", "工作天数"]


def test_excel_widths_fit_the_widest_header_piece(ret) -> None:  # noqa: ANN001
    from ylt_desktop.returns.layout import column_widths

    for table in ret.tables:
        widths = column_widths(table, breaks=ret.header_breaks)
        for col, width in zip(table.columns, widths, strict=True):
            widest = max(text_width(p) for p in header_pieces(col.header, ret.header_breaks))
            assert width >= widest + 2, col.header


def _raw() -> dict:
    import json

    from ylt_desktop.returns.templates import default_template_path

    return json.loads(default_template_path().read_text(encoding="utf-8"))


def test_default_template_declares_the_marks_and_units() -> None:
    template = load_template()
    assert list(template.marks) == list(MARK_LABELS)
    assert all(t.unit for t in template.tables)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda raw: raw["marks"].pop("批准文号"), "marks：缺少批准文号"),
        (lambda raw: raw.__setitem__("marks", ["表号"]), "marks：须为对象"),
        (lambda raw: raw["header_breaks"].append("本季度工作天数"), "须用“|”分成至少两段"),
        (lambda raw: raw.__setitem__("header_breaks", "a|b"), "header_breaks：须为文字列表"),
        (lambda raw: raw["tables"][0].__setitem__("unit", 3), "tables[0].unit：须为文字"),
    ],
)
def test_bad_marks_breaks_and_units_are_refused(change, message) -> None:  # noqa: ANN001
    raw = _raw()
    change(raw)
    with pytest.raises(TemplateError, match=re.escape(message)):
        parse_template(raw)


def test_pdf_properties_name_the_program_and_the_consortium(ret, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop import __version__

    path = tmp_path / "r.pdf"
    write_pdf(ret, path)
    meta = PdfReader(path).metadata
    assert meta.creator == f"YLT Desktop {__version__}"
    assert ret.cover.consortium_name and ret.cover.consortium_name in meta.subject
    assert meta.title == f"{ret.cover.report_name}（{ret.cover.period}）"
