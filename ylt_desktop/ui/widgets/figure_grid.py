"""A spreadsheet-like grid of whole numbers: rows (members, or the county) × figures.

``FigureGridModel`` keeps what was typed per cell (a number, or the text that is not one, so
the clerk sees and fixes it), checks each row with a rule function after every change and
shows each problem on its cell (colour and tooltip). ``FigureGridView`` adds Ctrl+V: a block
copied from Excel (tab-separated lines) is pasted from the current cell, and Delete clears the
selected cells. The model emits ``edited(rows)`` after each change, one signal per paste.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QTableView

from ylt_desktop.domain.figures import FigureField
from ylt_desktop.domain.problems import Problem

ERROR_CELL = QColor("#f8d7da")
WARNING_CELL = QColor("#fff3cd")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－，", "0123456789-,")
_INT = re.compile(r"-?\d+")
_Index = QModelIndex | QPersistentModelIndex
_TEXT_ROLES = (int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole))
_RIGHT_ROLE = int(Qt.ItemDataRole.TextAlignmentRole)
_BACKGROUND_ROLE = int(Qt.ItemDataRole.BackgroundRole)
_ROLES = frozenset((*_TEXT_ROLES, _RIGHT_ROLE, _BACKGROUND_ROLE, int(Qt.ItemDataRole.ToolTipRole)))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
Checker = Callable[[int, dict[str, Any]], list[Problem]]
"""(row, {figure: typed value}) → the row's problems (``field`` = the figure's key)."""


def parse_cell(text: str) -> int | str | None:
    """ "" → None; "12,000" / "１２０００" / "12000.0" → 12000; anything else stays text."""
    raw = (text or "").strip().translate(_FULL_WIDTH).replace(",", "").replace(" ", "")
    if not raw:
        return None
    if raw.endswith(".0") or raw.endswith(".00"):
        raw = raw.split(".")[0]
    return int(raw) if _INT.fullmatch(raw) else (text or "").strip()


class FigureGridModel(QAbstractTableModel):
    edited = Signal(list)  # the rows changed by one edit or one paste

    def __init__(
        self,
        fields: Sequence[FigureField],
        row_labels: Sequence[str],
        check: Checker,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.fields = list(fields)
        self.row_labels = list(row_labels)
        self.check = check
        self.cells: list[dict[str, Any]] = [{} for _ in self.row_labels]
        self.problems: dict[tuple[int, str], Problem] = {}
        self.read_only = False

    # --- contents ------------------------------------------------------------------

    def set_rows(self, row_labels: Sequence[str], values: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.row_labels = list(row_labels)
        self.cells = [dict(v) for v in values]
        self.problems = {}
        for row in range(len(self.cells)):
            self._check_row(row)
        self.endResetModel()

    def row_values(self, row: int) -> dict[str, Any]:
        return {f.key: self.cells[row].get(f.key) for f in self.fields}

    def row_has_errors(self, row: int) -> bool:
        return any(p.is_error for (r, _k), p in self.problems.items() if r == row)

    def set_problems(self, row: int, problems: list[Problem]) -> None:
        """Show ``problems`` on ``row`` (replacing what the row showed)."""
        for key in [k for k in self.problems if k[0] == row]:
            del self.problems[key]
        keys = {f.key for f in self.fields}
        for p in problems:
            key = p.field if p.field in keys else self.fields[0].key
            if (row, key) not in self.problems or p.is_error:
                self.problems[(row, key)] = p
        self._changed_rows([row])

    def _check_row(self, row: int) -> None:
        found = self.check(row, self.row_values(row))
        keys = {f.key for f in self.fields}
        for key in [k for k in self.problems if k[0] == row]:
            del self.problems[key]
        for p in found:
            key = p.field if p.field in keys else self.fields[0].key
            if (row, key) not in self.problems or p.is_error:
                self.problems[(row, key)] = p

    def _changed_rows(self, rows: list[int]) -> None:
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.fields) - 1))

    # --- Qt model ------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.row_labels)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.fields)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.fields[section].label
        return self.row_labels[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every cell painted or measured: the roles answered are
        # tested first, with plain ints (an enum operation per call cost more than the rest).
        role = int(role)
        if role not in _ROLES or not index.isValid():
            return None
        if role == _RIGHT_ROLE:
            return _RIGHT
        key = self.fields[index.column()].key
        if role in _TEXT_ROLES:
            value = self.cells[index.row()].get(key)
            return "" if value is None else str(value)
        problem = self.problems.get((index.row(), key))
        if problem is None:
            return None
        if role == _BACKGROUND_ROLE:
            return QBrush(ERROR_CELL if problem.is_error else WARNING_CELL)
        return problem.message  # the tooltip

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.read_only:
            return False
        return bool(self.put_block(index.row(), index.column(), [[str(value or "")]]))

    def put_block(self, row: int, col: int, block: list[list[str]]) -> list[int]:
        """Write ``block`` from (row, col); cells beyond the grid are left out. The rows
        changed, each checked once, and one ``edited`` signal."""
        changed: list[int] = []
        for dr, line in enumerate(block):
            r = row + dr
            if r >= len(self.cells):
                break
            for dc, text in enumerate(line):
                c = col + dc
                if c >= len(self.fields):
                    break
                self.cells[r][self.fields[c].key] = parse_cell(text)
            changed.append(r)
        for r in changed:
            self._check_row(r)
        if changed:
            self._changed_rows(changed)
            self.edited.emit(changed)
        return changed


def parse_block(text: str) -> list[list[str]]:
    """Lines of tab-separated cells, as Excel puts them on the clipboard."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.split("\t") for line in lines]


class FigureGridView(QTableView):
    """A table view that pastes tab-separated blocks (Ctrl+V) and clears cells (Delete)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )

    def keyPressEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        model = self.model()
        if isinstance(model, FigureGridModel) and not model.read_only:
            if event.matches(QKeySequence.StandardKey.Paste):
                self.paste(QGuiApplication.clipboard().text())
                return
            editing = self.state() == QAbstractItemView.State.EditingState
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not editing:
                self.clear_selection_cells()
                return
        super().keyPressEvent(event)

    def paste(self, text: str) -> list[int]:
        """Paste ``text`` from the current cell; a block that does not fit there is refused
        whole, saying so (pasting the part that fits would drop the rest unseen)."""
        model = self.model()
        index = self.currentIndex()
        if not isinstance(model, FigureGridModel) or not index.isValid() or not text:
            return []
        block = parse_block(text)
        rows, cols = len(block), max((len(line) for line in block), default=0)
        room_rows = model.rowCount() - index.row()
        room_cols = model.columnCount() - index.column()
        if rows > room_rows or cols > room_cols:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(
                self,
                self.tr("没有粘贴"),
                self.tr(
                    "复制的内容有 %1 行 × %2 列，从所选单元格起表格只有 %3 行 × %4 列，"
                    "放不下：没有粘贴。请选中能放下整块内容的起始单元格后再粘贴。"
                )
                .replace("%1", str(rows))
                .replace("%2", str(cols))
                .replace("%3", str(room_rows))
                .replace("%4", str(room_cols)),
            )
            return []
        return model.put_block(index.row(), index.column(), block)

    def clear_selection_cells(self) -> None:
        model = self.model()
        ranges = self.selectionModel().selection()
        for rng in ranges:
            rows = rng.bottom() - rng.top() + 1
            cols = rng.right() - rng.left() + 1
            model.put_block(rng.top(), rng.left(), [[""] * cols for _ in range(rows)])
