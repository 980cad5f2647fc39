"""The rotation list over columns shows what a plain filter and sort of its records shows.

The page's model keeps the rotations as columns and searches, filters and sorts on codes
(``ui/widgets/rotation_model.py``); each combination of typed words, the four filters and a
sort must show exactly the rows, texts and order that filtering the joined read's records
by their shown texts and the filters' plain tests, then sorting them stably, shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from ylt_desktop.domain.periods import touches
from ylt_desktop.store.rotation_list import list_rotation_rows
from ylt_desktop.ui.pages import rotations as rotations_ui
from ylt_desktop.ui.widgets.rotation_model import COLUMNS, RotationRow
from ylt_desktop.ui.widgets.row_index import ordered_key

TODAY = dt.date(2026, 5, 20)


@pytest.fixture(scope="module")
def shared(demo_files, tmp_path_factory, qapp) -> Iterator[tuple]:  # noqa: ANN001
    """One page over the demo consortium, read whole, and the joined read's records."""
    from ylt_desktop.store.db import open_database

    db = open_database(demo_files.copy(tmp_path_factory.mktemp("cols") / "demo.sqlite"))
    page = rotations_ui.RotationsPage(db, today=TODAY)
    page.model.fetch_rest()
    with db.session() as s:
        records = list_rotation_rows(s)
    yield page, records
    page.deleteLater()
    db.close()


def shown(page) -> list[list[str]]:  # noqa: ANN001
    proxy = page.proxy
    return [
        [proxy.index(r, c).data() for c in range(proxy.columnCount())]
        for r in range(proxy.rowCount())
    ]


def expected(records, words, direction, form, unit, quarter, sort) -> list[list[str]]:  # noqa: ANN001
    rows = []
    for r in records:
        if quarter is None:
            days, visits = r.total_days(today=TODAY), r.total_outpatient()
        else:
            days, visits = r.figures(quarter) or (None, 0)
        rows.append(RotationRow(r, days, visits))
    kept = []
    for row in rows:
        r = row.rotation
        text = " ".join(c.text(row) for c in COLUMNS if c.searchable).casefold()
        if not all(w in text for w in words):
            continue
        if direction is not None and r.direction != direction:
            continue
        if form is not None and r.form != form:
            continue
        if unit is not None and unit not in (r.from_id, r.to_id):
            continue
        if quarter is not None and not touches(r.start, r.end, quarter):
            continue
        kept.append(row)
    for column, descending in sort:
        kept.sort(key=lambda row: ordered_key(COLUMNS[column].value(row)), reverse=descending)
    return [[c.text(row) for c in COLUMNS] for row in kept]


def _pick(combo, data) -> object:  # noqa: ANN001
    combo.setCurrentIndex(data)
    return combo.currentData()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.sampled_from(["", "人", "王", "医院", "卫生院 王", "下沉", "2026", "****", "院 镇 卫"]),
    cut=st.integers(0, 2),
    direction=st.integers(0, 3),
    form=st.integers(0, 4),
    unit=st.integers(0, 6),
    quarter=st.integers(0, 5),
    sort=st.lists(st.tuples(st.integers(0, 12), st.booleans()), max_size=2),
    sort_first=st.booleans(),
)
def test_search_filters_and_sorts_show_what_the_records_show(
    shared, text, cut, direction, form, unit, quarter, sort, sort_first
) -> None:  # noqa: ANN001
    """``sort_first``: the clerk picks the quarter (its figures: the days sorted by), sorts,
    then searches and filters; the sort is kept (a filter chosen or cleared after a sort
    showed the rows in the order read)."""
    page, records = shared

    def click_sorts() -> None:
        for column, descending in sort:
            how = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            page.table.sortByColumn(column, how)

    # The page as a clerk leaves it between two examples: its filters and search cleared.
    page.search.clear()
    for combo in (page.quarter, page.direction, page.form, page.institution):
        combo.setCurrentIndex(0)
    page.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    page.refresh()
    page.model.fetch_rest()
    if sort_first:
        _pick(page.quarter, quarter)
        click_sorts()
    # The search typed a character at a time (the narrowing paths), some cut off again.
    for i in range(1, len(text) + 1):
        page.search.setText(text[:i])
    if cut:
        page.search.setText(text[: max(0, len(text) - cut)])
    typed = page.search.text()
    values = (
        _pick(page.direction, direction),
        _pick(page.form, form),
        _pick(page.institution, unit),
        _pick(page.quarter, quarter),
    )
    if not sort_first:
        click_sorts()
    want = expected(records, typed.casefold().split(), *values, sort)
    assert shown(page) == want


