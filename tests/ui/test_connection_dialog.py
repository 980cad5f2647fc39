"""数据库连接: 本机数据库 by default, 连接服务器 with 测试连接 in Chinese; the server is remembered
without its password, which is asked when the server wants one and kept in memory only."""

from __future__ import annotations

import gc
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from tests.helpers.typing import type_text
from ylt_desktop.store import connect
from ylt_desktop.store.connect import ConnectionResult
from ylt_desktop.ui.dialogs import connection
from ylt_desktop.ui.dialogs.connection import ConnectionDialog, remembered_server


@pytest.fixture
def store(tmp_path) -> QSettings:  # noqa: ANN001
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _fill(qtbot, dialog: ConnectionDialog, host: str, port: int = 5432) -> None:  # noqa: ANN001
    dialog.server_radio.setChecked(True)
    type_text(qtbot, dialog.host, host)
    dialog.port.setValue(port)
    type_text(qtbot, dialog.database, "县域医共体")
    type_text(qtbot, dialog.user, "ylt")


def test_the_local_database_is_the_default(qtbot, store) -> None:  # noqa: ANN001
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    assert dialog.local_radio.isChecked()
    assert not dialog.server_box.isEnabled() and not dialog.test_button.isEnabled()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert remembered_server(store) is None


def test_a_server_wanting_a_password_asks_and_the_password_is_not_kept(
    qtbot, store, monkeypatch
) -> None:  # noqa: ANN001, E501
    tried = []

    def check(url: str, *, password: str | None = None) -> ConnectionResult:
        tried.append((url, password))
        if password is None:
            return ConnectionResult(False, connect.PASSWORD_NEEDED, "数据库服务器要求输入密码")
        return ConnectionResult(True, connect.OK, "连接成功：ylt@db-server:5432/县域医共体")

    monkeypatch.setattr(connection, "check_connection", check)
    asked = []
    dialog = ConnectionDialog(
        store=store, password_prompt=lambda _parent, why: asked.append(why) or "geheim"
    )
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "db-server")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.testing())
    assert asked == ["数据库服务器要求输入密码"]
    assert [p for _, p in tried] == [None, "geheim"]
    assert dialog.result_label.text().startswith("连接成功")
    dialog.accept()  # tested with this address: not tried again
    assert len(tried) == 2
    assert dialog.password == "geheim"  # for opening the database now, in memory
    url = remembered_server(store)
    assert url == "postgresql://ylt@db-server:5432/%E5%8E%BF%E5%9F%9F%E5%8C%BB%E5%85%B1%E4%BD%93"
    assert connect.ServerChoice.from_url(url).database == "县域医共体"
    store.sync()
    saved = [str(store.value(k)) for k in store.allKeys()]
    assert not any("geheim" in v for v in saved)
    assert "geheim" not in Path(store.fileName()).read_text(encoding="utf-8")


def test_an_unreachable_server_is_not_remembered(qtbot, store) -> None:  # noqa: ANN001
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "127.0.0.1", port)
    dialog.accept()  # tries first
    qtbot.waitUntil(lambda: not dialog.testing(), timeout=20_000)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.result_label.text().startswith("无法连接数据库服务器")
    assert remembered_server(store) is None


def test_missing_fields_are_named(qtbot, store) -> None:  # noqa: ANN001
    dialog = ConnectionDialog(store=store, prefer_server=True)
    qtbot.addWidget(dialog)
    assert dialog.server_radio.isChecked()
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    assert "请填写服务器地址" in dialog.result_label.text()
    assert "请填写数据库名" in dialog.result_label.text()


def test_a_remembered_server_is_shown_again(qtbot, store) -> None:  # noqa: ANN001
    connection.remember(store, connect.ServerChoice("10.0.0.5", "ylt", "clerk", 6543))
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    assert dialog.server_radio.isChecked()
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text(),
            dialog.user.text()) == ("10.0.0.5", 6543, "ylt", "clerk")  # fmt: skip


