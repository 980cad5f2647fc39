"""A clerk pastes two cells of an Excel row ("李秀英<Tab>女") into the staff form's 姓名: the
form says what is wrong under the field, Save stays disabled, and nothing is stored; with
the tab gone the same record saves."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.people import consortium
from tests.ui.test_staff import GOOD_ID, fill
from ylt_desktop.store import staff as store
from ylt_desktop.ui.pages.staff import StaffDialog


def paste(qtbot, widget: QWidget, text: str) -> None:  # noqa: ANN001
    QApplication.clipboard().setText(text)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_pasting_two_cells_into_the_name_is_refused_with_a_message(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, GOOD_ID)
    name = dialog.binder.widget("name")
    paste(qtbot, name, "李秀英\t女\r\n")
    label = dialog.binder.problem_label("name")
    assert not label.isHidden()
    assert label.text().startswith("姓名不得包含换行或制表符")
    assert not dialog.save_button.isEnabled()
    dialog.save()  # even a forced save writes nothing
    with db.session() as s:
        assert store.list_staff(s) == []
    paste(qtbot, name, "李秀英\r\n")  # one cell: its line end is trimmed
    assert label.isHidden() and dialog.save_button.isEnabled()
    dialog.save()
    with db.session() as s:
        assert [p.name for p in store.list_staff(s)] == ["李秀英"]


def test_an_identity_number_in_the_name_is_refused_under_the_field(qtbot, db, answers) -> None:  # noqa: ANN001
    """The clerk pastes name and number together ("李秀英 <身份证号>"): the form says the
    number belongs in 证件号码, Save stays disabled, nothing is stored."""
    with db.session() as s:
        consortium(s)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, GOOD_ID)
    paste(qtbot, dialog.binder.widget("name"), f"李秀英 {GOOD_ID}")
    label = dialog.binder.problem_label("name")
    assert not label.isHidden()
    assert label.text().startswith("姓名中含有居民身份证号码") and GOOD_ID not in label.text()
    assert not dialog.save_button.isEnabled()
    dialog.save()
    with db.session() as s:
        assert store.list_staff(s) == []
