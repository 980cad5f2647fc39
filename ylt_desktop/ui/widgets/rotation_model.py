"""The 人员流动 list's model over columns (``store.rotation_columns``), not one object per row.

It is a ``RecordTableModel`` whose rows are the columns' row numbers: a row's record
(``RotationRow``) is made only when it is shown or chosen; the search index, the sort keys and
the filters work on the columns' codes. The first rotations of the list come at once (through
the start index); the whole list is then read in steps while the program is idle and takes
their place in one change, the rows shown so far kept where they are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import and_, eq, or_
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex

from ylt_desktop.collector import paused
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.tiers import purpose
from ylt_desktop.store.rotation_columns import RotationColumns
from ylt_desktop.store.rotation_list import RotationListRow
from ylt_desktop.ui.widgets.row_index import WordIndex, sort_keys
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel


@dataclass(frozen=True, slots=True)
class RotationRow:
    """A rotation with the figures shown: one quarter's when a quarter is chosen, else all."""

    rotation: RotationListRow
    days: int | None
    outpatient: int


def _end_text(value: dt.date | None) -> str:
    return value.isoformat() if value else "进行中"


COLUMNS: tuple[Column[RotationRow], ...] = (
    Column(QT_TRANSLATE_NOOP("Column", "姓名"), lambda r: r.rotation.staff_name, searchable=True),
    Column(
        QT_TRANSLATE_NOOP("Column", "证件号码"), lambda r: r.rotation.id_masked, searchable=True
    ),
    Column(QT_TRANSLATE_NOOP("Column", "职称"), lambda r: r.rotation.title, searchable=True),
    Column(
        QT_TRANSLATE_NOOP("Column", "派出单位"), lambda r: r.rotation.from_name, searchable=True
    ),
    Column(QT_TRANSLATE_NOOP("Column", "接收单位"), lambda r: r.rotation.to_name, searchable=True),
    Column(QT_TRANSLATE_NOOP("Column", "流动方向"), lambda r: r.rotation.direction),
    Column(QT_TRANSLATE_NOOP("Column", "流动形式"), lambda r: r.rotation.form),
    Column(QT_TRANSLATE_NOOP("Column", "流动性质"), lambda r: r.rotation.purpose),
    Column(QT_TRANSLATE_NOOP("Column", "开始日期"), lambda r: r.rotation.start),
    Column(QT_TRANSLATE_NOOP("Column", "结束日期"), lambda r: r.rotation.end, _end_text),
    Column(QT_TRANSLATE_NOOP("Column", "工作天数"), lambda r: r.days, align_right=True),
    Column(QT_TRANSLATE_NOOP("Column", "门急诊人次"), lambda r: r.outpatient, align_right=True),
    Column(QT_TRANSLATE_NOOP("Column", "备注"), lambda r: r.rotation.note, searchable=True),
)
DAYS, OUTPATIENT = 10, 11


class RowTest:
    """A filter of the list: a test of a record, and the same test over the columns (one
    mark per row number), which the model uses."""

    def __init__(
        self, on_record: Callable[[RotationRow], bool], on_columns: Callable[[Any], bytes]
    ) -> None:
        self._on_record = on_record
        self.marks = on_columns

    def __call__(self, record: RotationRow) -> bool:
        return self._on_record(record)


def direction_test(value: str) -> RowTest:
    return _value_test("direction", value, lambda r: r.rotation.direction == value)


def form_test(value: str) -> RowTest:
    return _value_test("form", value, lambda r: r.rotation.form == value)


def _value_test(name: str, value: str, on_record: Callable[[RotationRow], bool]) -> RowTest:
    def on_columns(cols: RotationColumns) -> bytes:
        codes = [i for i, v in enumerate(cols.values) if v == value and isinstance(v, str)]
        if not codes:
            return bytes(len(cols))
        return bytes(map(eq, getattr(cols, name), repeat(codes[0])))

    return RowTest(on_record, on_columns)


def institution_test(unit_id: int) -> RowTest:
    def on_columns(cols: RotationColumns) -> bytes:
        code = cols.unit_code(unit_id)
        if code is None:
            return bytes(len(cols))
        return bytes(map(or_, map(eq, cols.giver, repeat(code)),
                          map(eq, cols.taker, repeat(code))))  # fmt: skip

    return RowTest(lambda r: unit_id in (r.rotation.from_id, r.rotation.to_id), on_columns)


