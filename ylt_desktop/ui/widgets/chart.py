"""A small line chart drawn with QPainter: one indicator over quarters against its target.

QtCharts would need PySide6-Addons (+400 MB in the installer, PLATFORM.md); this widget needs
nothing beyond QtGui. A missing value leaves a gap in the line (never a point at 0); the
target is a dashed horizontal line with its label.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

LINE = QColor("#1f5fa8")
TARGET = QColor("#c0392b")
GRID = QColor("#dddddd")
TEXT = QColor("#333333")


def nice_max(value: float) -> float:
    """A round upper bound for the axis (1, 2, 2.5, 5 × a power of ten) at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


class LineChart(QWidget):
    """``set_data(labels, values, target=…)``; ``values`` may hold None (a gap)."""

    def __init__(self, title: str = "", unit: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title, self.unit = title, unit
        self.labels: list[str] = []
        self.values: list[float | None] = []
        self.target: float | None = None
        self.target_label = ""
        self.setMinimumWidth(260)
        self.setFixedHeight(210)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(340, 200)

    def set_data(
        self,
        labels: list[str],
        values: list[float | None],
        *,
        target: float | None = None,
        target_label: str = "",
    ) -> None:
        self.labels, self.values = list(labels), list(values)
        self.target, self.target_label = target, target_label
        self.update()

    def points(self, plot: QRectF) -> list[QPointF | None]:
        """Where each value is drawn inside ``plot`` (None for a missing value)."""
        n = len(self.values)
        out: list[QPointF | None] = []
        for i, v in enumerate(self.values):
            if v is None:
                out.append(None)
                continue
            x = plot.left() + (plot.width() * (i + 0.5) / n if n else 0)
            out.append(QPointF(x, self._y(plot, v)))
        return out

    def _y(self, plot: QRectF, value: float) -> float:
        """Where ``value`` is on the value axis (its bottom may lie below 0: a falling growth)."""
        ticks = self.ticks()
        bottom, top = ticks[0], ticks[-1]
        return plot.bottom() - plot.height() * (value - bottom) / (top - bottom)

    def ticks(self) -> list[float]:
        """The value axis's ticks, as the PDF's chart has them (a count's are whole numbers)."""
        from ylt_desktop.returns.pdf_charts import axis_ticks

        return axis_ticks(self.values, self.target, self.unit)

    def axis_max(self) -> float:
        return self.ticks()[-1]

    def paintEvent(self, _event) -> None:  # noqa: ANN001, N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        p.setPen(TEXT)
        bold = QFont(font)
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.title)
        p.setFont(font)
        plot = QRectF(48, 30, max(10, self.width() - 60), max(10, self.height() - 58))
        self._axes(p, plot)
        self._target(p, plot)
        self._line(p, plot)
        p.end()

    def _axes(self, p: QPainter, plot: QRectF) -> None:
        ticks = self.ticks()
        for value in ticks:
            y = self._y(plot, value)
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(TEXT)
            text = f"{value:g}{'%' if self.unit == '%' else ''}"
            p.drawText(QRectF(0, y - 8, plot.left() - 4, 16), Qt.AlignmentFlag.AlignRight, text)
        n = len(self.labels)
        step = 1 if n <= 8 or plot.width() / n > 40 else 2
        for i, label in enumerate(self.labels):
            if i % step:
                continue
            x = plot.left() + plot.width() * (i + 0.5) / n
            rect = QRectF(x - 30, plot.bottom() + 4, 60, 16)
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter, label)

    def _target(self, p: QPainter, plot: QRectF) -> None:
        if self.target is None:
            return
        y = self._y(plot, self.target)
        p.setPen(QPen(TARGET, 1.5, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.drawText(QRectF(plot.left() + 4, y - 16, plot.width() - 8, 14),
                   Qt.AlignmentFlag.AlignRight, self.target_label)  # fmt: skip

    def _line(self, p: QPainter, plot: QRectF) -> None:
        pts = self.points(plot)
        p.setPen(QPen(LINE, 2))
        path = QPainterPath()
        pen_down = False
        for pt in pts:
            if pt is None:
                pen_down = False
                continue
            if pen_down:
                path.lineTo(pt)
            else:
                path.moveTo(pt)
                pen_down = True
        p.drawPath(path)
        p.setBrush(LINE)
        for pt in pts:
            if pt is not None:
                p.drawEllipse(pt, 3, 3)
        if not any(pt is not None for pt in pts):
            p.setPen(TEXT)
            p.drawText(plot, Qt.AlignmentFlag.AlignCenter, self.tr("—（数据不全）"))