def test_a_row_chosen_while_the_rest_is_read_stays_chosen(qtbot, demo_db, monkeypatch) -> None:  # noqa: ANN001
    """The whole list takes the first part's place without moving its rows: the clerk's
    chosen row stays chosen and the rest come after."""
    monkeypatch.setattr(rotations_ui, "FIRST_PART", 20)
    monkeypatch.setattr(rotations_ui, "PART", 50)
    page = rotations_ui.RotationsPage(demo_db, today=TODAY)
    qtbot.addWidget(page)
    assert page.model.loading() and page.proxy.rowCount() == 20
    page.table.selectRow(7)
    chosen = page.selected().id
    qtbot.waitUntil(lambda: not page.model.loading())
    assert page.proxy.rowCount() > 100
    assert page.selected().id == chosen
    assert page.table.selectionModel().selectedRows()[0].row() == 7


def test_the_list_holds_no_object_per_rotation(qtbot, demo_db) -> None:  # noqa: ANN001
    """Rows become records only when shown or chosen: painting the first screen makes a
    few, never one per rotation."""
    page = rotations_ui.RotationsPage(demo_db, today=TODAY)
    qtbot.addWidget(page)
    page.model.fetch_rest()
    page.resize(1000, 600)
    page.grab()
    made = page.model._all_rows._made  # noqa: SLF001
    assert 0 < len(made) < 100 < page.proxy.rowCount()


def test_a_quarter_chosen_after_a_sort_shows_its_days_in_the_list_order(shared) -> None:  # noqa: ANN001
    """Choosing a quarter changes the days shown: a sort by them is let go (the list's own
    order, as when it is read again) and the rows show that quarter's figures."""
    page, records = shared
    page.search.clear()
    for combo in (page.quarter, page.direction, page.form, page.institution):
        combo.setCurrentIndex(0)
    page.table.sortByColumn(10, Qt.SortOrder.DescendingOrder)
    days = [row[10] for row in shown(page)]
    assert days != [row[10] for row in expected(records, [], None, None, None, None, [])]
    quarter = _pick(page.quarter, 2)
    assert shown(page) == expected(records, [], None, None, None, quarter, [])
    page.table.sortByColumn(10, Qt.SortOrder.AscendingOrder)
    assert shown(page) == expected(records, [], None, None, None, quarter, [(10, False)])


def test_the_whole_list_is_indexed_once(qtbot, demo_db, monkeypatch) -> None:  # noqa: ANN001
    """The whole list's word index and filtered rows are made once when it arrives (they
    were made twice: to compare the rows shown, then again to hold them; ~0.2 s CPU at
    500,000 rotations)."""
    monkeypatch.setattr(rotations_ui, "FIRST_PART", 20)
    monkeypatch.setattr(rotations_ui, "PART", 50)
    page = rotations_ui.RotationsPage(demo_db, today=TODAY)
    qtbot.addWidget(page)
    made: list[int] = []
    index_of = page.model._word_index  # noqa: SLF001
    monkeypatch.setattr(page.model, "_word_index", lambda cols: made.append(len(cols))
                        or index_of(cols))  # fmt: skip
    page.search.setText("王")
    qtbot.waitUntil(lambda: not page.model.loading())
    assert made == [page.model.total_count()] and made[0] > 20
    assert page.status_text().startswith(f"人员流动 {made[0]} 条")


def test_rows_shown_before_the_whole_list_came_show_names_changed_meanwhile(
    qtbot,
    demo_db,
    monkeypatch,  # noqa: ANN001
) -> None:
    """A person renamed (here, or by another program) after the first part was read and
    before the whole list replaced it: the rows kept in place are told to show the new name."""
    from ylt_desktop.store import staff as staff_store
    from ylt_desktop.store.models import Staff

    monkeypatch.setattr(rotations_ui, "FIRST_PART", 20)
    monkeypatch.setattr(rotations_ui, "PART", 50)
    page = rotations_ui.RotationsPage(demo_db, today=TODAY)
    qtbot.addWidget(page)
    first = page.model.row_record(0).rotation
    with demo_db.session() as s:
        person_id = next(p.id for p in s.query(Staff) if p.name == first.staff_name)
        data = staff_store.to_data(s.get(Staff, person_id))
        data.name = "改名后"
        staff_store.update_staff(s, staff_id=person_id, data=data)
    assert page.proxy.index(0, 0).data() == first.staff_name  # the first part, as read
    changed: list[tuple[int, int]] = []
    page.proxy.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    qtbot.waitUntil(lambda: not page.model.loading())
    assert page.proxy.index(0, 0).data() == "改名后"
    assert changed and changed[-1][0] == 0 and changed[-1][1] >= 0
