"""Printing the return from the 季度报表 page: 打印预览 and 打印, through the real dialogs.

The preview used to crash the whole program (its printer was freed while the dialog still
painted onto it); these tests open it by its button, count the pages it paints, repaint after
a garbage collection, and close it. Printing goes through QPrintDialog to a PDF file.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from tests.helpers.typing import type_text
from ylt_desktop.ui.pages.returns import ReturnsPage
from ylt_desktop.ui.print_return import ReturnPainter, ReturnPreviewDialog, new_printer


def make_page(qtbot, db) -> ReturnsPage:  # noqa: ANN001
    page = ReturnsPage(db)
    qtbot.addWidget(page)
    return page


def when_modal(kind: type, act: Callable[[QWidget], None]) -> None:
    """Run ``act`` on the modal dialog of type ``kind`` once its event loop runs."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        else:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def expected_pages(page: ReturnsPage) -> int:
    """The page count the painter lays out for this return on an A4 landscape printer."""
    from PySide6.QtCore import QRectF

    printer = new_printer()
    rect = printer.pageLayout().paintRectPixels(printer.resolution())
    painter = ReturnPainter(
        page.current_return(),
        page.font().family(),
        QRectF(0, 0, rect.width(), rect.height()),
        printer,
    )
    return len(painter.pages)


def test_preview_opens_paints_every_page_and_closes(qtbot, demo_db) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    want = expected_pages(page)
    seen: dict = {}

    def inspect(dialog: QWidget) -> None:
        assert isinstance(dialog, ReturnPreviewDialog)
        widget = dialog.findChild(QPrintPreviewWidget)
        seen["visible"] = dialog.isVisible()
        seen["first"] = (dialog.pages_painted, widget.pageCount())
        # The crash: the printer was freed once the building function returned. Collect,
        # then repaint; a freed printer would take the whole test run down here.
        dialog.pages_painted = 0
        gc.collect()
        widget.updatePreview()
        seen["again"] = (dialog.pages_painted, widget.pageCount())
        seen["dialog"] = dialog
        dialog.reject()

    when_modal(ReturnPreviewDialog, inspect)
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert seen["visible"]
    assert seen["first"] == (want, want) and want >= 3  # cover, tables…, notes
    assert seen["again"] == (want, want)
    assert QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: not shiboken6.isValid(seen["dialog"]))  # deleted, printer after it


def test_print_button_prints_to_a_pdf_through_the_print_dialog(qtbot, demo_db, tmp_path) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    want = expected_pages(page)
    target = tmp_path / "printed.pdf"

    def choose_pdf(dialog: QWidget) -> None:
        assert isinstance(dialog, QPrintDialog)
        printer = dialog.printer()
        assert printer.pageLayout().orientation().name == "Landscape"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        dialog.done(QDialog.DialogCode.Accepted)

    when_modal(QPrintDialog, choose_pdf)
    qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    reader = PdfReader(target)
    assert len(reader.pages) == want
    first = " ".join(reader.pages[0].extract_text().split())
    assert f"第 1 页 共 {want} 页" in first
    assert "（盖章）" in reader.pages[-1].extract_text()
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height


def test_cancelled_print_dialog_prints_nothing(qtbot, demo_db, tmp_path) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    target = tmp_path / "never.pdf"

    def cancel(dialog: QWidget) -> None:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        dialog.reject()

    when_modal(QPrintDialog, cancel)
    assert page.print_direct() == 0
    assert not target.exists()


def test_cover_fields_are_saved_as_typed(qtbot, demo_db) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    page.show()
    type_text(qtbot, page.cover["unit_head"], "王建国")
    type_text(qtbot, page.cover["phone"], "0792-1234567")
    # No export, no print, the field not left: the program is closed (the page hidden at
    # once, before the pause after typing saves) and started again; it shows what was typed.
    page.close()
    again = make_page(qtbot, demo_db)
    assert again.cover["unit_head"].text() == "王建国"
    assert again.cover["phone"].text() == "0792-1234567"


def test_printed_pages_hold_the_same_rows_as_the_pdf(qtbot, demo_db, tmp_path) -> None:  # noqa: ANN001
    import re

    from ylt_desktop.returns.pdf import write_pdf
    from ylt_desktop.ui.print_return import print_return

    page = make_page(qtbot, demo_db)
    ret = page.current_return()
    write_pdf(ret, tmp_path / "exported.pdf")
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_return(ret, printer, page.font().family())

    def pages(name: str) -> list[str]:
        return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(tmp_path / name).pages]

    exported, printed = pages("exported.pdf"), pages("printed.pdf")
    rotations = next(t for t in ret.tables if t.key == "rotations")
    names = {n for n in rotations.column_values("staff_name") if len(n) >= 2}
    assert len(printed) == len(exported)
    continued = 0
    for a, b in zip(exported[1:-1], printed[1:-1], strict=True):
        title = next(
            re.sub(r"\s+", "", t.title) for t in ret.tables if t.title.replace(" ", "") in a
        )
        assert title in b and ("（续）" in a) == ("（续）" in b)
        continued += "（续）" in b
        assert "填报单位：" in b and "计量单位：" in b
        assert {n for n in names if n in a} == {n for n in names if n in b}  # same rows
    assert continued >= 1  # the demo's 表2 runs over several pages
    for label in ("表号", "制定机关", "批准机关", "批准文号", "有效期至"):
        assert label in printed[0]


def test_check_list_opens_with_the_summary_then_the_quarter_and_cover(qtbot, demo_db) -> None:  # noqa: ANN001
    import datetime as dt

    from ylt_desktop.domain.periods import Quarter

    page = make_page(qtbot, demo_db)
    current = Quarter.containing(dt.date.today())  # not yet over
    page.quarter.setCurrentIndex(page.quarter.findData(str(current)))
    type_text(qtbot, page.cover["unit_head"], "王建国")
    page.cover["preparer"].clear()
    items = page.run_check()
    texts = [page.problems.item(i).text() for i in range(page.problems.count())]
    errors = sum(i.is_error for i in items)
    assert texts[0] == f"{errors} 个错误，{len(items) - errors} 个警告"
    assert "尚未结束" in texts[1] and "填表人" in texts[2] and "未填写" in texts[2]
    assert not any("单位负责人" in t and "未填写" in t for t in texts)
    assert [i.kind for i in items[:2]] == ["quarter", "cover"]


def test_a_printer_that_cannot_start_says_so(qtbot, demo_db, tmp_path, answers) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    target = tmp_path / "no such folder" / "x.pdf"

    def choose_unwritable(dialog: QWidget) -> None:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(target))
        dialog.done(QDialog.DialogCode.Accepted)

    when_modal(QPrintDialog, choose_unwritable)
    assert page.print_direct() == 0
    assert answers.shown[-1][0] == "warning" and "无法开始打印" in answers.shown[-1][1]
    assert not target.exists()
