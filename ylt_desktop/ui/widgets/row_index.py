"""What the record lists compute over all their rows, without Qt: sort keys and each column's
orders (``ColumnOrder``), and the word index a keystroke searches (``WordIndex``). Loops run
in C where they can (``map``, ``compress``, ``bytes.translate``): see ``table_model``."""

from __future__ import annotations

import datetime as dt
import operator
from array import array
from collections import deque
from collections.abc import Sequence
from functools import cached_property
from itertools import accumulate, chain, compress, repeat
from operator import contains, ne
from typing import Any


def ordered_key(value: Any) -> tuple[int, Any]:
    """A sort key that never compares across kinds: empty, then numbers, then text and dates."""
    if value is None or value == "":
        return (0, 0)
    if isinstance(value, bool | int | float):
        return (1, value)
    if isinstance(value, dt.date):
        return (2, value.isoformat())
    return (2, str(value))


def sort_keys(values: list[Any]) -> list[Any]:
    """Keys that order ``values`` as ``ordered_key`` does, cheaper to compare where the column
    holds one kind: text (empty first), numbers (empty first) or dates (empty first)."""
    kinds = {type(v) for v in values if v is not None and v != ""}
    if not kinds:
        return [0] * len(values)
    if kinds <= {str}:
        return [v or "" for v in values]
    if kinds <= {bool, int, float}:
        low = float("-inf")
        return [low if v is None or v == "" else v for v in values]
    if len(kinds) == 1 and issubclass(next(iter(kinds)), dt.date):
        low = dt.datetime.min if kinds == {dt.datetime} else dt.date.min
        return [low if v is None or v == "" else v for v in values]
    return list(map(ordered_key, values))


def row_marks(n: int, kept: Sequence[int]) -> bytearray:
    """One byte per row: 1 for the rows in ``kept``."""
    marks = bytearray(n)
    deque(map(marks.__setitem__, kept, repeat(1)), maxlen=0)  # a loop in C
    return marks


class ColumnOrder:
    """One column's orders of every row number, equal keys kept in row-number order: one
    n log n sort; the descending order and the ranks follow, when first needed, in C-speed
    loops."""

    def __init__(self, keys: list[Any]) -> None:
        self._keys = keys
        self.ascending = sorted(range(len(keys)), key=keys.__getitem__)

    @cached_property
    def _starts(self) -> list[bool]:
        """Per place in ``ascending``: its key differs from the one before."""
        ordered = list(map(self._keys.__getitem__, self.ascending))
        return [True, *map(ne, ordered[1:], ordered[:-1])] if ordered else []

    @cached_property
    def descending(self) -> list[int]:
        """Groups of equal keys last to first, each group's rows still in row-number order:
        what a stable descending sort of the row numbers gives."""
        return sorted(self.ascending, key=self._keys.__getitem__, reverse=True)

    @cached_property
    def ranks(self) -> list[int]:
        """Per row number: the dense rank of its key (equal keys, equal ranks)."""
        ranks = [0] * len(self.ascending)
        deque(map(ranks.__setitem__, self.ascending, accumulate(self._starts)), maxlen=0)
        return ranks


def column_order(keys: list[Any]) -> ColumnOrder:
    return ColumnOrder(keys)


