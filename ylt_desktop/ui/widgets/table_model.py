"""One table-model base for every record list, and one sort/filter proxy.

A subclass only declares its columns. Models never touch widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

R = TypeVar("R")

SortRole = Qt.ItemDataRole.UserRole + 1
RecordRole = Qt.ItemDataRole.UserRole + 2
SearchRole = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: str
    value: Callable[[R], Any]
    display: Callable[[Any], str] | None = None
    align_right: bool = False
    searchable: bool = False

    def text(self, row: R) -> str:
        value = self.value(row)
        if self.display is not None:
            return self.display(value)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


def sort_key(value: Any) -> Any:
    """Values of one column compare with each other; None sorts first."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _ordered(value: Any) -> tuple[int, Any]:
    """A sort key that never compares across kinds: empty, then numbers, then text and dates."""
    if value is None or value == "":
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    if isinstance(value, dt.date):
        return (2, value.isoformat())
    return (2, str(value))


Accept = Callable[[Any, str], bool]
"""Keeps a row: called with the record and its lower-cased searchable text."""


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Holds every record, shows those the current filter accepts, in the current order.

    Filtering and sorting happen here, in Python, once per change: with 50,000 rows a
    keystroke costs one pass over the texts, where a proxy asking Python row by row (and
    comparison by comparison when sorting) was several times slower (bench/run.py).
    """

    columns: Sequence[Column[R]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all_rows: list[R] = []
        self._all_search: list[str] = []
        self._accept: Accept | None = None
        self._rows: list[R] = []
        self._search: list[str] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self._all_rows = list(rows)
        # Column by column, then joined: a third cheaper than row by row on 50,000 rows.
        texts = [list(map(c.text, self._all_rows)) for c in self.columns if c.searchable]
        if texts:
            self._all_search = [" ".join(parts).casefold() for parts in zip(*texts, strict=True)]
        else:
            self._all_search = [""] * len(self._all_rows)
        self._show()

    def apply_filter(self, accept: Accept | None) -> None:
        self._accept = accept
        self._show()

    def _show(self) -> None:
        self.beginResetModel()
        if self._accept is None:
            self._rows, self._search = self._all_rows, self._all_search
        else:
            accept = self._accept
            kept = [
                i
                for i, (r, t) in enumerate(zip(self._all_rows, self._all_search, strict=True))
                if accept(r, t)
            ]
            self._rows = [self._all_rows[i] for i in kept]
            self._search = [self._all_search[i] for i in kept]
        self.endResetModel()

    def row_record(self, row: int) -> R:
        """The record shown in ``row``."""
        return self._rows[row]

    def records(self) -> list[R]:
        """Every record held, shown or filtered out."""
        return self._all_rows

    def total_count(self) -> int:
        return len(self._all_rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        value = self.columns[column].value
        keyed = sorted(
            zip(self._all_rows, self._all_search, strict=True),
            key=lambda pair: _ordered(value(pair[0])),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        self._all_rows = [row for row, _ in keyed]
        self._all_search = [text for _, text in keyed]
        self._show()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SortRole:
            return sort_key(column.value(row))
        if role == RecordRole:
            return row
        if role == SearchRole:
            return self._search[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            # Headers are marked QT_TRANSLATE_NOOP("Column", ...) where the columns are declared.
            return QCoreApplication.translate("Column", self.columns[section].header)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None


class RecordFilterProxy(QSortFilterProxyModel):
    """The view's model: hands sorting and filtering to the RecordTableModel below it.

    It keeps the typed words; subclasses add conditions with ``accepts(record)`` and say
    when they have any with ``has_conditions()``. Pages map rows with ``mapToSource``.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source model sorts itself; the proxy keeps its order.
        self.sourceModel().sort(column, order)

    def refilter(self, change: Callable[[], None] | None = None) -> None:
        """Apply a change of the filter state (``change`` updates the attributes)."""
        if change is not None:
            change()
        words, conditions = self._words, self.has_conditions()
        if not words and not conditions:
            accept = None
        elif not conditions:

            def accept(_record: Any, text: str) -> bool:
                return all(w in text for w in words)

        else:

            def accept(record: Any, text: str) -> bool:
                return all(w in text for w in words) and self.accepts(record)

        self.sourceModel().apply_filter(accept)

    def set_search(self, text: str) -> None:
        self.refilter(lambda: setattr(self, "_words", text.casefold().split()))

    def has_conditions(self) -> bool:
        return False

    def accepts(self, record: Any) -> bool:
        """Extra conditions of a subclass; the typed words are checked before."""
        return True
