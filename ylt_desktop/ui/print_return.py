"""Printing a return from the program: the same QuarterReturn the PDF is made of, painted
with QPainter onto a QPrinter, so a clerk with a printer and no PDF reader can still print.

Laid out by the PDF's own table layout (``returns.pdf_table``: the same column widths, header
lines, row heights and page breaks, in points), so the printed pages hold the same rows as
the PDF's: cover with the form's marks first, each table under its title (（续） on the pages
after its first), the 填报单位/报告期/计量单位 line and its header on every page,
``第 X 页 共 Y 页`` in the footer, the signature block and a seal square on the last page.
QtPdf (PySide6-Addons, +400 MB) would only show the PDF file; painting needs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMarginsF, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPen,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from ylt_desktop.returns import pdf_table as pt
from ylt_desktop.returns.glyphs import shown
from ylt_desktop.returns.model import COVER_LABELS, SIGNATURE_FIELDS, QuarterReturn, Table

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
TABLE_WIDTH = pt.PAGE_SIZE[0] - 2 * pt.MARGIN  # as write_pdf's frame
CHARTS_AFTER = "indicators"  # as write_pdf: the chart page follows 表7


@dataclass
class Page:
    kind: str  # cover / table / notes
    table: Table | None = None
    layout: pt.TableLayout | None = None
    rows: range = range(0)
    continued: bool = False


def setup_printer(printer: QPrinter) -> None:
    margin = pt.MARGIN * 25.4 / 72
    printer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(margin, margin, margin, margin),
            QPageLayout.Unit.Millimeter,
        )
    )


class ReturnPainter:
    """Lays out the pages of one return (in points), then paints them onto a device."""

    def __init__(self, ret: QuarterReturn, family: str, page: QRectF, device: QPaintDevice) -> None:
        from ylt_desktop.returns.pdf import register_font

        register_font()  # the table layout measures with reportlab's metrics of the same font
        self.ret, self.family, self.device = ret, family, device
        self.k = page.width() / TABLE_WIDTH  # device pixels per point
        self.width = TABLE_WIDTH
        self.height = page.height() / self.k
        self.pages = self._layout()

    # -- geometry helpers: everything below is in points, converted here ------------------
    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(x * self.k, y * self.k, w * self.k, h * self.k)

    def point(self, x: float, y: float) -> QPointF:
        return QPointF(x * self.k, y * self.k)

    def font(self, size: float) -> QFont:
        font = QFont(self.family)
        font.setPointSizeF(size * self.k * 72 / self.device.logicalDpiY())
        return font

    def text_width(self, font: QFont, text: str) -> float:
        return QFontMetricsF(font, self.device).horizontalAdvance(shown(text)) / self.k

    @staticmethod
    def draw(painter: QPainter, where: QPointF | QRectF, *flags_and_text: Any) -> None:
        """``painter.drawText`` of a text as the PDF prints it: each character the shipped
        font lacks as "〓" (``returns/glyphs.py``: the one set of what the font has, the same
        file Qt draws with). Qt drew an empty box for it (𠀾, a private-use character), or
        nothing for the few the font maps to an outline-less glyph (Ⅴ, ǚ, ℃), on paper to be
        signed; the table layout already measured them as "〓" (the PDF's font)."""
        *flags, text = flags_and_text
        painter.drawText(where, *flags, shown(text))

    def _layout(self) -> list[Page]:
        pages = [Page("cover")]
        for table in self.ret.tables:
            layout = pt.TableLayout(table, TABLE_WIDTH, self.ret.header_breaks)
            for n, rows in enumerate(pt.paginate(layout)):
                pages.append(Page("table", table, layout, rows, continued=n > 0))
            if table.key == CHARTS_AFTER and self.ret.charts:  # as the PDF: 表7's chart page
                pages.append(Page("charts"))
        pages.append(Page("notes"))
        return pages

    def paint(self, painter: QPainter, printer: QPrinter | None = None) -> None:
        painter.setPen(QPen(QColor(0, 0, 0), pt.GRID_WIDTH * self.k))
        for n, page in enumerate(self.pages, start=1):
            if n > 1 and printer is not None:
                printer.newPage()
            getattr(self, f"_paint_{page.kind}")(painter, page)
            self._footer(painter, n)

    def _footer(self, painter: QPainter, n: int) -> None:
        painter.setFont(self.font(8))
        stamp = self.ret.generated_at.strftime("%Y-%m-%d %H:%M")
        rect = self.rect(0, self.height - 12, self.width, 12)
        self.draw(painter, rect, CENTER, f"第 {n} 页 共 {len(self.pages)} 页    生成时间：{stamp}")

    def _centred(self, painter: QPainter, text: str, top: float, size: float) -> float:
        painter.setFont(self.font(size))
        h = size * 1.6
        self.draw(painter, self.rect(0, top, self.width, h), CENTER, text)
        return top + h

    # -- cover -------------------------------------------------------------------------
    def _paint_cover(self, painter: QPainter, _page: Page) -> None:
        top = self._marks(painter)
        top = self._centred(painter, self.ret.cover.report_name, top + 10, 26)
        top = self._centred(painter, self.ret.cover.period, top + 4, 16) + 16
        painter.setFont(self.font(12))
        left, label_w, value_w, h = (self.width - 175 * pt.MM) / 2, 45 * pt.MM, 130 * pt.MM, 20
        for label, value in self.ret.cover.items():
            label_rect = self.rect(left, top, label_w, h)
            painter.fillRect(label_rect, QColor.fromRgbF(*pt.HEADER_GREY))
            painter.drawRect(label_rect)
            painter.drawRect(self.rect(left + label_w, top, value_w, h))
            self.draw(painter, self.rect(left + 3, top, label_w - 6, h), LEFT, label)
            self.draw(painter, self.rect(left + label_w + 3, top, value_w - 6, h), LEFT, value)
            top += h

    def _marks(self, painter: QPainter) -> float:
        """表号, 制定机关, 批准机关, 批准文号, 有效期至 in the top-right block."""
        if not self.ret.marks:
            return 14 * pt.MM
        painter.setFont(self.font(9))
        left, top = self.width - 82 * pt.MM, pt.FRAME_PADDING
        for label, value in self.ret.marks:
            self.draw(painter, self.rect(left, top, 20 * pt.MM, 13), LEFT, f"{label}：")
            self.draw(painter, self.rect(left + 20 * pt.MM, top, 62 * pt.MM, 13), LEFT, value)
            top += 13
        return top + 4 * pt.MM

    # -- tables ------------------------------------------------------------------------
    def _paint_table(self, painter: QPainter, page: Page) -> None:
        lay, table = page.layout, page.table
        assert lay is not None and table is not None
        x0 = pt.FRAME_PADDING + (pt.FRAME_WIDTH - lay.width) / 2
        top = pt.FRAME_PADDING
        painter.setFont(self.font(pt.TITLE_SIZE))
        title = pt.caption_title(table.title, page.continued)
        self.draw(
            painter,
            self.point(x0 + (lay.width - self.text_width(painter.font(), title)) / 2,
                       top + pt.TITLE_SIZE + 2),
            title,
        )  # fmt: skip
        info = self.ret.info_line(table)
        painter.setFont(self.font(pt.info_size(info, lay.width)))
        self.draw(painter, self.point(x0, top + pt.TITLE_HEIGHT + pt.INFO_SIZE + 2), info)
        top += pt.CAPTION_HEIGHT
        painter.setFont(self.font(pt.FONT_SIZE))
        bottom = self._header(painter, lay, x0, top)
        first_total = len(lay.rows) - lay.total_count
        for i in page.rows:
            h, items = lay.rows[i]
            if i >= first_total:
                painter.fillRect(
                    self.rect(x0, bottom, lay.width, h), QColor.fromRgbF(*pt.TOTAL_GREY)
                )
            for x, dy, text in items:
                self.draw(painter, self.point(x0 + x, bottom + h - dy), text)
            bottom += h
            painter.drawLine(self.point(x0, bottom), self.point(x0 + lay.width, bottom))
        head_bottom = top + lay.head_height
        for x in lay.x:
            painter.drawLine(self.point(x0 + x, head_bottom), self.point(x0 + x, bottom))
        if not table.rows:
            self.draw(painter, self.point(x0, bottom + 14), "（本季度无数据）")

    def _header(self, painter: QPainter, lay: pt.TableLayout, x0: float, top: float) -> float:
        painter.fillRect(
            self.rect(x0, top, lay.width, lay.head_height), QColor.fromRgbF(*pt.HEADER_GREY)
        )
        row_tops = [top]
        for h in lay.head_rows:
            row_tops.append(row_tops[-1] + h)
        for cx0, cx1, first, last, lines in lay.head_cells:
            y0, y1 = row_tops[first], row_tops[last + 1]
            painter.drawRect(self.rect(x0 + cx0, y0, cx1 - cx0, y1 - y0))
            y = (y0 + y1 - len(lines) * pt.PARA_LEADING) / 2 + pt.FONT_SIZE
            for line in lines:
                x = x0 + (cx0 + cx1 - lay.measure(line)) / 2
                self.draw(painter, self.point(x, y), line)
                y += pt.PARA_LEADING
        return top + lay.head_height

    # -- the chart page (ui/widgets/chart.py, the overview's charts) ------------------------
    def _paint_charts(self, painter: QPainter, _page: Page) -> None:
        from ylt_desktop.returns.pdf_charts import CHART_TITLE, COLUMNS, chart_info_line
        from ylt_desktop.ui.widgets.chart import LineChart

        top = self._centred(painter, CHART_TITLE, pt.FRAME_PADDING, 14)
        painter.setFont(self.font(pt.INFO_SIZE))
        self.draw(painter, self.point(0, top + pt.INFO_SIZE), chart_info_line(self.ret))
        top += pt.INFO_SIZE + 8
        charts = self.ret.charts
        rows = -(-len(charts) // COLUMNS)
        cell_w = self.width / COLUMNS
        cell_h = min((self.height - top - 20) / max(rows, 1), 70 * pt.MM)
        for i, data in enumerate(charts):
            chart = LineChart(shown(data.title), shown(data.unit))
            chart.set_data([shown(label) for label in data.labels], data.values,
                           target=data.target, target_label=shown(data.target_label))  # fmt: skip
            chart.setFixedSize(340, 210)  # drawn at screen size, scaled into its cell
            painter.save()
            x, y = (i % COLUMNS) * cell_w, top + (i // COLUMNS) * cell_h
            painter.translate(self.point(x, y))
            painter.scale((cell_w - 6) * self.k / 340, (cell_h - 6) * self.k / 210)
            chart.render(painter, QPoint())
            painter.restore()
            chart.deleteLater()

    # -- notes and signature -----------------------------------------------------------
    def _paint_notes(self, painter: QPainter, _page: Page) -> None:
        top = self._centred(painter, self.ret.notes_title, pt.FRAME_PADDING, 14)
        font = self.font(10)
        painter.setFont(font)
        metrics = QFontMetricsF(font, self.device)
        for note in self.ret.notes:
            need = (
                metrics.boundingRect(
                    self.rect(0, 0, self.width, 1000), Qt.TextFlag.TextWordWrap, shown(note)
                ).height()
                / self.k
            )
            self.draw(painter, self.rect(0, top, self.width, need), Qt.TextFlag.TextWordWrap, note)
            top += need + 6
        self._signature(painter, max(top + 10 * pt.MM, self.height - 12 - 9 * 5 * pt.MM - 8))

    def _signature(self, painter: QPainter, top: float) -> None:
        painter.setFont(self.font(12))
        line_h = 9 * pt.MM
        for i, key in enumerate(SIGNATURE_FIELDS):
            y = top + i * line_h
            self.draw(painter, self.rect(0, y, 32 * pt.MM, line_h), LEFT, f"{COVER_LABELS[key]}：")
            self.draw(
                painter,
                self.rect(32 * pt.MM, y, 70 * pt.MM, line_h),
                LEFT,
                getattr(self.ret.cover, key),
            )
            painter.drawLine(
                self.point(32 * pt.MM, y + line_h - 4), self.point(102 * pt.MM, y + line_h - 4)
            )
        size = 40 * pt.MM
        seal_left = self.width - 60 * pt.MM + 10 * pt.MM
        seal_top = top + (len(SIGNATURE_FIELDS) * line_h - size) / 2
        painter.setFont(self.font(10))
        self.draw(painter, self.rect(seal_left, seal_top - 16, size, 14), CENTER, "（盖章）")
        painter.drawRect(self.rect(seal_left, seal_top, size, size))


def print_return(ret: QuarterReturn, printer: QPrinter, family: str) -> int:
    """Paint the whole return onto ``printer``; returns the number of pages.

    Raises ``PrintFailed`` when the printer cannot start (offline, a file that cannot be
    written), instead of silently printing nothing.
    """
    painter = QPainter(printer)
    if not painter.isActive():
        raise PrintFailed("无法开始打印：打印机不可用，或输出文件无法写入。请检查打印机后重试。")
    try:
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        layout = ReturnPainter(ret, family, QRectF(0, 0, rect.width(), rect.height()), printer)
        layout.paint(painter, printer)
    finally:
        painter.end()
    return len(layout.pages)


class PrintFailed(OSError):
    """The printer refused to start; the message says so in Chinese."""


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
