"""The 季度报表 cover remembers what is typed without holding the window at every keystroke:
while another program writes to the database (an import or a backup by ``ylt``), typing a name
into 单位负责人 waited for the database and failed at each keystroke (a frozen window, then one
unhandled error per key). Now the fields are saved once typing pauses or the field is left;
a failure says so once, and the text stays in the field and is saved later."""

from __future__ import annotations

import sqlite3

from ylt_desktop.store import access
from ylt_desktop.store.settings import get_setting
from ylt_desktop.ui.pages.returns import COVER_KEY, ReturnsPage


def _saved(db) -> dict:  # noqa: ANN001
    with db.session() as s:
        return get_setting(s, COVER_KEY, {}) or {}


def test_typing_while_another_program_writes(qtbot, demo_db, answers, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(access, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(access, "BUSY_WAIT", 0.3)
    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    page.show()
    edit = page.cover["unit_head"]
    holder = sqlite3.connect(demo_db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing
    try:
        edit.setFocus()
        qtbot.keyClicks(edit, "Wang")
        qtbot.waitUntil(lambda: len(answers.shown) == 1, timeout=10_000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    kind, message = answers.shown[0]
    assert kind == "warning" and "其他程序" in message
    assert edit.text() == "Wang"  # kept in the field
    qtbot.keyClicks(edit, "Li")
    qtbot.waitUntil(lambda: _saved(demo_db).get("unit_head") == "WangLi", timeout=10_000)
    assert len(answers.shown) == 1


def test_one_save_for_a_typed_word_and_on_leaving_the_field(qtbot, demo_db, answers,
                                                            monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    from ylt_desktop.store import cover

    saves = []
    original = cover.set_setting
    monkeypatch.setattr(cover, "set_setting",
                        lambda s, **kw: saves.append(kw["value"]) or original(s, **kw))  # fmt: skip
    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    edit = page.cover["preparer"]
    edit.setFocus()
    qtbot.keyClicks(edit, "Zhang")
    assert saves == []  # not one per key
    page.cover["phone"].setFocus()  # leaving the field saves at once
    assert [v["preparer"] for v in saves] == ["Zhang"]
    assert _saved(demo_db)["preparer"] == "Zhang"


def test_the_fields_take_what_the_cover_can_lay_out(qtbot, demo_db) -> None:  # noqa: ANN001
    from ylt_desktop.returns.check import COVER_MAX

    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    assert {k: e.maxLength() for k, e in page.cover.items()} == COVER_MAX


def test_a_failed_save_is_said_once_with_a_real_message_box(qtbot, demo_db, monkeypatch) -> None:  # noqa: ANN001
    """The message box taking the focus made the field emit editingFinished, which saved again
    while the box showed: the window waited for the database a second time and a second box
    said the same (the ``answers`` fixture's boxes take no focus, so the test above missed it)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    monkeypatch.setattr(access, "BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(access, "BUSY_WAIT", 0.3)
    shown, returned = [], []
    real = QMessageBox.warning

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if box is not None:
            box.reject()

    def warning(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        shown.append(args[2])
        QTimer.singleShot(300, close_box)  # the clerk reads it and clicks OK
        answer = real(*args, **kwargs)
        returned.append(answer)
        return answer

    monkeypatch.setattr(QMessageBox, "warning", warning)
    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    edit = page.cover["unit_head"]
    holder = sqlite3.connect(demo_db.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing
    try:
        edit.setFocus()
        qtbot.keyClicks(edit, "Wang")
        qtbot.waitUntil(lambda: bool(shown) and len(returned) == len(shown), timeout=20_000)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(shown) == 1 and "其他程序" in shown[0]
    assert edit.text() == "Wang"
    qtbot.keyClicks(edit, "Li")  # saved later, once the database is free
    qtbot.waitUntil(lambda: _saved(demo_db).get("unit_head") == "WangLi", timeout=10_000)
