"""Signing in, creating the first 管理员, 用户管理, and the actions each role sees greyed out
(with the reason on hover) — the store refuses them regardless."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from tests.helpers.typing import type_text
from ylt_desktop import app as app_module
from ylt_desktop.demo.users import DEMO_PASSWORDS
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import users
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import QuarterLock
from ylt_desktop.ui.dialogs.sign_in import CreateAdminDialog, SignInDialog
from ylt_desktop.ui.dialogs.users import UsersDialog
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages.returns import ReturnsPage

LAST = Quarter.last_finished(dt.date.today())


def _sign_in(demo_db, name: str) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        demo_db.sign_in(users.authenticate(s, name=name, password=DEMO_PASSWORDS[name]))


def test_sign_in_dialog_refuses_a_wrong_password_then_signs_in(qtbot, demo_db) -> None:  # noqa: ANN001
    demo_db.sign_in(None)
    dialog = SignInDialog(demo_db)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.name, "reviewer")
    type_text(qtbot, dialog.password, "wrong-one")
    dialog.ok_button.click()
    assert "再输错 4 次" in dialog.message.text()
    assert dialog.password.text() == "" and demo_db.user is None
    type_text(qtbot, dialog.password, "reviewer-demo")
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (demo_db.user.name, demo_db.user.role) == ("reviewer", "reviewer")


def test_create_admin_dialog_on_a_database_without_users(qtbot, tmp_path) -> None:  # noqa: ANN001
    db = open_database(tmp_path / "old.sqlite", user=None)
    db.sign_in(None)
    dialog = CreateAdminDialog(db)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.name, "老王")
    type_text(qtbot, dialog.password, "long-enough")
    type_text(qtbot, dialog.again, "long-enougX")
    dialog.ok_button.click()
    assert "不一致" in dialog.message.text()
    type_text(qtbot, dialog.again, "long-enough")
    dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (db.user.name, db.user.role) == ("老王", "admin")
    db.close()


@pytest.mark.parametrize(
    ("who", "submit", "full_ids", "backup", "manage"),
    [
        ("clerk", False, False, False, False),
        ("reviewer", True, True, False, False),
        ("admin", True, True, True, True),
    ],
)
def test_actions_greyed_out_by_role_with_the_reason(
    qtbot, demo_db, who: str, submit: bool, full_ids: bool, backup: bool, manage: bool
) -> None:  # noqa: ANN001
    _sign_in(demo_db, who)
    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    assert page.submit_button.isEnabled() is submit
    assert page.full_ids.isEnabled() is full_ids
    if not submit:
        assert "只有审核人或管理员可以标记季度已报送" in page.submit_button.toolTip()
        assert "只有审核人或管理员可以导出完整证件号码" in page.full_ids.toolTip()
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    backup_action, restore_action = window._ylt_backup_actions
    assert backup_action.isEnabled() is backup and restore_action.isEnabled() is backup
    assert window._ylt_users_action.isEnabled() is manage
    if not manage:
        assert "只有管理员可以管理用户" in window._ylt_users_action.toolTip()
    assert f"当前用户：{who}" in window.path_label.text()


def test_a_clerk_forcing_the_submit_button_is_refused_by_the_store(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    _sign_in(demo_db, "clerk")
    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    page.submit_button.setEnabled(True)  # as if the UI had forgotten to grey it out
    answers.push(QMessageBox.StandardButton.Yes)
    page.submit_button.click()
    assert "只有审核人或管理员可以标记季度已报送" in answers.shown[-1][1]
    with demo_db.session() as s:
        assert s.get(QuarterLock, str(LAST)) is None


def test_reviewer_submits_under_their_own_name(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    _sign_in(demo_db, "reviewer")
    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    answers.push(QMessageBox.StandardButton.Yes)
    page.submit_button.click()
    assert "由 reviewer 报送" in page.status.text()


def test_admin_manages_users_in_the_dialog(qtbot, demo_db, monkeypatch, answers) -> None:  # noqa: ANN001
    _sign_in(demo_db, "admin")
    dialog = UsersDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    texts = iter([("小李", True), ("secret-pass", True), ("secret-pass", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(texts))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("审核人", True))
    dialog.buttons["add"].click()
    assert dialog.table.rowCount() == 4
    names = [dialog.table.item(i, 0).text() for i in range(4)]
    dialog.table.selectRow(names.index("admin"))
    dialog.buttons["delete"].click()
    assert "只能停用" in answers.shown[-1][1]
    dialog.table.selectRow(names.index("clerk"))
    dialog.buttons["active"].click()
    row = [dialog.table.item(i, 0).text() for i in range(4)].index("clerk")
    assert dialog.table.item(row, 2).text() == "停用"


def test_demo_start_signs_in_the_clerk_without_a_prompt(qapp, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    window = MainWindow()
    args = app_module.parse_args(["--demo", "--db", str(tmp_path / "demo.sqlite")])
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", exits.append)
    try:
        app_module._open_and_attach(qapp, window, args)
        assert exits == []
        assert (window.db.user.name, window.db.user.role) == ("clerk", "clerk")
        assert not window._ylt_users_action.isEnabled()
    finally:
        window.db.close()
        window.close()


def test_the_days_first_start_names_an_altered_audit_entry(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    import sqlite3

    window = MainWindow(demo_db)
    qtbot.addWidget(window)

    def verified() -> None:  # on its thread; said on the GUI thread when it ends
        app_module._verify_audit_log(window, demo_db)
        qtbot.waitUntil(lambda: getattr(window, "_ylt_verifying", None) is None)

    verified()
    assert answers.shown == []  # an intact log says nothing
    conn = sqlite3.connect(demo_db.path)
    conn.execute("UPDATE audit_entry SET user = 'someone' WHERE id = 12")
    conn.commit()
    conn.close()
    verified()
    assert answers.shown[-1][0] == "warning" and "操作日志第 12 条" in answers.shown[-1][1]


def test_the_window_answers_while_the_audit_log_is_checked(qtbot, demo_db, answers,
                                                           monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    """The day's audit log check runs on a thread (a lead's million entries take ~30 s): the
    GUI thread handles events meanwhile; the check's end is said and remembered there, and
    not for a database the window no longer holds."""
    import threading

    from PySide6.QtCore import QTimer

    from ylt_desktop.store import audit_verify

    real, release, threads = audit_verify.verify_chain, threading.Event(), []

    def held(session, **kw):  # noqa: ANN001, ANN003, ANN202
        threads.append(threading.current_thread())
        assert release.wait(30)
        return real(session, **kw)

    monkeypatch.setattr(audit_verify, "verify_chain", held)
    remembered = []
    monkeypatch.setattr(demo_db, "daily_check_done", lambda: remembered.append(True))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    app_module._verify_audit_log(window, demo_db)
    ticks = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    qtbot.waitUntil(lambda: len(ticks) >= 3)  # events handled while the check is held
    assert threads and threads[0] is not threading.main_thread() and remembered == []
    release.set()
    qtbot.waitUntil(lambda: getattr(window, "_ylt_verifying", None) is None)
    assert remembered == [True] and answers.shown == []
    # Another database attached meanwhile: the old one's check is not remembered.
    release.clear()
    app_module._verify_audit_log(window, demo_db)
    window.db = object()
    release.set()
    qtbot.waitUntil(lambda: getattr(window, "_ylt_verifying", None) is None)
    window.db = demo_db
    assert remembered == [True]


def test_a_stopped_audit_log_check_leaves_the_day_due(qtbot, demo_db, answers,
                                                      monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    """The program's exit cancels its background tasks (background._stop_all): the audit log's
    check stops within 1,000 entries instead of holding the exit for the whole log, says
    nothing and leaves the day's check due."""
    remembered = []
    monkeypatch.setattr(demo_db, "daily_check_done", lambda: remembered.append(True))
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    app_module._verify_audit_log(window, demo_db)
    task = window._ylt_verifying
    task.cancel()
    with qtbot.waitSignal(task.failed) as ended:
        pass
    qtbot.waitUntil(lambda: getattr(window, "_ylt_verifying", None) is None)
    assert type(ended.args[0]).__name__ == "CheckStopped"
    assert remembered == [] and answers.shown == []


def test_targets_are_the_admins(qtbot, demo_db) -> None:  # noqa: ANN001
    from ylt_desktop.domain.roles import NotAllowed
    from ylt_desktop.store.targets import set_target
    from ylt_desktop.ui.pages.overview import OverviewPage

    _sign_in(demo_db, "reviewer")
    page = OverviewPage(demo_db)
    qtbot.addWidget(page)
    assert not page.targets_button.isEnabled()
    assert "只有管理员可以设置监测指标的目标值" in page.targets_button.toolTip()
    with demo_db.session() as s, pytest.raises(NotAllowed, match="只有管理员"):
        set_target(s, key="x", target=None)