def test_first_run_switches_to_the_chosen_server_database(qtbot, db, tmp_path, monkeypatch) -> None:  # noqa: ANN001, E501
    from ylt_desktop.store.db import open_database
    from ylt_desktop.ui.dialogs.first_run import FirstRunDialog

    other = open_database(tmp_path / "server-stand-in.sqlite")
    monkeypatch.setattr(ConnectionDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    monkeypatch.setattr(
        ConnectionDialog, "choice", lambda self: connect.ServerChoice("srv", "ylt", "ylt")
    )
    opened = []
    monkeypatch.setattr(
        connection, "open_chosen", lambda url, password: opened.append(url) or other
    )
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.connect_server()
    assert opened == ["postgresql://ylt@srv:5432/ylt"]
    assert dialog.db is other and dialog.result() == QDialog.DialogCode.Accepted
    other.close()


def test_a_new_local_database_offers_the_server_before_its_admin(
    qtbot,
    tmp_path,
    demo_db,
    monkeypatch,  # noqa: ANN001
) -> None:
    """First start on a new PC of a county unit: 连接服务器… instead of making a local 管理员;
    the server's database is signed in to (its own users) and shown."""
    import argparse

    from ylt_desktop import app
    from ylt_desktop.store import users
    from ylt_desktop.store.db import open_database
    from ylt_desktop.ui.dialogs.sign_in import CreateAdminDialog

    server = demo_db  # stands in for the server's database: set up, with its users
    monkeypatch.setattr(users, "DEFAULT_ACTOR", None)
    local = open_database(tmp_path / "new.sqlite")
    assert app._new_local(local, argparse.Namespace(demo=False))
    shown = []

    def exec_(dialog: CreateAdminDialog) -> int:
        shown.append(dialog.server_button.text())
        dialog.connect_server()
        return dialog.result()

    monkeypatch.setattr(CreateAdminDialog, "exec", exec_)
    monkeypatch.setattr(connection, "choose_server", lambda parent, path: server)
    args = argparse.Namespace(demo=False, quit_after_paint=False)
    opened = app._ensure_consortium(None, local, args)
    assert shown == ["连接服务器…"]
    assert opened is server
    assert server.user is not None and server.user.name == "admin"  # YLT_USER of the tests
    with local.session() as s:
        assert not users.has_users(s)  # no local 管理员 was made


def test_a_real_server_is_tested_remembered_and_opened(qtbot, store, pg_url) -> None:  # noqa: ANN001
    """测试连接 against the test cluster's server, then the database opened from the choice."""
    choice = connect.ServerChoice.from_url(pg_url)
    dialog = ConnectionDialog(store=store, prefer_server=True)
    qtbot.addWidget(dialog)
    dialog.host.setText(choice.host)  # the cluster's socket folder
    dialog.port.setValue(choice.port)
    dialog.database.setText(choice.database)
    dialog.user.setText(choice.user)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.testing(), timeout=20_000)
    assert dialog.result_label.text().startswith("连接成功")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    url = remembered_server(store)
    assert connect.ServerChoice.from_url(url) == choice
    db = connection.open_chosen(url, dialog.password)
    try:
        assert db.on_server
    finally:
        db.close()


@pytest.fixture
def silent_server() -> Iterator[tuple[int, threading.Event, threading.Event]]:
    """A local port that accepts a connection and never answers, until ``release`` is set
    (then it hangs up). Yields the port, ``accepted`` and ``release``."""
    accepted, release = threading.Event(), threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(30)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            accepted.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted, release
    release.set()
    thread.join(timeout=30)
    listener.close()


def _ticked(qtbot) -> None:  # noqa: ANN001
    """The GUI thread handles events: a timer started now fires."""
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=2_000)


@pytest.mark.qt_log_level_fail("WARNING")
def test_testing_a_server_that_never_answers_keeps_the_dialog_usable(
    qtbot, store, silent_server
) -> None:  # noqa: ANN001
    """测试连接 runs off the GUI thread: while the server is silent, 正在连接… shows, events are
    handled, 确定 and 测试连接 are off; then the answer shows and 确定 is back."""
    port, accepted, release = silent_server
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "127.0.0.1", port)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)  # returns at once
    assert dialog.testing() and dialog.result_label.text() == "正在连接…"
    assert not ok.isEnabled() and not dialog.test_button.isEnabled()
    qtbot.waitUntil(accepted.is_set, timeout=10_000)  # the check is inside the server
    _ticked(qtbot)
    dialog.accept()  # Enter while testing: nothing happens
    assert dialog.testing() and dialog.result() != QDialog.DialogCode.Accepted
    release.set()  # the server hangs up
    qtbot.waitUntil(lambda: not dialog.testing(), timeout=20_000)
    assert dialog.result_label.text().startswith("无法连接数据库服务器")
    assert ok.isEnabled() and dialog.test_button.isEnabled()
    assert remembered_server(store) is None


