"""A cover field far too long for the cover (a paragraph pasted into 填报单位 or a name field)
stopped the PDF with reportlab's LayoutError — no return, a traceback on the command line.
Each field now has a length (a unit's name 100, a person's 30, the phone 40): the check says
which field is too long as an error, and the export refuses before anything is written, also
for a submitted quarter, whose figures are frozen but whose cover is typed anew."""

from __future__ import annotations

import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns.check import COVER_MAX, check_quarter
from ylt_desktop.returns.files import ExportBlocked, export_quarter
from ylt_desktop.store.quarters import submit_quarter

LONG_UNIT = "某某县某某镇某某卫生院" * 100


def test_the_check_names_the_field_and_its_length(sample_db) -> None:  # noqa: ANN001
    cover = {"filler_unit": LONG_UNIT, "unit_head": "王" * 31, "preparer": "张敏"}
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields=cover)
    errors = [i for i in items if i.is_error and i.kind == "cover"]
    assert {i.field for i in errors} == {"filler_unit", "unit_head"}
    unit = next(i for i in errors if i.field == "filler_unit")
    assert (
        "填报单位" in unit.message and f"不能超过 {COVER_MAX['filler_unit']} 个字" in unit.message
    )
    cover["unit_head"] = "王" * COVER_MAX["unit_head"]  # at the length: fine
    cover["filler_unit"] = "某" * COVER_MAX["filler_unit"]
    with sample_db.session() as s:
        assert not [i for i in check_quarter(s, Q3, cover_fields=cover) if i.is_error]


@pytest.mark.parametrize("submitted", [False, True])
def test_the_export_refuses_before_writing(sample_db, tmp_path, submitted) -> None:  # noqa: ANN001
    if submitted:
        with sample_db.session() as s:
            submit_quarter(s, quarter=Q3, by="审核人")
    out = tmp_path / "out"
    out.mkdir()
    with sample_db.session() as s, pytest.raises(ExportBlocked) as refused:
        export_quarter(s, Q3, out, cover_fields={"filler_unit": LONG_UNIT})  # LayoutError
    assert "填报单位" in str(refused.value)
    assert list(out.iterdir()) == []


def test_a_unit_name_at_the_length_keeps_the_line_over_each_table_on_the_page(
    sample_db, tmp_path
) -> None:  # noqa: ANN001
    """The line over every table (填报单位：…　　报告期：…　　计量单位：…) was drawn at 9 pt
    whatever its length: a 填报单位 of more than ~50 characters (100 are allowed) ran past the
    table's right edge, and 报告期 and 计量单位 went off the paper on every table page."""
    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from ylt_desktop.returns.pdf import write_pdf
    from ylt_desktop.returns.pdf_table import FONT, MARGIN, PAGE_SIZE
    from ylt_desktop.returns.rows import quarter_rows

    unit = ("都昌县某某镇中心卫生院" * 10)[: COVER_MAX["filler_unit"]]
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"filler_unit": unit})
    path = tmp_path / "r.pdf"
    write_pdf(ret, path)
    right_edge = PAGE_SIZE[0] - MARGIN + 0.5  # where the tables themselves end
    found = []

    def visit(text, cm, tm, _font, size) -> None:  # noqa: ANN001
        text = text.strip()
        if text.startswith("填报单位：") and "报告期：" in text:
            x = cm[4] + tm[4] * cm[0]
            found.append((x + stringWidth(text, FONT, size * cm[0]), text))

    for page in PdfReader(str(path)).pages[1:]:
        page.extract_text(visitor_text=visit)
    assert len(found) >= len(ret.tables)
    for right, text in found:
        assert right <= right_edge, text[-20:]
