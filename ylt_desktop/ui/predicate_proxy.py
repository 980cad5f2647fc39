"""The shared sort/filter proxy with named record predicates on top of the word search.

A page sets one predicate per filter widget (``set_predicate("direction", fn)``); a row stays
when the typed words match and every predicate accepts its record. ``None`` removes a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel

from ylt_desktop.ui.table_model import RecordFilterProxy, RecordRole

Predicate = Callable[[Any], bool]


class PredicateFilterProxy(RecordFilterProxy):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._predicates: dict[str, Predicate] = {}

    def set_predicate(self, name: str, predicate: Predicate | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+, where invalidateRowsFilter is deprecated
            self.beginFilterChange()
        if predicate is None:
            self._predicates.pop(name, None)
        else:
            self._predicates[name] = predicate
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Any) -> bool:  # noqa: N802
        if not super().filterAcceptsRow(source_row, source_parent):
            return False
        if not self._predicates:
            return True
        model = self.sourceModel()
        record = model.data(model.index(source_row, 0, source_parent), RecordRole)
        return all(accept(record) for accept in self._predicates.values())
