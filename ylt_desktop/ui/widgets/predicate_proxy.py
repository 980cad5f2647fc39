"""The shared sort/filter proxy with named record predicates on top of the word search.

A page sets one predicate per filter widget (``set_predicate("direction", fn)``); a row stays
when the typed words match and every predicate accepts its record. ``None`` removes a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ylt_desktop.ui.widgets.table_model import RecordFilterProxy

Predicate = Callable[[Any], bool]


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
