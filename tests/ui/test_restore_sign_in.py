"""恢复数据库… brings the backup's users: someone who is not among them signs in again. When
nobody does (the sign-in cancelled, or a wrong password five times and given up), the window
showed the restored data all the same with nobody signed in — every unit, person and agreement
readable by whoever sat there, where the start ends the program instead. Now the program ends
as at the start, saying the data were restored and where the safety copy is."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from tests.ui.test_backup import add, count
from ylt_desktop.store import users
from ylt_desktop.store.backup import backup_copy
from ylt_desktop.store.db import open_database
from ylt_desktop.ui.dialogs.backup import restore_from_file
from ylt_desktop.ui.dialogs.sign_in import SignInDialog
from ylt_desktop.ui.main_window import MainWindow

OLD, NEW = ("老王", "Laowang-2026!"), ("小李", "Xiaoli-2026!!")


@pytest.fixture
def exits(qapp, monkeypatch) -> list[int]:  # noqa: ANN001
    found: list[int] = []
    monkeypatch.setattr(qapp, "exit", found.append)
    return found


def test_nobody_signing_in_to_the_restored_data_ends_the_program(
    qtbot, db, monkeypatch, answers, exits
) -> None:  # noqa: ANN001
    add(db, "甲县人民医院", "12345678")
    with db.session() as s:
        users.create_first_admin(s, name=OLD[0], password=OLD[1])
    saved = backup_copy(db.path, reason="manual")  # its only user: 老王
    with db.session() as s:
        db.sign_in(users.authenticate(s, name=OLD[0], password=OLD[1]))
    with db.session() as s:
        users.add_user(s, name=NEW[0], password=NEW[1], role="admin")
    with db.session() as s:
        db.sign_in(users.authenticate(s, name=NEW[0], password=NEW[1]))
    add(db, "乙乡卫生院", "87654321")
    path = db.path
    monkeypatch.setattr(users, "DEFAULT_ACTOR", None)  # as in the program: nobody by default
    w = MainWindow(db)
    qtbot.addWidget(w)
    w.show()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    asked = []
    monkeypatch.setattr(SignInDialog, "exec", lambda d: asked.append(d) or QDialog.Rejected)
    answers.push(QMessageBox.StandardButton.Yes)
    new = restore_from_file(w)
    assert len(asked) == 1  # 小李 is not in the backup: asked to sign in, cancelled
    assert new is None or not new.isVisible(), "the restored data shown to nobody signed in"
    assert exits == [0] and not w.isVisible()
    kind, text = answers.shown[-1][:2]
    assert kind == "information" and "已从备份恢复" in text and "before-restore" in text, text
    assert "登录" in text
    again = open_database(path)
    assert count(again) == 1  # restored all the same
    again.close()
