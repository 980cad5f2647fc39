"""The rotation dialog's per-quarter grid: rows = quarters, columns = days and volumes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIntValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem
from ylt_desktop.domain.rotation import VOLUME_LABELS, QuarterFigures, default_days, split_quarters
from ylt_desktop.ui.widgets.half_width import fold_full_width

GRID_FIELDS: tuple[str, ...] = ("days", *VOLUME_LABELS)
GRID_HEADERS: tuple[str, ...] = ("工作天数", *VOLUME_LABELS.values())
LOCKED_BRUSH = QBrush(QColor("#8a8a8a"))
DEFAULT_BRUSH = QBrush(QColor("#777777"))
ERROR_BRUSH = QBrush(QColor("#f8d7da"))


class _CountDelegate(QStyledItemDelegate):
    """Cells take non-negative whole numbers only."""

    def createEditor(self, parent, option, index):  # noqa: ANN001, ANN201, N802
        editor = QLineEdit(parent)
        editor.setValidator(QIntValidator(0, 999999, editor))
        fold_full_width(editor)  # １２ typed in 全角 mode is 12
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return editor


class QuarterGrid(QObject):
    """Rows = the quarters a rotation touches up to today's; columns = days and volumes.

    Entered numbers are kept per quarter while the dates move; full-time forms show their
    default days in grey until the clerk types another number.
    """

    changed = Signal()

    def __init__(self, table: QTableWidget) -> None:
        super().__init__(table)
        self.table = table
        table.setColumnCount(len(GRID_FIELDS))
        table.setHorizontalHeaderLabels(list(GRID_HEADERS))
        table.setItemDelegate(_CountDelegate(table))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        table.itemChanged.connect(self._item_changed)
        self.entered: dict[str, dict[str, int]] = {}
        self.locked: set[str] = set()  # quarters submitted: their cells cannot be edited
        self.rows: list[tuple[Quarter, int]] = []
        self.form = ""
        self.start: dt.date | None = None
        self.end: dt.date | None = None

    def load(self, quarters: dict[str, QuarterFigures]) -> None:
        self.entered = {}
        for key, f in quarters.items():
            values = {attr: getattr(f, attr) for attr in GRID_FIELDS}
            self.entered[key] = {k: v for k, v in values.items() if v not in (None, 0)}

    def set_span(self, form: str, start: dt.date, end: dt.date | None, today: dt.date) -> None:
        self.form, self.start, self.end = form, start, end
        rows = [
            (q, cal) for q, cal in split_quarters(start, end, today=today) if q.first_day <= today
        ]
        self.rows = rows if end is None or end >= start else []
        self._render()

    def _default(self, quarter: Quarter) -> int | None:
        if self.start is None:
            return None
        return default_days(self.form, self.start, self.end, quarter)

    def _render(self) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        self.table.setVerticalHeaderLabels([f"{q.label}（{cal}天）" for q, cal in self.rows])
        for r, (quarter, _) in enumerate(self.rows):
            entered = self.entered.get(str(quarter), {})
            for c, attr in enumerate(GRID_FIELDS):
                item = QTableWidgetItem()
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value = entered.get(attr)
                if value is None and attr == "days" and self._default(quarter) is not None:
                    item.setText(str(self._default(quarter)))
                    item.setForeground(DEFAULT_BRUSH)
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                    item.setToolTip("默认：本季度内的日历天数")
                elif value is not None:
                    item.setText(str(value))
                if str(quarter) in self.locked:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setForeground(LOCKED_BRUSH)
                    item.setToolTip("该季度已报送并锁定")
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        quarter, _ = self.rows[item.row()]
        attr = GRID_FIELDS[item.column()]
        text = item.text().strip()
        entered = self.entered.setdefault(str(quarter), {})
        if text.isdigit():
            entered[attr] = int(text)
        else:
            entered.pop(attr, None)
        self._render()
        self.changed.emit()

    def figures(self) -> dict[str, QuarterFigures]:
        result = {}
        for quarter, _ in self.rows:
            entered = self.entered.get(str(quarter), {})
            volumes = {attr: entered.get(attr, 0) for attr in VOLUME_LABELS}
            result[str(quarter)] = QuarterFigures(days=entered.get("days"), **volumes)
        return result

    def mark(self, problems: list[Problem]) -> None:
        """Tint the cells (or whole rows) that problems point at."""
        bad = {p.field for p in problems if p.is_error and p.field.startswith("quarters.")}
        self.table.blockSignals(True)
        for r, (quarter, _) in enumerate(self.rows):
            row_bad = f"quarters.{quarter}" in bad
            for c, attr in enumerate(GRID_FIELDS):
                item = self.table.item(r, c)
                if item is not None:
                    hit = row_bad or f"quarters.{quarter}.{attr}" in bad
                    item.setBackground(ERROR_BRUSH if hit else QBrush())
        self.table.blockSignals(False)
