"""打印 / 打印预览 paint the return with Qt (``ui/print_return.py``), not reportlab. A character
the shipped font lacks was drawn by Qt as an empty box (CJK Extension B 𠀾, a private-use
character) or as nothing (Ⅴ, ǚ, ℃: mapped by the font to an outline-less glyph), measured
offscreen below; the PDF prints each as "〓" and the export says so (3cbfe45), the printed
page did neither. It now prints what the PDF prints and the clerk hears the same notes first.

Which characters the font has is one set: ``returns/glyphs.py`` (the font file's cmap, glyphs
with an outline), checked here against what Qt draws with the font the program prints with."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from pypdf import PdfReader
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from tests.helpers.typing import type_text
from tests.ui.test_return_print import make_page, when_modal
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.glyphs import PLACEHOLDER, missing_characters
from ylt_desktop.returns.load import load_quarter
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff
from ylt_desktop.ui.print_return import ReturnPreviewDialog, new_printer, print_return

LAST = Quarter.last_finished(dt.date.today())
RARE = "𠀾"  # U+2003E, CJK Extension B
PRIVATE = "\ue000"  # how a GBK-era HIS carries a rare name character
SAMPLE = ["王", "医", "A", "7", PLACEHOLDER, RARE, PRIVATE, "𬭚", "䶮", "Ⅴ", "ǚ", "℃"]


def _ink(family: str, ch: str) -> int:
    font = QFont(family)
    font.setPixelSize(40)
    image = QImage(60, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.drawText(5, 45, ch)
    painter.end()
    return sum(
        QColor(image.pixel(x, y)).red() < 128 for x in range(60) for y in range(60)
    )  # fmt: skip


def test_qt_draws_with_the_font_exactly_the_characters_the_pdf_font_has(qtbot, demo_db) -> None:  # noqa: ANN001
    """A box drawn for a lacking character has as much ink as each other one (the same box);
    a real glyph differs. What the PDF's set says it lacks, Qt draws as that box or not at all."""
    family = make_page(qtbot, demo_db).font().family()
    assert family == "WenQuanYi Micro Hei"  # the shipped font, not a system one
    box = _ink(family, "\U0002a6d6")  # Extension B, not in the font
    for ch in SAMPLE:
        ink = _ink(family, ch)
        if missing_characters(ch):
            assert ink in (0, box), (ch, ink)
        else:
            assert ink > 0 and ink != box, (ch, ink)
    assert box > 0  # Qt draws an empty box for a character no font here has
    assert {_ink(family, ch) for ch in "Ⅴǚ℃"} == {0}  # in the cmap, drawn as nothing


def _rename_someone(db) -> str:  # noqa: ANN001
    with db.session() as s:
        person = load_quarter(s, LAST).rotations[0].staff
        name = person.name[:1] + RARE + PRIVATE
        data = dataclasses.replace(staff_store.to_data(s.get(Staff, person.id)), name=name)
        staff_store.update_staff(s, staff_id=person.id, data=data)
    return name


def _text(path) -> str:  # noqa: ANN001
    return re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))


def test_the_printed_page_shows_the_mark_where_the_pdf_does(qtbot, demo_db, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.returns.pdf import write_pdf

    name = _rename_someone(demo_db)
    page = make_page(qtbot, demo_db)
    type_text(qtbot, page.cover["unit_head"], "张Ⅴ")
    ret = page.current_return()
    write_pdf(ret, tmp_path / "exported.pdf")
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_return(ret, printer, page.font().family())
    marked = name[:1] + PLACEHOLDER * 2
    exported, printed = _text(tmp_path / "exported.pdf"), _text(tmp_path / "printed.pdf")
    assert marked in exported and "张" + PLACEHOLDER in exported
    assert marked in printed  # 表2's row of the person
    assert "张" + PLACEHOLDER in printed  # the cover and the signature block
    assert RARE not in printed and PRIVATE not in printed and "Ⅴ" not in printed


def test_preview_and_print_name_the_marked_texts_first(qtbot, demo_db, tmp_path, answers) -> None:  # noqa: ANN001
    name = _rename_someone(demo_db)
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    seen: list = []

    def close_preview(dialog: QWidget) -> None:
        seen.append(dialog.findChild(QPrintPreviewWidget).pageCount())
        dialog.reject()

    when_modal(ReturnPreviewDialog, close_preview)
    answers.queue.append(QMessageBox.StandardButton.Yes)
    page.preview_button.click()
    kind, text = answers.shown[-1]
    assert kind == "question" and name in text and PLACEHOLDER in text and "核对" in text
    assert seen and seen[0] > 0  # then the preview opened

    target = tmp_path / "printed.pdf"

    def choose_pdf(dialog: QWidget) -> None:
        assert isinstance(dialog, QPrintDialog)
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        dialog.done(QDialog.DialogCode.Accepted)

    when_modal(QPrintDialog, choose_pdf)
    before = len(answers.shown)
    answers.queue.append(QMessageBox.StandardButton.Yes)
    assert page.print_direct() > 0
    assert [k for k, t in answers.shown[before:] if name in t] == ["question"]
    assert name[:1] + PLACEHOLDER * 2 in _text(target)


def test_no_to_the_warning_prints_nothing(qtbot, demo_db, answers, monkeypatch) -> None:  # noqa: ANN001
    _rename_someone(demo_db)
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    opened: list = []

    def record(dialog: QDialog) -> int:
        opened.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QPrintDialog, "exec", record)
    monkeypatch.setattr(ReturnPreviewDialog, "exec", record)
    answers.queue.append(QMessageBox.StandardButton.No)
    assert page.print_direct() == 0
    answers.queue.append(QMessageBox.StandardButton.No)
    page.print_preview()
    assert [kind for kind, _ in answers.shown] == ["question", "question"]
    assert not opened  # neither the print dialog nor the preview


def test_nothing_is_asked_when_every_character_prints(qtbot, demo_db, tmp_path, answers) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    target = tmp_path / "printed.pdf"

    def choose_pdf(dialog: QWidget) -> None:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        dialog.done(QDialog.DialogCode.Accepted)

    when_modal(QPrintDialog, choose_pdf)
    assert page.print_direct() > 0
    assert not answers.shown
