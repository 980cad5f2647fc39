"""Long lists show their first rows at once and add the rest in parts while idle: the page
ends with the rows, texts and order it shows when read whole, a search typed meanwhile
holds for the rows added, and a record from a later part can still be selected."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.typing import type_text
from ylt_desktop.ui.pages import agreements as agreements_ui
from ylt_desktop.ui.pages import rotations as rotations_ui
from ylt_desktop.ui.pages import staff as staff_ui

TODAY = dt.date(2026, 5, 20)


def texts(page) -> list[list[str]]:  # noqa: ANN001
    model = page.proxy
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def build(qtbot, module, make, monkeypatch, first: int, part: int):  # noqa: ANN001, ANN201
    monkeypatch.setattr(module, "FIRST_PART", first)
    monkeypatch.setattr(module, "PART", part)
    page = make()
    qtbot.addWidget(page)
    return page


PAGES = [
    (rotations_ui, lambda db: rotations_ui.RotationsPage(db, today=TODAY), "人", 13),
    (staff_ui, lambda db: staff_ui.StaffPage(db, today=TODAY), "医师", 7),
    (agreements_ui, lambda db: agreements_ui.AgreementsPage(db, today=TODAY), "远程", 5),
]


@pytest.mark.parametrize(("module", "make", "word", "part"), PAGES)
def test_a_page_read_in_parts_ends_as_read_whole(
    qtbot, demo_db, monkeypatch, module, make, word, part
) -> None:  # noqa: ANN001, E501
    whole = build(qtbot, module, lambda: make(demo_db), monkeypatch, 10**9, 10**9)
    assert not whole.model.loading()
    everything = texts(whole)
    assert len(everything) > 2 * part + 3  # several parts below
    page = build(qtbot, module, lambda: make(demo_db), monkeypatch, 3, part)
    assert page.model.loading() and page.proxy.rowCount() == 3
    assert page.model.total_count() == len(everything)  # the count is the whole list's
    qtbot.waitUntil(lambda: not page.model.loading())  # parts added while idle
    assert texts(page) == everything
    # A search typed while parts are still to come holds for the rows they bring.
    searching = build(qtbot, module, lambda: make(demo_db), monkeypatch, 3, part)
    type_text(qtbot, searching.search, word)
    qtbot.waitUntil(lambda: not searching.model.loading())
    whole.search.setText(word)
    assert 0 < searching.proxy.rowCount() < len(everything)
    assert texts(searching) == texts(whole)


def test_a_record_of_a_later_part_is_selected(qtbot, demo_db, monkeypatch) -> None:  # noqa: ANN001
    page = build(
        qtbot, rotations_ui, lambda: rotations_ui.RotationsPage(demo_db, today=TODAY),
        monkeypatch, 3, 5,
    )  # fmt: skip
    assert page.model.loading()
    with demo_db.session() as s:
        from ylt_desktop.store.rotation_list import list_rotation_rows

        every = list_rotation_rows(s)
    first, last = every[0], every[-1]
    assert page.select(first.id)  # among the rows read: the rest still come while idle
    assert page.model.loading() and page.selected().id == first.id
    assert page.select(last.id)  # not read yet: the rest are read at once, then it is selected
    assert not page.model.loading() and page.selected().id == last.id
