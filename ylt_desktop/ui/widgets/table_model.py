"""One table-model base for every record list, and one sort/filter proxy.

A subclass only declares its columns. Models never touch widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import contains
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from ylt_desktop.collector import paused
from ylt_desktop.ui.widgets.row_index import (
    ColumnOrder,
    WordIndex,
    column_order,
    extends,
    reversed_groups,
    row_marks,
    sort_keys,
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


Condition = Callable[[Any], bool]
"""Keeps a row: called with the record (the filters other than the typed words)."""


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """Holds every record, shows those the current filter accepts, in the current order.

    Filtering and sorting happen here, once per change, in loops that run in C where they
    can: a keystroke tests the typed word against one prepared lower-cased search text per
    row, and only against the rows the previous text kept when the new text extends it (the
    clerk typing one more character); a sort orders row numbers by a column's keys, computed
    once per column and load. A proxy asking Python row by row was several times slower.
    """

    columns: Sequence[Column[R]] = ()

    loaded = Signal()
    """The last part of a list given in parts (``set_rows(..., more=...)``) was added."""
    sort_dropped = Signal()
    """The rows are shown in the list's own order again (read again, or the values sorted
    by changed): a view's sort mark goes with the sort."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all_rows: list[R] = []
        self._all_search: list[str] = []
        self._index = WordIndex(0)
        self._recent: dict[tuple[str, ...], Sequence[int]] = {}  # words -> rows shown
        self._keys: dict[int, list[Any]] = {}  # sort keys per column, in the rows' order
        self._orders: dict[int, ColumnOrder] = {}  # per column, computed on its first sort
        self._order: Sequence[int] = range(0)  # every row, in the order shown
        # The column whose equal keys the order shown keeps in row-number order (-1: every
        # column's, the rows as read; None: not known): sorting by it needs no sort.
        self._ties_in_row_order: int | None = -1
        self._sorted_by: tuple[int, bool] | None = None  # the last sort's column, descending
        self._words: tuple[str, ...] = ()
        self._condition: Condition | None = None
        self._passing: Sequence[int] = range(0)  # rows the condition keeps
        self._shown: Sequence[int] = range(0)  # rows shown: indexes into _all_rows
        self._more: Iterator[Sequence[R]] | None = None
        self._total: int | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._load_part)

    def set_rows(
        self,
        rows: Sequence[R],
        more: Iterator[Sequence[R]] | None = None,
        total: int | None = None,
    ) -> None:
        """Hold ``rows``, filtered and shown as the current filter says. A long list may come
        in parts: ``rows`` fill the first screen at once and ``more`` yields the rest, one
        part each time the event loop is idle (``loading()`` until then; anything that needs
        every row calls ``fetch_rest``). ``total`` is the whole list's count meanwhile."""
        was_sorted = self._sorted_by
        self._all_rows = list(rows)
        self._keys, self._orders, self._recent = {}, {}, {}
        self._index = WordIndex(sum(1 for c in self.columns if c.searchable))
        self._order = range(len(self._all_rows))
        self._ties_in_row_order, self._sorted_by = -1, None
        self._all_search = self._search_texts(self._all_rows)
        self._passing = self._pass(self._condition)
        self._more, self._total = more, total
        self._show(self._find(self._words, self._passing))
        self._sort_gone(was_sorted)
        if more is not None:
            self._timer.start()

    def _sort_gone(self, was_sorted: tuple[int, bool] | None) -> None:
        """Say so when a sort held before is let go (``sort_dropped``)."""
        if was_sorted is not None and self._sorted_by is None:
            self.sort_dropped.emit()

    def _search_texts(self, rows: list[R]) -> list[str]:
        # Column by column, then joined: a third cheaper than row by row on 50,000 rows.
        texts = [list(map(c.text, rows)) for c in self.columns if c.searchable]
        self._index.add(texts)
        if not texts:
            return [""] * len(rows)
        return [" ".join(parts).casefold() for parts in zip(*texts, strict=True)]

    def loading(self) -> bool:
        """Parts of the list are still to come."""
        return self._more is not None

    def fetch_rest(self) -> None:
        """Add every part still to come now (a sort, or finding one record, needs them all)."""
        while self._more is not None:
            self._load_part(again=False)

    def _load_part(self, again: bool = True) -> None:
        more = self._more
        if more is None:
            return
        with paused():  # the part's rows live as long as the list: no collection meanwhile
            rows = next(more, None)
            if rows is not None:
                self._append(list(rows))
        if rows is None:
            self._more = self._total = None
            self.loaded.emit()
            return
        if again:
            self._timer.start()

    def _append(self, rows: list[R]) -> None:
        """Add rows at the end, shown where the current filter keeps them."""
        if not rows:
            return
        first = len(self._all_rows)
        self._all_rows.extend(rows)
        self._all_search.extend(self._search_texts(rows))
        self._keys, self._orders, self._recent = {}, {}, {}
        n = len(self._all_rows)
        added = range(first, n)
        self._order = range(n) if isinstance(self._order, range) else [*self._order, *added]
        if not isinstance(self._order, range):
            self._ties_in_row_order, self._sorted_by = None, None
        if self._condition is None:
            passing: Sequence[int] = added
            self._passing = self._order
        else:
            passing = list(compress(added, map(self._condition, rows)))
            self._passing = [*self._passing, *passing]
        new = self._find(self._words, passing)
        if not new:
            return
        count = len(self._shown)
        self.beginInsertRows(QModelIndex(), count, count + len(new) - 1)
        if isinstance(self._shown, range) and isinstance(new, range) and count == first:
            self._shown = range(n)
        else:
            self._shown = [*self._shown, *new]
        self.endInsertRows()

    def apply_filter(self, words: Sequence[str] = (), condition: Condition | None = None) -> None:
        """Show the rows whose search text holds every one of ``words`` (lower-cased) and
        that ``condition`` keeps. A new ``condition`` object is tested on every row; the
        same one is not tested again."""
        words = tuple(words)
        if condition is not self._condition:
            self._condition = condition
            self._passing = self._pass(condition)
            self._recent = {}
            base, todo = self._passing, words
        elif words in self._recent:  # typed before (a backspace): shown again as it was
            self._words = words
            self._show(self._recent[words])
            return
        elif extends(words, self._words):
            base, todo = self._shown, tuple(w for w in words if w not in self._words)
        else:
            base, todo = self._passing, words
        self._words = words
        shown = self._find(todo, base)
        if len(self._recent) >= 32:
            self._recent = {}
        self._recent[words] = shown
        self._show(shown)

    def _pass(self, condition: Condition | None) -> Sequence[int]:
        """The rows ``condition`` keeps, in the order shown."""
        order = self._order
        if condition is None:
            return order
        if isinstance(order, range):
            return list(compress(order, map(condition, self._all_rows)))
        return list(compress(order, map(condition, map(self._all_rows.__getitem__, order))))

    def _find(self, words: Sequence[str], base: Sequence[int]) -> Sequence[int]:
        texts = self._all_search
        n = len(texts)
        for word in words:
            whole = isinstance(base, range) and len(base) == n
            if 2 * len(base) >= n:  # many rows to test: each distinct column text instead
                marks = self._index.find(word)
                if marks is None:
                    continue
                if whole:
                    base = list(compress(base, marks))
                else:
                    base = list(compress(base, map(marks.__getitem__, base)))
            elif whole:
                base = list(compress(base, map(contains, texts, repeat(word))))
            else:
                base = list(compress(base, map(contains, map(texts.__getitem__, base),
                                               repeat(word))))  # fmt: skip
        return base

    def _show(self, shown: Sequence[int]) -> None:
        self.beginResetModel()
        self._shown = shown
        self.endResetModel()

    def row_record(self, row: int) -> R:
        """The record shown in ``row``."""
        return self._all_rows[self._shown[row]]

    def records(self) -> list[R]:
        """Every record held, shown or filtered out, in the order shown."""
        if isinstance(self._order, range):
            return self._all_rows
        return list(map(self._all_rows.__getitem__, self._order))

    def total_count(self) -> int:
        """Every record held (while parts are still to come, the whole list's count)."""
        if self._more is not None and self._total is not None:
            return max(self._total, len(self._all_rows))
        return len(self._all_rows)

    def column_keys(self, column: int) -> list[Any]:
        """The sort keys of ``column``, one per record as held (computed once per load)."""
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = sort_keys(
                list(map(self.columns[column].value, self._all_rows))
            )
        return keys

    def column_order(self, column: int) -> ColumnOrder:
        """Every row number in ``column``'s order, ascending and descending, equal keys in
        row-number order (one n log n sort per column and load, kept for later clicks)."""
        order = self._orders.get(column)
        if order is None:
            order = self._orders[column] = column_order(self.column_keys(column))
        return order

    def sort(self, column: int, how: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self.fetch_rest()
        n = len(self._all_rows)
        fresh = column not in self._orders
        orders = self.column_order(column)
        descending = how == Qt.SortOrder.DescendingOrder
        # Stable, like sorting the rows themselves: equal keys keep their current order. The
        # rows stay where they are; only the order shown (row numbers) is sorted.
        if self._ties_in_row_order in (-1, column):
            # Equal keys are in row-number order now: the kept order is the stable sort.
            order: Sequence[int] = orders.descending if descending else orders.ascending
            self._ties_in_row_order = column
        elif self._sorted_by == (column, descending):
            order = self._order  # sorted so already
        elif self._sorted_by == (column, not descending):
            order = reversed_groups(self._order, orders.ranks)
        else:
            order = sorted(self._order, key=orders.ranks.__getitem__, reverse=descending)
            self._ties_in_row_order = None
        self._sorted_by = (column, descending)
        if fresh:  # the other way, once the event loop is idle: ready for the next click
            QTimer.singleShot(0, self, lambda: orders.descending)

        def in_order(kept: Sequence[int]) -> Sequence[int]:
            if len(kept) == n:
                return order
            marks = row_marks(n, kept)
            return list(compress(order, map(marks.__getitem__, order)))

        self._order, self._recent = order, {}
        self._passing = in_order(self._passing)
        self._show(in_order(self._shown))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.row_record(index.row()), self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == SortRole:
            return sort_key(column.value(row))
        if role == RecordRole:
            return row
        if role == SearchRole:
            return self._all_search[self._shown[index.row()]]
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
