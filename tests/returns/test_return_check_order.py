"""The pre-export check's order and its cover warnings (DESIGN.md §4): summary, the quarter
itself, the cover's signers, then the records' errors and warnings."""

from __future__ import annotations

import datetime as dt

from tests.cli.conftest import no_english_printed  # noqa: F401 - every line ylt prints is Chinese
from tests.returns.sample import Q3
from ylt_desktop.cli import main
from ylt_desktop.returns.check import check_quarter, errors_in, summary
from ylt_desktop.store.models import Institution
from ylt_desktop.store.settings import set_setting

SIGNED = {"unit_head": "刘院长", "preparer": "陈填表"}


def test_empty_unit_head_or_preparer_is_a_warning(sample_db) -> None:  # noqa: ANN001
    after = dt.date(2026, 11, 1)
    with sample_db.session() as s:
        # The sample has no 运行指标: those warnings (kind "figures") are not this test's.
        assert [
            i for i in check_quarter(s, Q3, today=after, cover_fields=SIGNED) if i.kind != "figures"
        ] == []
        items = check_quarter(s, Q3, today=after, cover_fields={"unit_head": " ", "phone": "1"})
        items = [i for i in items if i.kind != "figures"]
    assert [(i.kind, i.field, i.is_error) for i in items] == [
        ("cover", "unit_head", False),
        ("cover", "preparer", False),
    ]
    assert "单位负责人" in items[0].message and "填表人" in items[1].message
    assert summary(items) == "0 个错误，2 个警告"


def test_quarter_and_cover_warnings_come_before_record_errors(sample_db) -> None:  # noqa: ANN001
    with sample_db.session() as s, s.begin():
        s.get(Institution, sample_db.ids["A"]).uscc = None
    with sample_db.session() as s:
        items = check_quarter(s, Q3, today=dt.date(2026, 9, 1), cover_fields={})
    kinds = [i.kind for i in items]
    assert kinds[:3] == ["quarter", "cover", "cover"]
    assert items[3].is_error and items[3].kind == "institution"
    errors = len(errors_in(items))
    assert errors >= 1 and summary(items) == f"{errors} 个错误，{len(items) - errors} 个警告"


def test_ylt_check_prints_the_summary_first(sample_db, capsys) -> None:  # noqa: ANN001
    db = sample_db.location
    with sample_db.session() as s:
        set_setting(s, key="return.cover", value={"unit_head": "刘院长"})
    assert main(["check", "--quarter", "2026Q3", "--db", db]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("2026年第3季度：0 个错误，")
    assert any(line.startswith("警告\t封面\t") and "填表人" in line for line in lines[1:])
    assert not any("单位负责人" in line for line in lines[1:])


def test_ylt_export_prints_an_iso_report_date_as_on_paper(sample_db, tmp_path) -> None:  # noqa: ANN001
    import re

    from pypdf import PdfReader

    out = tmp_path / "out"
    args = ["export", "--quarter", "2026Q3", "--db", sample_db.location, "--out", str(out)]
    assert main([*args, "--pdf-only", "--report-date", "2026-10-12"]) == 0
    (pdf,) = out.iterdir()
    cover = re.sub(r"\s+", "", PdfReader(pdf).pages[0].extract_text())
    assert "报出日期2026年10月12日" in cover


def test_a_note_too_long_for_an_excel_cell_is_a_warning_naming_it(sample_db) -> None:  # noqa: ANN001
    """A 备注 over Excel's 32,767 UTF-16 units (16,384 characters outside the BMP are 32,768):
    a warning on that rotation's 备注 (the Excel cuts it, ``returns/excel_text.py``); one at
    the limit is not."""
    from ylt_desktop.store.models import Rotation

    rare = "\U00020000"
    after = dt.date(2026, 11, 1)
    rid = sample_db.ids["r1"]
    for note, warned in ((rare * 16_383 + "甲", False), (rare * 16_384, True)):
        with sample_db.session() as s, s.begin():
            s.get(Rotation, rid).note = note
        with sample_db.session() as s:
            items = check_quarter(s, Q3, today=after, cover_fields=SIGNED)
        # (The PDF's font lacks 𠀀: check_glyphs warns of that on its own, whatever the length.)
        items = [i for i in items if i.kind != "figures" and "PDF 字体" not in i.message]
        if not warned:
            assert items == []
            continue
        assert [(i.kind, i.record_id, i.field, i.is_error) for i in items] == [
            ("rotation", rid, "note", False)
        ]
        assert "备注" in items[0].message and "32,767" in items[0].message
        assert "扩展区汉字按2个计" in items[0].message
