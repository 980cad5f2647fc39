"""A long list's parts are read and held with the cyclic collector paused, and it runs again
after (``ylt_desktop/collector.py``): the collector walking a growing list again and again
was a third of the staff list's whole read at 50,000 people."""

from __future__ import annotations

import gc

from tests.ui.test_list_narrowing import Rec, RecModel
from ylt_desktop.collector import paused


def test_paused_restores_what_was_before() -> None:
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block leaves it as the outer one had it
    assert gc.isenabled()
    try:
        with paused():
            raise ValueError("a part that failed")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_part_is_read_and_added_without_collection(qtbot) -> None:  # noqa: ANN001
    seen: list[bool] = []

    def parts():  # noqa: ANN202
        for n in range(3):
            seen.append(gc.isenabled())
            yield [Rec(f"第{n}部分", "", n, None)]

    model = RecModel()
    model.set_rows([Rec("首", "", 0, None)], parts(), 4)
    added: list[bool] = []
    model.rowsInserted.connect(lambda *_: added.append(gc.isenabled()))
    qtbot.waitUntil(lambda: not model.loading())
    assert seen == [False, False, False] and added == [False, False, False]
    assert model.rowCount() == 4 and gc.isenabled()
