"""The lists' proxies: the view's model over a RecordTableModel (``RecordFilterProxy``), and
the shared one with named record predicates on top of the word search.

A page sets one predicate per filter widget (``set_predicate("direction", fn)``); a row stays
when the typed words match and every predicate accepts its record. ``None`` removes a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QIdentityProxyModel, Qt

from ylt_desktop.ui.widgets.table_model import Condition

Predicate = Callable[[Any], bool]


class Accepts:
    """A proxy's conditions on a record, as the model is given them (a new object for each
    change); ``parts`` are the conditions one by one."""

    def __init__(self, proxy: RecordFilterProxy) -> None:
        self._accepts = proxy.accepts
        self.parts = proxy.condition_parts()

    def __call__(self, record: Any) -> bool:
        return self._accepts(record)


class RecordFilterProxy(QIdentityProxyModel):
    """The view's model: hands sorting and filtering to the RecordTableModel below it.

    It keeps the typed words; subclasses add conditions with ``accepts(record)`` and say
    when they have any with ``has_conditions()``. Pages map rows with ``mapToSource``.

    An identity proxy: the rows below are already the rows shown, in order. A
    QSortFilterProxyModel, which it was, built its own map of every row again after each
    reset, ~13 ms of each keystroke on 500,000 rotations (bench/lists.py).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._condition: Condition | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source model sorts itself; the proxy keeps its order.
        self.sourceModel().sort(column, order)

    def refilter(self, change: Callable[[], None] | None = None) -> None:
        """Apply a change of the conditions (``change`` updates the attributes): every row
        is tested again. Typing goes through ``set_search``, which tests only words."""
        if change is not None:
            change()
        if self.has_conditions():
            self._condition = Accepts(self)
        else:
            self._condition = None
        self._apply()

    def set_search(self, text: str) -> None:
        self._words = text.casefold().split()
        self._apply()

    def _apply(self) -> None:
        self.sourceModel().apply_filter(self._words, self._condition)

    def has_conditions(self) -> bool:
        return False

    def condition_parts(self) -> tuple[Any, ...]:
        """The conditions one by one (a model holding columns may test them on columns)."""
        return ()

    def accepts(self, record: Any) -> bool:
        """Extra conditions of a subclass; the typed words are checked before."""
        return True


class PredicateFilterProxy(RecordFilterProxy):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._predicates: dict[str, Predicate] = {}

    def set_predicate(self, name: str, predicate: Predicate | None) -> None:
        def change() -> None:
            if predicate is None:
                self._predicates.pop(name, None)
            else:
                self._predicates[name] = predicate

        self.refilter(change)

    def has_conditions(self) -> bool:
        return bool(self._predicates)

    def condition_parts(self) -> tuple[Predicate, ...]:
        return tuple(self._predicates.values())

    def accepts(self, record: Any) -> bool:
        return all(accept(record) for accept in self._predicates.values())