def quarter_test(quarter: Quarter) -> RowTest:
    """Rotations with a day inside ``quarter``."""
    first, last = quarter.first_day, quarter.last_day

    def on_columns(cols: RotationColumns) -> bytes:
        dates = [isinstance(v, dt.date) for v in cols.values]
        starts = bytes(d and v <= last for d, v in zip(dates, cols.values, strict=True))
        ends = bytes(v is None or (d and v >= first) for d, v in zip(dates, cols.values,
                                                                      strict=True))  # fmt: skip
        return bytes(map(and_, map(starts.__getitem__, cols.start),
                          map(ends.__getitem__, cols.end)))  # fmt: skip

    def on_record(r: RotationRow) -> bool:
        rot = r.rotation
        return rot.start <= last and (rot.end is None or rot.end >= first)

    return RowTest(on_record, on_columns)


class _Records(Sequence[RotationRow]):
    """Row number -> its record, made when asked for (the last few kept)."""

    def __init__(self, model: RotationColumnsModel, cols: RotationColumns) -> None:
        self._model, self._cols = model, cols
        self._made: dict[int, RotationRow] = {}

    def __len__(self) -> int:
        return len(self._cols)

    def __getitem__(self, i: int) -> RotationRow:  # type: ignore[override]
        made = self._made.get(i)
        if made is None:
            if len(self._made) >= 4096:
                self._made.clear()
            m, cols = self._model, self._cols
            figures = cols.figures(i, m.quarter, m.today)
            days, outpatient = figures if figures is not None else (None, 0)
            made = self._made[i] = RotationRow(cols.record(i), days, outpatient)
        return made


class _Texts(Sequence[str]):
    """Row number -> its search text, made when asked for."""

    def __init__(self, records: _Records) -> None:
        self._records = records

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        record = self._records[i]
        return " ".join(c.text(record) for c in COLUMNS if c.searchable).casefold()


