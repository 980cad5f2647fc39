"""The list model's fast paths give the rows a plain filter and sort would give.

A keystroke that extends the search narrows the previous result instead of scanning every
row; conditions are tested once per change; a sort reorders rows and the filter state by
precomputed keys. Each must show exactly the rows, in the order, that filtering the sorted
records from scratch shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from ylt_desktop.ui.widgets.predicate_proxy import PredicateFilterProxy
from ylt_desktop.ui.widgets.row_index import column_order, ordered_key, sort_keys
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel


@dataclass(eq=False)
class Rec:
    name: str
    note: str
    beds: int | None
    day: dt.date | None


class RecModel(RecordTableModel[Rec]):
    columns = (
        Column("名称", lambda r: r.name, searchable=True),
        Column("备注", lambda r: r.note, searchable=True),
        Column("床位", lambda r: r.beds),
        Column("日期", lambda r: r.day),
    )


TEXT = st.text(alphabet="卫生院镇村aB 1", max_size=6)
RECS = st.lists(
    st.builds(
        Rec,
        TEXT,
        TEXT,
        st.none() | st.integers(-3, 3),
        st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2020, 1, 9)),
    ),
    max_size=25,
)
# One step: type text (one character at a time), set or clear the condition, or sort.
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("type"), TEXT),
        st.tuples(st.just("condition"), st.none() | st.integers(-3, 3)),
        st.tuples(st.just("sort"), st.tuples(st.integers(0, 3), st.booleans())),
    ),
    max_size=8,
)


def shown(model: RecModel, proxy: PredicateFilterProxy) -> list[Rec]:
    return [
        model.row_record(proxy.mapToSource(proxy.index(r, 0)).row())
        for r in range(proxy.rowCount())
    ]


def expected(order: list[Rec], text: str, least: int | None) -> list[Rec]:
    words = text.casefold().split()

    def search(r: Rec) -> str:
        return f"{r.name} {r.note}".casefold()

    return [
        r
        for r in order
        if all(w in search(r) for w in words) and (least is None or (r.beds or 0) >= least)
    ]


@settings(deadline=None, max_examples=150)
@given(recs=RECS, steps=STEPS)
def test_narrowing_conditions_and_sorting_show_what_a_fresh_filter_shows(
    qapp,  # noqa: ANN001
    recs: list[Rec],
    steps: list,
) -> None:
    model = RecModel()
    model.set_rows(recs)
    proxy = PredicateFilterProxy()
    proxy.setSourceModel(model)
    order, text, least = list(recs), "", None
    for kind, arg in steps:
        if kind == "type":
            for i in range(1, len(arg) + 1):  # one keystroke at a time, extending the text
                text = arg[:i]
                proxy.set_search(text)
                assert shown(model, proxy) == expected(order, text, least)
        elif kind == "condition":
            least = arg
            proxy.set_predicate(
                "beds", None if arg is None else lambda r, n=arg: (r.beds or 0) >= n
            )
        else:
            column, descending = arg
            value = RecModel.columns[column].value
            order = sorted(order, key=lambda r: ordered_key(value(r)), reverse=descending)
            proxy.sort(
                column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            )
        assert shown(model, proxy) == expected(order, text, least)
    assert model.records() == order


@settings(deadline=None, max_examples=200)
@given(
    st.lists(
        st.none()
        | st.just("")
        | st.text(max_size=3)
        | st.integers(-5, 5)
        | st.floats(-2, 2)
        | st.dates(dt.date(2020, 1, 1), dt.date(2020, 3, 1))
        | st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 2)),
        max_size=12,
    )
)
def test_column_keys_order_values_as_the_general_key_does(values: list) -> None:
    keys = sort_keys(values)
    for reverse in (False, True):
        by_keys = sorted(range(len(values)), key=keys.__getitem__, reverse=reverse)
        general = sorted(range(len(values)), key=lambda i: ordered_key(values[i]), reverse=reverse)
        assert by_keys == general


@settings(deadline=None, max_examples=120)
@given(recs=RECS, first_len=st.integers(0, 25), part_len=st.integers(1, 6), steps=STEPS)
def test_a_list_given_in_parts_ends_as_the_whole_list(
    qapp,  # noqa: ANN001
    recs: list[Rec],
    first_len: int,
    part_len: int,
    steps: list,
) -> None:
    """Filters and sorts applied while parts are still to come hold for the parts added."""
    first = recs[:first_len]
    rest = [recs[i : i + part_len] for i in range(first_len, len(recs), part_len)]
    model = RecModel()
    proxy = PredicateFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(first, iter(rest), len(recs))
    assert model.total_count() == len(recs)
    order, text, least = None, "", None
    for kind, arg in steps:
        if kind == "type":
            text = arg
            proxy.set_search(text)
        elif kind == "condition":
            least = arg
            proxy.set_predicate(
                "beds", None if arg is None else lambda r, n=arg: (r.beds or 0) >= n
            )
        else:
            column, descending = arg
            value = RecModel.columns[column].value
            order = sorted(order or recs, key=lambda r: ordered_key(value(r)), reverse=descending)
            proxy.sort(
                column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            )
            assert not model.loading()  # a sort needs every row: the rest came at once
        model._load_part(again=False)  # one part arrives (the event loop would do this)
    model.fetch_rest()
    assert shown(model, proxy) == expected(order or recs, text, least)
    assert model.total_count() == len(recs)


def test_a_sort_after_the_rows_change_orders_the_new_rows(qapp) -> None:  # noqa: ANN001
    """The orders kept per column from an earlier sort are not used for rows read again."""
    day = dt.date(2020, 1, 1)
    model = RecModel()
    proxy = PredicateFilterProxy()
    proxy.setSourceModel(model)
    old = [Rec(n, "", None, day) for n in ("乙", "甲", "丙")]
    model.set_rows(old)
    proxy.sort(0)
    proxy.sort(0, Qt.SortOrder.DescendingOrder)  # the kept orders of column 0 are used
    assert [r.name for r in shown(model, proxy)] == ["甲", "乙", "丙"]  # by code point
    # A record edited and the list read again (a refresh): 乙 renamed 丁, one record added.
    new = [Rec("丁", "", None, day), old[1], old[2], Rec("一", "", None, day)]
    model.set_rows(new[:2], iter([new[2:]]), 4)
    proxy.sort(0)
    assert [r.name for r in shown(model, proxy)] == ["一", "丁", "丙", "甲"]
    proxy.set_search("丙")  # a search on the new texts, then a sort of what it keeps
    proxy.sort(0, Qt.SortOrder.DescendingOrder)
    assert [r.name for r in shown(model, proxy)] == ["丙"]
    proxy.set_search("")
    assert [r.name for r in shown(model, proxy)] == ["甲", "丙", "丁", "一"]


@settings(deadline=None, max_examples=150)
@given(st.lists(st.none() | st.integers(-2, 2) | st.text(alphabet="ab", max_size=2), max_size=15))
def test_a_column_order_is_the_stable_sort_of_the_row_numbers(values: list) -> None:
    keys = sort_keys(values)
    orders = column_order(keys)
    rows = range(len(values))
    assert orders.ascending == sorted(rows, key=keys.__getitem__)
    assert orders.descending == sorted(rows, key=keys.__getitem__, reverse=True)
    assert sorted(rows, key=orders.ranks.__getitem__) == orders.ascending
    for i in rows:
        for j in rows:
            assert (orders.ranks[i] < orders.ranks[j]) == (keys[i] < keys[j])


@settings(deadline=None, max_examples=30)
@given(
    seed=st.integers(0, 10**6),
    texts=st.lists(st.text(alphabet="卫生院1 ", min_size=1, max_size=3), min_size=1, max_size=6),
)
def test_a_search_of_many_distinct_texts_read_in_parts_keeps_what_a_plain_filter_keeps(
    qapp,  # noqa: ANN001
    seed: int,
    texts: list[str],
) -> None:
    """Over 256 distinct texts in a column (the index then numbers them in 4 bytes); a text
    typed again (a backspace) after more rows came, or after a sort, shows the new rows."""
    import random

    rnd = random.Random(seed)
    recs = [
        Rec(f"{rnd.choice('卫生院')}{i}", rnd.choice(["镇", "村 1", ""]), i % 3, None)
        for i in range(700)
    ]
    model = RecModel()
    proxy = PredicateFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(recs[:300], iter([recs[300:500], recs[500:]]), len(recs))
    order = recs[:300]
    for step, text in enumerate([*texts, texts[0], *texts]):  # each typed again
        proxy.set_search(text)
        assert shown(model, proxy) == expected(order, text, None)
        if step == 1:
            model._load_part(again=False)  # more rows arrive under a search typed before
            order = recs[:500]
        elif step == 3:
            proxy.sort(2, Qt.SortOrder.DescendingOrder)  # reads the rest, then sorts
            order = sorted(recs, key=lambda r: r.beds, reverse=True)
        assert shown(model, proxy) == expected(order, text, None)


@settings(deadline=None, max_examples=200)
@given(
    recs=RECS,
    sorts=st.lists(st.tuples(st.integers(0, 3), st.booleans()), min_size=1, max_size=6),
)
def test_clicks_on_headers_sort_stably_on_the_order_shown(
    qapp,  # noqa: ANN001
    recs: list[Rec],
    sorts: list[tuple[int, bool]],
) -> None:
    """Whichever way a sort is done (a kept column order, its groups reversed, a sort by
    ranks), equal keys keep the order shown before the click."""
    model = RecModel()
    model.set_rows(recs)
    order = list(recs)
    for column, descending in sorts:
        value = RecModel.columns[column].value
        order = sorted(order, key=lambda r: ordered_key(value(r)), reverse=descending)
        how = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        model.sort(column, how)
        assert model.records() == order


def test_the_other_way_of_a_sorted_column_is_prepared_while_idle(qtbot) -> None:  # noqa: ANN001
    day = dt.date(2020, 1, 1)
    model = RecModel()
    model.set_rows([Rec(n, "", i % 2, day) for i, n in enumerate("bcab")])
    model.sort(2)
    prepared = model.column_order(2)
    qtbot.waitUntil(lambda: "descending" in vars(prepared))  # computed once the loop is idle
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert [r.name for r in model.records()] == ["c", "b", "b", "a"]
