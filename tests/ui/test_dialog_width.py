"""A form whose widgets ask for more width once shown (the 所在地区 picker's three lists fill
with 江西省 / 九江市 / 都昌县) widens to show it: 设置 opened 387 px wide with its first line
cut off (更换牵头单位后，原牵头单位成…) and the code and county name out of view behind a
sideways scroll bar."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from ylt_desktop.ui.dialogs.first_run import FirstRunDialog
from ylt_desktop.ui.dialogs.settings import SettingsDialog
from ylt_desktop.ui.main_window import MainWindow


def _shows_its_whole_width(dialog: QDialog) -> bool:
    inner = dialog.scroll.widget()
    return (
        dialog.scroll.horizontalScrollBar().maximum() == 0
        and dialog.scroll.viewport().width() >= inner.sizeHint().width()
    )


@pytest.mark.parametrize("kind", ["settings", "first run"])
def test_the_division_picker_is_in_view(qtbot, demo_db, db, kind, answers) -> None:  # noqa: ANN001
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    if kind == "settings":
        dialog = SettingsDialog(demo_db, window)
    else:
        dialog = FirstRunDialog(db, window)
        dialog.binder.widget("division").setText("360428")
    dialog.show()
    assert dialog.division_picker.county.currentText() == "都昌县"
    qtbot.waitUntil(lambda: _shows_its_whole_width(dialog), timeout=3000)
    dialog.hide()  # (the first run's typed code would ask before a reject)