@pytest.fixture
def held_check(monkeypatch) -> tuple[list, threading.Event]:  # noqa: ANN001
    """``check_connection`` held until ``release`` is set; then it says 连接成功 for any URL."""
    tried: list = []
    release = threading.Event()

    def check(url: str, *, password: str | None = None) -> ConnectionResult:
        tried.append(url)
        release.wait(timeout=30)
        return ConnectionResult(True, connect.OK, f"连接成功：{url}")

    monkeypatch.setattr(connection, "check_connection", check)
    return tried, release


def test_a_late_answer_for_a_changed_address_is_ignored(qtbot, store, held_check) -> None:  # noqa: ANN001
    tried, release = held_check
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "old-server")
    task = dialog.test()
    qtbot.waitUntil(lambda: len(tried) == 1)
    dialog.host.setText("new-server")  # the clerk changes the address meanwhile
    assert not dialog.testing() and dialog.result_label.text() == ""
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    with qtbot.waitSignal(task.done, timeout=10_000):
        release.set()
    qtbot.waitUntil(task.thread.isFinished)
    assert dialog.result_label.text() == ""  # old-server's 连接成功 is not shown for new-server
    assert dialog._tested is None  # noqa: SLF001 - 确定 will test new-server first
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert "@new-server:" in tried[-1] and len(tried) == 2
    assert "@new-server:" in remembered_server(store)


def test_accept_tests_first_and_closes_on_a_good_answer(qtbot, store, held_check) -> None:  # noqa: ANN001
    tried, release = held_check
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "db-server")
    dialog.accept()
    assert dialog.testing()
    assert dialog.result() != QDialog.DialogCode.Accepted and remembered_server(store) is None
    release.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert (
        remembered_server(store) == "postgresql://ylt@db-server:5432/" + tried[0].rsplit("/", 1)[1]
    )


@pytest.mark.qt_log_level_fail("WARNING")
def test_closing_the_dialog_during_a_test_abandons_it_at_once(qtbot, store, held_check) -> None:  # noqa: ANN001
    """Closed (and deleted) while 测试连接 runs: the test is cancelled with the dialog, its task
    ends at once (``cancelled``, never ``done``) without waiting for the check, nothing is
    remembered, and the check answering later reaches nobody."""
    from ylt_desktop.ui import background

    tried, release = held_check
    dialog = ConnectionDialog(store=store)
    _fill(qtbot, dialog, "db-server")
    task = dialog.test()
    answered: list = []
    task.done.connect(lambda answer: answered.append(answer))
    qtbot.waitUntil(lambda: len(tried) == 1)
    with qtbot.waitSignal(task.cancelled, timeout=2_000):  # not the check's 30 s
        dialog.reject()
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.testing()
    assert task.is_cancelled() and not release.is_set()  # the check is still held
    qtbot.waitUntil(task.thread.isFinished, timeout=2_000)
    background._prune()  # noqa: SLF001 - as the next start does
    assert task not in background._RUNNING  # noqa: SLF001
    with qtbot.waitSignal(dialog.destroyed):
        dialog.deleteLater()
    del dialog
    gc.collect()
    release.set()  # the abandoned check answers now, on its daemon thread: to nobody
    _ticked(qtbot)
    assert answered == [] and remembered_server(store) is None


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen
def test_closing_the_dialog_during_a_silent_test_ends_its_task_before_the_timeout(
    qtbot, store, silent_server
) -> None:  # noqa: ANN001
    """A real connect to a server that accepted and never answers: closing the dialog (×)
    ends the test's task within a fraction of ``CONNECT_TIMEOUT``; the connect is left to
    its daemon thread, which touches nothing of the dialog."""
    import time

    from ylt_desktop.store.connect import CONNECT_TIMEOUT
    from ylt_desktop.ui import background

    port, accepted, release = silent_server
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    dialog.show()
    _fill(qtbot, dialog, "127.0.0.1", port)
    task = dialog.test()
    qtbot.waitUntil(accepted.is_set, timeout=10_000)
    start = time.monotonic()
    with qtbot.waitSignal(task.cancelled, timeout=3_000):
        dialog.close()
    qtbot.waitUntil(task.thread.isFinished, timeout=3_000)
    assert time.monotonic() - start < 3 < CONNECT_TIMEOUT
    assert not release.is_set() and not dialog.testing()
    background._prune()  # noqa: SLF001
    assert task not in background._RUNNING  # noqa: SLF001
    assert remembered_server(store) is None


