"""The main window's navigation (ui/widgets/nav.py): the list's API, keys, Tab, clicks,
accessible names and the highlighted current entry, without an item view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.widgets.nav import NavList

TITLES = ["概览", "成员单位", "人员", "人员流动"]


@pytest.fixture
def form(qtbot):  # noqa: ANN001, ANN201
    """A line edit, the navigation, a line edit: shown and active, so that focus moves."""
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    before, nav, after = QLineEdit(), NavList(), QLineEdit()
    for title in TITLES:
        nav.addItem(title)
    for widget in (before, nav, after):
        layout.addWidget(widget)
    rows: list[int] = []
    nav.currentRowChanged.connect(rows.append)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    yield before, nav, after, rows
    host.close()


def test_the_lists_api(form) -> None:  # noqa: ANN001
    _before, nav, _after, rows = form
    assert nav.count() == 4
    assert [nav.item(i).text() for i in range(nav.count())] == TITLES
    assert nav.currentRow() == -1 and not any(nav.item(i).isChecked() for i in range(4))
    nav.setCurrentRow(2)
    assert nav.currentRow() == 2 and rows == [2]
    assert [nav.item(i).isChecked() for i in range(4)] == [False, False, True, False]
    nav.setCurrentRow(2)  # no change: no signal, as a list
    nav.setCurrentRow(9)  # no such row: ignored
    assert rows == [2] and nav.currentRow() == 2
    nav.blockSignals(True)
    nav.setCurrentRow(0)
    nav.blockSignals(False)
    assert rows == [2] and nav.currentRow() == 0 and nav.item(0).isChecked()


def test_arrows_home_and_end_move_the_current_entry(qtbot, form) -> None:  # noqa: ANN001
    _before, nav, _after, rows = form
    nav.setFocus()
    assert nav.item(0).hasFocus()  # nothing chosen yet: the first entry takes the keys
    qtbot.keyClick(nav.item(0), Qt.Key.Key_Down)
    assert nav.currentRow() == 1 and nav.item(1).hasFocus()
    qtbot.keyClick(nav.item(1), Qt.Key.Key_Down)
    qtbot.keyClick(nav.item(2), Qt.Key.Key_Down)
    qtbot.keyClick(nav.item(3), Qt.Key.Key_Down)  # the last: stays
    assert nav.currentRow() == 3 and nav.item(3).hasFocus()
    qtbot.keyClick(nav.item(3), Qt.Key.Key_Up)
    assert nav.currentRow() == 2 and nav.item(2).hasFocus()
    qtbot.keyClick(nav.item(2), Qt.Key.Key_Home)
    assert nav.currentRow() == 0 and nav.item(0).hasFocus()
    qtbot.keyClick(nav.item(0), Qt.Key.Key_Up)  # the first: stays
    qtbot.keyClick(nav.item(0), Qt.Key.Key_End)
    assert nav.currentRow() == 3
    assert rows == [1, 2, 3, 2, 0, 3]


def test_tab_reaches_the_navigation_once(qtbot, form) -> None:  # noqa: ANN001
    before, nav, after, _rows = form
    nav.setCurrentRow(2)
    before.setFocus()
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert nav.item(2).hasFocus()  # the current entry
    qtbot.keyClick(nav.item(2), Qt.Key.Key_Tab)
    assert after.hasFocus()  # not the next entry
    qtbot.keyClick(after, Qt.Key.Key_Backtab)
    assert nav.item(2).hasFocus()


def test_a_click_chooses_and_never_unchooses(qtbot, form) -> None:  # noqa: ANN001
    _before, nav, _after, rows = form
    qtbot.mouseClick(nav.item(3), Qt.MouseButton.LeftButton)
    assert nav.currentRow() == 3 and nav.item(3).isChecked() and nav.item(3).hasFocus()
    qtbot.mouseClick(nav.item(3), Qt.MouseButton.LeftButton)
    assert nav.currentRow() == 3 and nav.item(3).isChecked() and rows == [3]
    qtbot.keyClick(nav.item(3), Qt.Key.Key_Up)
    qtbot.keyClick(nav.item(2), Qt.Key.Key_Space)  # space on the current one: stays
    assert nav.currentRow() == 2 and nav.item(2).isChecked() and rows == [3, 2]


def test_entries_are_named_for_assistive_technology(form) -> None:  # noqa: ANN001
    _before, nav, _after, _rows = form
    nav.setCurrentRow(1)
    for row, title in enumerate(TITLES):
        face = QAccessible.queryAccessibleInterface(nav.item(row))
        assert face.text(QAccessible.Text.Name) == title
        assert face.state().checked == (row == 1)


def test_the_current_entry_is_highlighted(form) -> None:  # noqa: ANN001
    _before, nav, _after, _rows = form
    nav.setCurrentRow(1)
    image = nav.grab().toImage()
    highlight = nav.palette().color(QPalette.ColorRole.Highlight).rgb()
    base = nav.palette().color(QPalette.ColorRole.Base).rgb()
    x = nav.width() - 8  # right of every title's text
    for row in range(nav.count()):
        y = nav.item(row).geometry().center().y()
        assert image.pixel(x, y) == (highlight if row == 1 else base), row


def test_the_window_follows_the_keys(qtbot, demo_db) -> None:  # noqa: ANN001
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.nav.currentRow() == 0 and window.stack.currentWidget() is window.pages["概览"]
    window.nav.setFocus()
    qtbot.keyClick(window.nav.item(0), Qt.Key.Key_Down)
    qtbot.keyClick(window.nav.item(1), Qt.Key.Key_Down)
    assert window.nav.currentRow() == 2
    assert window.stack.currentWidget() is window.pages["人员"]


def test_qt_paints_the_navigation() -> None:
    """No Python ``paintEvent`` in the first frame: a QPainter call from Python makes PySide6
    create the ``Qt`` namespace's enums (~20 ms) before the window shows (issue #18)."""
    from ylt_desktop.ui.widgets.nav import NavEntry, NavList

    assert "paintEvent" not in vars(NavEntry) and "paintEvent" not in vars(NavList)
