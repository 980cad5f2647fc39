"""Printing a return from the program: the same QuarterReturn the PDF is made of, painted
with QPainter onto a QPrinter, so a clerk with a printer and no PDF reader can still print.

Laid out like the PDF: cover first, each table with its header repeated on every page,
``第 X 页 共 Y 页`` in the footer, the signature block and a seal square on the last page.
QtPdf (PySide6-Addons, +400 MB) would only show the PDF file; painting needs nothing more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPaintDevice, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from ylt_desktop.returns.model import COVER_LABELS, SIGNATURE_FIELDS, QuarterReturn, Table

WRAP = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter
PAD = 3.0


@dataclass
class Page:
    kind: str  # cover / table / notes
    table: Table | None = None
    rows: tuple[int, int] = (0, 0)  # row slice [start, stop) incl. the total row at len(rows)
    signature: bool = False


def setup_printer(printer: QPrinter) -> None:
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class ReturnPainter:
    """Lays out pages for one paint device, then paints them."""

    def __init__(self, ret: QuarterReturn, family: str, page: QRectF, device: QPaintDevice) -> None:
        self.ret, self.family, self.page, self.device = ret, family, page, device
        self.font = QFont(family, 8)
        self.fm = QFontMetricsF(self.font, device)
        self.line = self.fm.height() + 2 * PAD
        self.footer_h = self.line * 1.5
        self.pages = self._layout()

    def widths(self, table: Table) -> list[float]:
        total = sum(c.width for c in table.columns)
        return [self.page.width() * c.width / total for c in table.columns]

    def row_height(self, table: Table, row: list) -> float:
        widths = self.widths(table)
        h = self.line
        for value, w in zip(row, widths, strict=False):
            rect = self.fm.boundingRect(QRectF(0, 0, w - 2 * PAD, 10_000), WRAP, _text(value))
            h = max(h, rect.height() + 2 * PAD)
        return h

    def header_height(self, table: Table) -> float:
        return self.line * 1.6 * table.header_height

    def _layout(self) -> list[Page]:
        pages = [Page("cover")]
        body = self.page.height() - self.footer_h
        for table in self.ret.tables:
            rows = [*table.rows, *([table.total_row] if table.total_row else [])]
            start, used = 0, self.line * 1.8 + self.header_height(table)
            for i, row in enumerate(rows):
                h = self.row_height(table, row)
                if used + h > body and i > start:
                    pages.append(Page("table", table, (start, i)))
                    start, used = i, self.line * 1.8 + self.header_height(table)
                used += h
            pages.append(Page("table", table, (start, len(rows))))
        pages.append(Page("notes", signature=True))
        return pages

    def paint(self, painter: QPainter, printer: QPrinter | None = None) -> None:
        for n, page in enumerate(self.pages, start=1):
            if n > 1 and printer is not None:
                printer.newPage()
            painter.setFont(self.font)
            getattr(self, f"_paint_{page.kind}")(painter, page)
            self._footer(painter, n)

    def _footer(self, painter: QPainter, n: int) -> None:
        rect = QRectF(
            self.page.left(), self.page.bottom() - self.line, self.page.width(), self.line
        )
        stamp = self.ret.generated_at.strftime("%Y-%m-%d %H:%M")
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"第 {n} 页 共 {len(self.pages)} 页")
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight, f"生成时间 {stamp}")

    def _title(self, painter: QPainter, text: str, top: float, size: int = 14) -> float:
        painter.setFont(QFont(self.family, size, QFont.Weight.Bold))
        h = QFontMetricsF(painter.font(), self.device).height() * 1.6
        painter.drawText(
            QRectF(self.page.left(), top, self.page.width(), h), Qt.AlignmentFlag.AlignCenter, text
        )
        painter.setFont(self.font)
        return top + h

    def _paint_cover(self, painter: QPainter, _page: Page) -> None:
        top = self._title(
            painter, self.ret.cover.report_name, self.page.top() + self.page.height() * 0.12, 22
        )
        painter.setFont(QFont(self.family, 12))
        step = QFontMetricsF(painter.font(), self.device).height() * 2
        left = self.page.left() + self.page.width() * 0.3
        for label, value in self.ret.cover.items()[1:]:
            top += step
            painter.drawText(
                QRectF(left, top, self.page.width() * 0.4, step),
                Qt.AlignmentFlag.AlignLeft,
                f"{label}：{value}",
            )
        painter.setFont(self.font)

    def _paint_table(self, painter: QPainter, page: Page) -> None:
        table = page.table
        assert table is not None
        top = self._title(painter, table.title, self.page.top(), 12)
        widths = self.widths(table)
        lefts = [self.page.left() + sum(widths[:i]) for i in range(len(widths))]
        unit = self.header_height(table) / table.header_height
        for cell in table.header:
            rect = QRectF(
                lefts[cell.col],
                top + cell.row * unit,
                sum(widths[cell.col : cell.col + cell.colspan]),
                unit * cell.rowspan,
            )
            painter.drawRect(rect)
            painter.drawText(rect.adjusted(PAD, PAD, -PAD, -PAD), WRAP, cell.text)
        top += self.header_height(table)
        rows = [*table.rows, *([table.total_row] if table.total_row else [])]
        for row in rows[page.rows[0] : page.rows[1]]:
            h = self.row_height(table, row)
            for value, left, w, kind in zip(row, lefts, widths, table.kinds, strict=False):
                rect = QRectF(left, top, w, h)
                painter.drawRect(rect)
                align = (
                    Qt.AlignmentFlag.AlignRight
                    if kind in ("int", "float")
                    else Qt.AlignmentFlag.AlignLeft
                )
                painter.drawText(
                    rect.adjusted(PAD, PAD, -PAD, -PAD),
                    Qt.TextFlag.TextWordWrap | align | Qt.AlignmentFlag.AlignVCenter,
                    _text(value),
                )
            top += h

    def _paint_notes(self, painter: QPainter, _page: Page) -> None:
        top = self._title(painter, self.ret.notes_title, self.page.top(), 12)
        for note in self.ret.notes:
            rect = self.fm.boundingRect(
                QRectF(0, 0, self.page.width(), 10_000), Qt.TextFlag.TextWordWrap, note
            )
            painter.drawText(
                QRectF(self.page.left(), top, self.page.width(), rect.height()),
                Qt.TextFlag.TextWordWrap,
                note,
            )
            top += rect.height() + PAD
        self._signature(
            painter, max(top + self.line, self.page.bottom() - self.footer_h - self.line * 5)
        )

    def _signature(self, painter: QPainter, top: float) -> None:
        cell = self.page.width() * 0.8 / len(SIGNATURE_FIELDS)
        for i, key in enumerate(SIGNATURE_FIELDS):
            rect = QRectF(self.page.left() + i * cell, top, cell, self.line * 2)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{COVER_LABELS[key]}：{getattr(self.ret.cover, key)}",
            )
        seal = QRectF(
            self.page.right() - self.line * 5, top - self.line * 2, self.line * 5, self.line * 5
        )
        painter.drawRect(seal)
        painter.drawText(seal, Qt.AlignmentFlag.AlignCenter, "（盖章）")


def print_return(ret: QuarterReturn, printer: QPrinter, family: str) -> int:
    """Paint the whole return onto ``printer``; returns the number of pages."""
    painter = QPainter(printer)
    try:
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        layout = ReturnPainter(ret, family, QRectF(0, 0, rect.width(), rect.height()), printer)
        layout.paint(painter, printer)
    finally:
        painter.end()
    return len(layout.pages)


class ReturnPreviewDialog(QPrintPreviewDialog):
    """打印预览 of one return; ``pages_painted`` counts the pages of the last paint.

    QPrintPreviewDialog keeps a plain pointer to the printer it is given and never owns it.
    The printer used to be a local of the function that built the dialog, so Python deleted
    it as soon as that function returned and the dialog painted onto freed memory: the
    segmentation fault in QtPrintSupport. The dialog now holds its printer for its lifetime.
    """

    def __init__(self, ret: QuarterReturn, family: str, parent: QWidget | None = None) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        setup_printer(printer)
        super().__init__(printer, parent)
        self._printer = printer  # must outlive the dialog's C++ object (see above)
        self.ret, self.family = ret, family
        self.pages_painted = 0
        self.setWindowTitle("打印预览")
        self.paintRequested.connect(self._paint)

    def _paint(self, printer: QPrinter) -> None:
        self.pages_painted = print_return(self.ret, printer, self.family)


def preview_return(
    ret: QuarterReturn, family: str, parent: QWidget | None = None
) -> ReturnPreviewDialog:
    return ReturnPreviewDialog(ret, family, parent)


def new_printer() -> QPrinter:
    """A high-resolution printer set up for the return (A4 landscape, 12 mm margins)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    setup_printer(printer)
    return printer