@pytest.mark.qt_log_level_fail("WARNING")
def test_exiting_during_a_test_does_not_wait_for_the_silent_server(
    qtbot, store, silent_server
) -> None:  # noqa: ANN001
    """The program's exit (``background._stop_all``) while 测试连接 waits on a server that
    accepted and never answers: the check is abandoned, the exit does not wait the
    ``CONNECT_TIMEOUT`` (8 s) out, and the task's thread has ended (no QThread outlives it)."""
    import time

    from ylt_desktop.store.connect import CONNECT_TIMEOUT
    from ylt_desktop.ui import background

    port, accepted, release = silent_server
    dialog = ConnectionDialog(store=store)
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, "127.0.0.1", port)
    task = dialog.test()
    qtbot.waitUntil(accepted.is_set, timeout=10_000)  # the check is inside the server
    dialog.reject()
    assert task.running() and task in background._RUNNING  # noqa: SLF001
    start = time.monotonic()
    background._stop_all()  # noqa: SLF001 - what the interpreter runs at exit
    took = time.monotonic() - start
    assert took < 3 < CONNECT_TIMEOUT
    assert not release.is_set()  # the server never answered: the check was abandoned
    assert task.thread.isFinished() and not background._RUNNING  # noqa: SLF001
    with qtbot.waitSignal(task.cancelled, timeout=5_000):  # its end arrives on the GUI thread
        pass
    assert remembered_server(store) is None


CHILD_EXIT = r"""
import socket, sys, threading
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
accepted, never = threading.Event(), threading.Event()
def serve():
    conn, _ = listener.accept()
    accepted.set()
    never.wait(60)  # accepted, never answers
threading.Thread(target=serve, daemon=True).start()
from ylt_desktop.ui.dialogs.connection import ConnectionDialog
dialog = ConnectionDialog(store=QSettings(sys.argv[1], QSettings.Format.IniFormat))
dialog.server_radio.setChecked(True)
dialog.host.setText("127.0.0.1")
dialog.port.setValue(listener.getsockname()[1])
dialog.database.setText("ylt")
dialog.user.setText("ylt")
task = dialog.test()
assert task is not None and dialog.testing()
while not accepted.wait(0.01):
    app.processEvents()
dialog.reject()
print("exiting", flush=True)
sys.exit(0)  # the interpreter's exit: atexit runs background._stop_all, then PySide's own
"""


def test_the_program_exits_at_once_during_a_test_without_a_crash(tmp_path) -> None:  # noqa: ANN001
    """A whole interpreter that exits while 测试连接 waits on a silent server: it ends with code
    0 well before ``CONNECT_TIMEOUT`` and says nothing of a QThread destroyed while running."""
    import os
    import subprocess
    import sys
    import time

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD_EXIT, str(tmp_path / "settings.ini")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        line = child.stdout.readline()  # after the dialog was closed during the test
        start = time.monotonic()
        code = child.wait(timeout=60)
        took = time.monotonic() - start
    finally:
        if child.poll() is None:
            child.kill()
    errors = child.stderr.read()
    assert line == "exiting\n", errors
    assert code == 0, errors
    assert took < 3, took
    assert "QThread" not in errors and "Fatal" not in errors, errors


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen
def test_closing_the_main_window_during_a_test_closes_the_dialog_and_cancels_it(
    qtbot, store, held_check
) -> None:  # noqa: ANN001
    """The program's window closed while its 数据库连接 tests a server (设置 → 数据库连接):
    nothing to ask (a test writes nothing); the dialog closes with it, its test cancelled at
    once, so the program can end without waiting for the server."""
    from ylt_desktop.ui.main_window import MainWindow

    tried, release = held_check
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    dialog = ConnectionDialog(window, store=store)
    dialog.show()
    _fill(qtbot, dialog, "db-server")
    task = dialog.test()
    qtbot.waitUntil(lambda: len(tried) == 1)
    with qtbot.waitSignal(task.cancelled, timeout=2_000):
        assert window.close()
    assert not dialog.isVisible() and not dialog.testing() and not window.isVisible()
    assert not release.is_set() and remembered_server(store) is None
    qtbot.waitUntil(task.thread.isFinished, timeout=2_000)
