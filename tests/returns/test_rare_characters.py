"""A name with a rare character the PDF's font cannot draw (CJK extensions, e.g. 𬭚 or 䶮, both
in the 通用规范汉字表 for personal names): the PDF prints the character as "〓" — the printer's
mark for a missing character, so the clerk sees where to write it in by hand — never a blank
that turns "李𬭚䶮" into "李"; and the pre-export check says so beforehand, naming the record."""

from __future__ import annotations

import dataclasses
import re

from pypdf import PdfReader

from tests.returns.sample import Q3
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.returns.glyphs import PLACEHOLDER, missing_characters
from ylt_desktop.returns.pdf import write_pdf
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff

RARE_NAME = "李𬭚䶮"  # U+2CB5A (Extension E) and U+4DAE (Extension A)


def _rename(db, staff_id: int, name: str) -> None:  # noqa: ANN001
    with db.session() as s:
        data = dataclasses.replace(staff_store.to_data(s.get(Staff, staff_id)), name=name)
        staff_store.update_staff(s, staff_id=staff_id, data=data)


def test_the_font_lacks_the_rare_characters_and_has_the_mark() -> None:
    assert missing_characters(RARE_NAME) == "𬭚䶮"
    assert missing_characters("张主任 示例县人民医院 0792-1234567") == ""
    assert missing_characters(PLACEHOLDER) == ""
    assert missing_characters("a\u200bb\u00a0") == ""  # invisible anyway: not reported


def test_a_rare_character_is_printed_as_the_mark_not_left_out(sample_db, tmp_path) -> None:  # noqa: ANN001
    _rename(sample_db, sample_db.ids["s2"], RARE_NAME)
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"unit_head": "王䶮"})
    path = tmp_path / "r.pdf"
    write_pdf(ret, path)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(path)).pages))
    assert "李〓〓" in text  # 表2's row of the person
    assert "王〓" in text  # the cover and the signature block
    assert "𬭚" not in text and "䶮" not in text


def test_the_check_warns_before_the_export_naming_the_person(sample_db) -> None:  # noqa: ANN001
    _rename(sample_db, sample_db.ids["s2"], RARE_NAME)
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields={"unit_head": "王䶮", "preparer": "张三"})
    rare = [i for i in items if "〓" in i.message]
    assert rare and not any(i.is_error for i in rare)  # the export is not blocked
    person = [i for i in rare if RARE_NAME in i.message]
    assert len(person) == 1  # once for the person, however many rotations they have
    assert person[0].kind == "rotation" and "𬭚" in person[0].message
    assert any(i.kind == "cover" and "单位负责人" in i.message for i in rare)


# Review of 6b5c9d0: characters the font lacks that ``str.isprintable`` calls unprintable.
PRIVATE = "\ue4c6"  # a private-use code point: how GBK-era systems (HIS) carry rare name characters
NEWER = "\U00031350"  # CJK Extension H (Unicode 15): unassigned in Python 3.11's Unicode 14
IVS = "\U000e0100"  # an ideographic variation selector: a variant of the character before it


def test_private_use_and_newer_characters_are_marked_not_left_out() -> None:
    from ylt_desktop.returns.glyphs import shown

    for rare in (PRIVATE, NEWER):
        assert missing_characters(f"李{rare}明") == rare
        assert shown(f"李{rare}明") == "李〓明"


def test_a_variation_selector_is_no_missing_character() -> None:
    """葛 + a variation selector is one character in a variant shape: 葛 is printed, and no
    〓 tells the clerk to write in a character that is not missing."""
    from ylt_desktop.returns.glyphs import shown

    assert missing_characters(f"葛{IVS}优") == ""
    assert shown(f"葛{IVS}优") == "葛优"


def test_a_private_use_character_is_marked_in_the_pdf_and_warned(sample_db, tmp_path) -> None:  # noqa: ANN001
    _rename(sample_db, sample_db.ids["s2"], f"李{PRIVATE}明")
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"unit_head": "王五"})
        items = check_quarter(s, Q3, cover_fields={"unit_head": "王五", "preparer": "张三"})
    path = tmp_path / "r.pdf"
    write_pdf(ret, path)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(path)).pages))
    assert "李〓明" in text
    assert any(i.kind == "rotation" and "〓" in i.message for i in items)


def test_the_workbook_keeps_the_rare_characters(sample_db, tmp_path) -> None:  # noqa: ANN001
    """The mark is the PDF's alone: the Excel return, written after a PDF, has the name."""
    from openpyxl import load_workbook

    from ylt_desktop.returns.xlsx import write_xlsx

    name = f"{RARE_NAME}{PRIVATE}"
    _rename(sample_db, sample_db.ids["s2"], name)
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={"unit_head": "王䶮"})
    write_pdf(ret, tmp_path / "r.pdf")
    write_xlsx(ret, tmp_path / "r.xlsx")
    cells = {str(c.value) for ws in load_workbook(tmp_path / "r.xlsx") for row in ws.iter_rows()
             for c in row if c.value is not None}  # fmt: skip
    assert name in cells and "王䶮" in cells
    assert not any(PLACEHOLDER in c for c in cells)


def test_characters_the_font_maps_to_an_empty_glyph_are_marked() -> None:
    """The shipped font's cmap maps a few visible characters to an outline-less glyph (the
    Roman numerals Ⅴ and Ⅹ, pinyin's ǎ ǐ ǒ ǔ ǚ, ℃): "第Ⅴ病区" printed as "第 病区" and the
    check said nothing, since the font 'had' them. Marked like a character it lacks."""
    from ylt_desktop.returns.glyphs import shown

    assert missing_characters("示例县第Ⅴ人民医院") == "Ⅴ"
    assert shown("吕Lǚ 第Ⅹ病区") == "吕L〓 第〓病区"
    assert shown("张 三\u3000李四") == "张 三\u3000李四"  # spaces are outline-less, not missing