class RotationColumnsModel(RecordTableModel[RotationRow]):
    columns = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.quarter: Quarter | None = None
        self.today = dt.date.today()
        self._hold(RotationColumns())

    # --- what the page gives -------------------------------------------------------------

    def set_columns(
        self,
        cols: RotationColumns,
        more: Iterator[RotationColumns | None] | None = None,
        total: int | None = None,
    ) -> None:
        """Show ``cols``; ``more`` (one step each time the program is idle, None until the
        whole list is read) brings the whole list, ``total`` long, in their place."""
        was_sorted = self._sorted_by
        self.beginResetModel()
        self._hold(cols)
        self._more, self._total = more, total
        self.endResetModel()
        self._sort_gone(was_sorted)
        if more is not None:
            self._timer.start()

    def set_figures(self, quarter: Quarter | None, today: dt.date) -> None:
        """Show one quarter's figures (None: over every quarter up to ``today``)."""
        if (quarter, today) == (self.quarter, self.today):
            return
        self.quarter, self.today = quarter, today
        was_sorted = self._sorted_by
        self.beginResetModel()
        # The rows and their words stay; the days and visits shown change (a sort by any
        # column is let go, as when the list is read again).
        self._all_rows = _Records(self, self.cols)  # type: ignore[assignment]
        self._all_search = _Texts(self._all_rows)  # type: ignore[assignment]
        for column in (DAYS, OUTPATIENT):
            self._keys.pop(column, None)
            self._orders.pop(column, None)
        self._order, self._recent = range(len(self.cols)), {}
        self._ties_in_row_order, self._sorted_by = -1, None
        self._passing = self._pass(self._condition)
        self._shown = self._find(self._words, self._passing)
        self.endResetModel()
        self._sort_gone(was_sorted)

    def _hold(self, cols: RotationColumns, held: tuple[Any, ...] | None = None) -> None:
        """Hold ``cols`` with the current filter, in the order read (no sort kept);
        ``held``: what ``_held(cols)`` made already."""
        if held is None:
            held = self._held(cols)
        self.cols, self._all_rows, self._index, self._passing, self._shown = held
        self._all_search = _Texts(self._all_rows)  # type: ignore[arg-type]
        self._keys, self._orders, self._recent = {}, {}, {}
        self._order = range(len(cols))
        self._ties_in_row_order, self._sorted_by = -1, None

    def _held(self, cols: RotationColumns) -> tuple[Any, ...]:
        """What holding ``cols`` makes: the columns, records, index, rows the conditions
        keep and rows shown."""
        records = _Records(self, cols)
        index = self._word_index(cols)
        passing = self._pass_on(cols, records, self._condition)
        return cols, records, index, passing, self._find_on(index, len(cols), self._words,
                                                           passing)  # fmt: skip

    @staticmethod
    def _word_index(cols: RotationColumns) -> WordIndex:
        """Searched: the person (name, masked number, title), both units and the note."""
        read = {
            name: cols.as_read.get(name, getattr(cols, name))
            for name in ("person", "giver", "taker", "note")
        }
        read["row_of_read"] = cols.as_read.get("row_of_read", range(len(cols)))
        units = [name for _id, name in cols.units]
        notes = sorted(set(cols.note))
        dense = {code: k for k, code in enumerate(notes)}
        note_texts = [cols.values[c] for c in notes]
        note_codes = list(map(dense.__getitem__, cols.note))
        note_read = list(map(dense.__getitem__, read["note"]))
        return WordIndex.of_codes(
            [
                ([" ".join(p[1:]) for p in cols.people], cols.person, read["person"]),
                (units, cols.giver, read["giver"]),
                (units, cols.taker, read["taker"]),
                (note_texts, note_codes, note_read),
            ],
            read["row_of_read"],
        )

    # --- loading -------------------------------------------------------------------------

    def _load_part(self, again: bool = True) -> None:
        more = self._more
        if more is None:
            return
        with paused():  # what a step makes lives as long as the list
            try:
                whole = next(more)
            except StopIteration:
                whole = None
                self._more = None
            if whole is not None:
                self._more = self._total = None
                self._take_whole(whole)
        if self._more is None:
            self.loaded.emit()
        elif again:
            self._timer.start()

    def _take_whole(self, whole: RotationColumns) -> None:
        """The whole list in place of the first part: when the rows shown so far begin it
        (nothing sorted, nothing written meanwhile), they stay where they are, with a
        selection and the scroll position, and the rest are inserted after them."""
        before = list(map(self.cols.ids.__getitem__, self._shown))
        held = self._held(whole)
        after = held[-1]
        if (
            self._sorted_by is not None
            or list(map(whole.ids.__getitem__, after[: len(before)])) != before
        ):
            self.beginResetModel()
            self._hold(whole, held)
            self.endResetModel()
            return
        if len(after) > len(before):
            self.beginInsertRows(QModelIndex(), len(before), len(after) - 1)
        self._hold(whole, held)
        if len(after) > len(before):
            self.endInsertRows()
        if before:  # the same rows, read again: a name changed meanwhile shows at once
            last = self.index(len(before) - 1, len(self.columns) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    # --- filters, search, sort on columns --------------------------------------------------

    def _pass(self, condition: Any) -> Sequence[int]:
        """The rows ``condition`` keeps, in the order shown (a sort kept)."""
        return self._pass_on(self.cols, self._all_rows, condition, self._order)

    def _pass_on(
        self,
        cols: RotationColumns,
        records: Sequence[RotationRow],
        condition: Any,
        order: Sequence[int] | None = None,
    ) -> Sequence[int]:
        if order is None:
            order = range(len(cols))
        if condition is None:
            return order
        tests = getattr(condition, "parts", ())
        if not tests or not all(isinstance(t, RowTest) for t in tests):
            return list(compress(order, map(condition, map(records.__getitem__, order))))
        marks = tests[0].marks(cols)
        for test in tests[1:]:
            marks = bytes(map(and_, marks, test.marks(cols)))
        if isinstance(order, range):
            return list(compress(order, marks))
        return list(compress(order, map(marks.__getitem__, order)))

    def _find(self, words: Sequence[str], base: Sequence[int]) -> Sequence[int]:
        return self._find_on(self._index, len(self.cols), words, base)

    @staticmethod
    def _find_on(index: WordIndex, n: int, words: Sequence[str], base: Sequence[int]
                 ) -> Sequence[int]:  # fmt: skip
        for word in words:
            if 2 * len(base) >= n:  # many rows to test: the index's marks
                marks = index.find(word)
                if marks is None:
                    continue
                whole = isinstance(base, range) and len(base) == n
                base = list(compress(base, marks if whole else map(marks.__getitem__, base)))
            else:
                base = index.keep(word, base)
        return base

    def column_keys(self, column: int) -> list[Any]:
        keys = self._keys.get(column)
        if keys is None:
            keys = self._keys[column] = sort_keys(self._column_values(column))
        return keys

    def _column_values(self, column: int) -> list[Any]:
        cols = self.cols
        if column <= 2:
            return cols.people_column(column + 1)
        if column in (3, 4):
            return cols.unit_column(cols.giver if column == 3 else cols.taker)
        named = {5: cols.direction, 6: cols.form, 8: cols.start, 9: cols.end, 12: cols.note}
        if column in named:
            return cols.decoded(named[column])
        if column == 7:
            pairs: dict[tuple[int, int], str] = {}
            v = cols.values
            for pair in set(zip(cols.direction, cols.form, strict=True)):
                pairs[pair] = purpose(v[pair[0]], v[pair[1]])
            return list(map(pairs.__getitem__, zip(cols.direction, cols.form, strict=True)))
        days, visits = cols.all_figures(self.quarter, self.today)
        return days if column == DAYS else visits

    def row_of(self, rotation_id: int) -> int | None:
        """The row shown holding ``rotation_id``, if any."""
        ids = self.cols.ids
        try:
            return list(map(ids.__getitem__, self._shown)).index(rotation_id)
        except ValueError:
            return None