class WordIndex:
    """Per searchable column: its distinct texts, lower-cased, and each row's number among
    them. A typed word holds no space and a row's search text joins its columns' texts with
    spaces, so the word lies in the row's text exactly when it lies in one column's text: it
    is tested once per distinct text (67,000 for 500,000 rotations), not once per row.

    A column of at most 256 texts keeps one byte per row (a word's rows are one
    ``bytes.translate``); a larger one keeps the rows of each text, and a word marks the rows
    of the texts it lies in (or unmarks those of the others, whichever are fewer)."""

    def __init__(self, columns: int) -> None:
        self._codes: list[dict[str, int]] = [{} for _ in range(columns)]
        self._values: list[list[str]] = [[] for _ in range(columns)]
        self._ids: list[bytearray] = [bytearray() for _ in range(columns)]
        self._rows: list[list[array] | None] = [None] * columns  # rows per text, once > 256
        self._row_codes: list[Sequence[int]] | None = None  # per column: each row's text
        self.rows = 0

    @classmethod
    def of_codes(
        cls,
        columns: Sequence[tuple[list[str], Sequence[int], Sequence[int]]],
        row_of_read: Sequence[int],
    ) -> WordIndex:
        """An index of rows held as codes (no text per row is made): per column, its
        distinct texts, each row's number among them, and the same numbers in the order the
        rows were read, ``row_of_read`` giving each one's row. ``add`` is not for it."""
        index = cls(len(columns))
        index._row_codes = [codes for _texts, codes, _as_read in columns]
        for column, (texts, codes, as_read) in enumerate(columns):
            index._values[column] = [text.casefold() for text in texts]
            if len(texts) <= 256:
                index._ids[column] = bytearray(iter(codes))  # not the buffer of an array
                continue
            # In the order read (rotations mostly come person by person, entered together).
            groups = index._rows[column] = [array("I") for _ in texts]
            for code, row in zip(as_read, row_of_read, strict=True):
                groups[code].append(row)
        index.rows = len(row_of_read)
        return index

    def keep(self, word: str, rows: Sequence[int]) -> list[int]:
        """Of ``rows``, those whose search text holds ``word`` (an index ``of_codes``): each
        distinct text is tested once (of those the rows hold, when they are fewer), then the
        rows through their codes."""
        assert self._row_codes is not None
        tests = []
        for values, codes in zip(self._values, self._row_codes, strict=True):
            if 4 * len(rows) < len(values):  # a few rows: only the texts they hold
                held = list(map(codes.__getitem__, rows))
                found = {code for code in set(held) if word in values[code]}
                if found:
                    tests.append(map(found.__contains__, held))
                continue
            hits = bytes(map(contains, values, repeat(word)))
            if any(hits):
                tests.append(map(hits.__getitem__, map(codes.__getitem__, rows)))
        if not tests:
            return []
        return list(
            compress(rows, tests[0] if len(tests) == 1 else map(any, zip(*tests, strict=True)))
        )

    def add(self, texts: Sequence[list[str]]) -> None:
        """Rows added at the end: one list of texts per searchable column."""
        assert self._row_codes is None, "an index of codes is made whole"
        first = self.rows
        for column, values in enumerate(texts):
            codes = self._codes[column]
            new = [text for text in dict.fromkeys(values) if text not in codes]
            codes.update(zip(new, range(len(codes), len(codes) + len(new)), strict=True))
            self._values[column].extend(text.casefold() for text in new)
            groups = self._rows[column]
            if groups is None and len(codes) <= 256:
                self._ids[column].extend(map(codes.__getitem__, values))
                continue
            if groups is None:  # more than 256 texts from now on: rows per text
                groups = self._rows[column] = [array("I") for _ in range(256)]
                for row, i in enumerate(self._ids[column]):
                    groups[i].append(row)
                self._ids[column] = bytearray()
            groups.extend(array("I") for _ in range(len(codes) - len(groups)))
            added = range(first, first + len(values))
            for row, i in zip(added, map(codes.__getitem__, values), strict=True):
                groups[i].append(row)
        if texts:
            self.rows += len(texts[0])

    def find(self, word: str) -> bytes | None:
        """One byte per row, 1 where ``word`` lies in the row's search text; None where it
        lies in every row's."""
        n, marks = self.rows, 0
        for values, ids, groups in zip(self._values, self._ids, self._rows, strict=True):
            found = list(map(contains, values, repeat(word)))
            hits = list(compress(range(len(values)), found))
            if not hits:
                continue
            if len(hits) == len(values):
                return None
            if groups is None:
                table = bytearray(256)
                deque(map(table.__setitem__, hits, repeat(1)), maxlen=0)
                column = ids.translate(table)
            elif 2 * sum(map(len, map(groups.__getitem__, hits))) <= n:
                column = bytearray(n)
                rows = chain.from_iterable(map(groups.__getitem__, hits))
                deque(map(column.__setitem__, rows, repeat(1)), maxlen=0)
            else:  # most rows: unmark those of the texts the word is not in
                column = bytearray(b"\x01") * n
                others = compress(range(len(values)), map(operator.not_, found))
                rows = chain.from_iterable(map(groups.__getitem__, others))
                deque(map(column.__setitem__, rows, repeat(0)), maxlen=0)
            marks |= int.from_bytes(column, "little")
        return marks.to_bytes(n, "little")


def reversed_groups(order: Sequence[int], ranks: list[int]) -> list[int]:
    """``order`` (grouped by ``ranks``) with its groups of equal ranks last to first, each
    group's rows in the order they had: a stable sort the other way."""
    n = len(order)
    shown = list(map(ranks.__getitem__, order))
    starts = list(compress(range(n), [True, *map(ne, shown[1:], shown[:-1])])) if n else []
    ends = [*starts[1:], n]
    return list(
        chain.from_iterable(map(order.__getitem__, map(slice, reversed(starts), reversed(ends))))
    )


def extends(words: Sequence[str], previous: Sequence[str]) -> bool:
    """Every row matching ``words`` matches ``previous``: each old word lies in a new one."""
    return all(any(old in new for new in words) for old in previous)
