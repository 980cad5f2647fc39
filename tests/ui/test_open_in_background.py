"""Every start opens the database off the GUI thread: the window keeps handling events (the
clerk may read, scroll, move or close it) while the file is checked, backed up and migrated,
behind the saved overview or, for a database with users (the sign-in comes after the opening)
or without a snapshot, behind the opening page; navigation waits and the busy cursor shows
until the database is attached. A failure of that opening is shown (the same Chinese messages
as ever) and ends the program with 2; a window closed meanwhile is not attached to (the
database is closed again)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer

from tests.helpers.root_logger import kept_root_logger
from tests.ui.test_overview_snapshot import WAIT, computed
from ylt_desktop import app as app_module
from ylt_desktop import logs, paths
from ylt_desktop.store import db as db_module
from ylt_desktop.ui import errors
from ylt_desktop.ui.main_window import MainWindow


@pytest.fixture
def ids(db):  # noqa: ANN001, ANN201
    """A consortium (so the start asks nothing) with the county's figures of the quarter."""
    import datetime as dt

    from ylt_desktop.domain.figures import CountyFigures
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store import figures, institutions

    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    quarter = Quarter.last_finished(dt.date.today())
    with db.session() as s:
        institutions.initialize(
            s, name="测试医共体", kind="县域医共体", division="360428", lead=lead
        )
        figures.save_figures(s, quarter=quarter, county=CountyFigures(county_visits=20000))


@pytest.fixture
def window(qapp, monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    """The start's window, painted, before the database opens; the log folder is the test's."""
    monkeypatch.setattr(paths, "log_dir", lambda: tmp_path / "logs")
    with kept_root_logger():
        logs.buffer_early_records()
        w = MainWindow()
        w.show_opening()
        w.show()
        yield w
        w.close()
        if w.db is not None:
            w.db.close()
        w.deleteLater()


@pytest.fixture
def exits(qapp, monkeypatch) -> list[int]:  # noqa: ANN001
    found: list[int] = []
    monkeypatch.setattr(qapp, "exit", found.append)
    return found


@pytest.fixture
def held_open(monkeypatch):  # noqa: ANN001, ANN201
    """``open_database`` held until ``release`` is set; records its thread and what it opened."""
    real = db_module.open_database
    entered, release = threading.Event(), threading.Event()
    seen: dict = {}

    def held(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen["thread"] = threading.current_thread()
        entered.set()
        release.wait(WAIT / 1000)
        seen["db"] = real(*args, **kwargs)
        return seen["db"]

    monkeypatch.setattr(db_module, "open_database", held)
    yield entered, release, seen
    release.set()


def _ticked(qtbot) -> None:  # noqa: ANN001
    """The GUI thread handles events: a timer started now fires."""
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=2_000)


def _snapshot_saved(qtbot, db) -> None:  # noqa: ANN001
    computed(qtbot, db)


def _start(qapp, window, path) -> None:  # noqa: ANN001
    app_module._open_into(qapp, window, app_module.parse_args(["--db", str(path)]))


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen
def test_the_database_opens_off_the_gui_thread_under_the_saved_overview(
    qtbot, qapp, db, ids, window, exits, held_open
) -> None:  # noqa: ANN001
    entered, release, seen = held_open
    _snapshot_saved(qtbot, db)
    _start(qapp, window, db.path)  # returns without waiting for the opening
    page = window.pages["概览"]
    assert page.from_snapshot and window.db is None
    qtbot.waitUntil(entered.is_set, timeout=WAIT)
    assert seen["thread"] is not threading.main_thread()
    _ticked(qtbot)  # the window handles events while the file is opened
    assert not window.nav.isEnabled()
    assert window.cursor().shape() == Qt.CursorShape.BusyCursor
    release.set()
    qtbot.waitUntil(lambda: window.db is not None, timeout=WAIT)
    assert window.db is seen["db"] and window.nav.isEnabled()
    assert window.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert window.pages["概览"] is page and page.db is window.db and page.from_snapshot
    assert not page.busy and exits == []
    assert getattr(window, "_ylt_opening", None) is None


def test_a_failure_of_the_background_opening_is_shown_and_ends_with_2(
    qtbot, qapp, db, ids, window, exits, monkeypatch
) -> None:  # noqa: ANN001
    shown: list = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc: shown.append(exc))
    _snapshot_saved(qtbot, db)

    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise OSError(28, "磁盘已满")

    monkeypatch.setattr(db_module, "open_database", broken)
    _start(qapp, window, db.path)
    qtbot.waitUntil(lambda: exits == [2], timeout=WAIT)
    assert [type(e) for e in shown] == [OSError] and window.db is None
    assert window.cursor().shape() == Qt.CursorShape.ArrowCursor


def test_a_window_closed_during_the_opening_is_not_attached_to(
    qtbot, qapp, db, ids, window, exits, held_open, monkeypatch
) -> None:  # noqa: ANN001
    entered, release, seen = held_open
    closed: list = []
    real_close = db_module.Database.close
    monkeypatch.setattr(
        db_module.Database, "close", lambda self: (closed.append(self), real_close(self))[1]
    )
    _snapshot_saved(qtbot, db)
    _start(qapp, window, db.path)
    qtbot.waitUntil(entered.is_set, timeout=WAIT)
    assert window.close()  # the clerk closes the window while the file opens
    release.set()
    qtbot.waitUntil(lambda: getattr(window, "_ylt_opening", None) is None, timeout=WAIT)
    assert window.db is None and seen["db"] in closed and exits == []


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen
def test_a_wait_told_on_another_thread_reaches_the_status_bar_on_the_gui_thread(
    qtbot, window
) -> None:  # noqa: ANN001
    """The database busy while a worker thread waits for it (the opening behind the overview,
    an import): the status bar says so, set on the GUI thread (never from the worker)."""
    from ylt_desktop.store import access
    from ylt_desktop.ui.errors import install_wait_notice

    install_wait_notice()
    try:
        window.statusBar().clearMessage()
        worker = threading.Thread(target=access.say_waiting)
        worker.start()
        worker.join(timeout=10)
        assert window.statusBar().currentMessage() == ""  # not set from the worker
        qtbot.waitUntil(lambda: "正在等待" in window.statusBar().currentMessage(), timeout=WAIT)
    finally:
        access.on_wait(None)


# --- a database with users: opened off the GUI thread, then the sign-in -----------------------


@pytest.fixture
def sign_ins(monkeypatch) -> list[tuple]:  # noqa: ANN001
    """The sign-in dialog at start (no YLT_USER): each time it is asked for, (its thread,
    whether the window had a database then); the demo's 管理员 then signs in."""
    from PySide6.QtWidgets import QDialog

    from ylt_desktop.demo.users import demo_actor
    from ylt_desktop.ui.dialogs.sign_in import SignInDialog

    asked: list[tuple] = []
    monkeypatch.delenv("YLT_USER", raising=False)

    def answered(dialog) -> QDialog.DialogCode:  # noqa: ANN001
        asked.append((threading.current_thread(), dialog.parent().db is not None))
        dialog.db.sign_in(demo_actor(dialog.db, "admin"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SignInDialog, "exec", answered)
    return asked


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")  # offscreen
def test_a_database_with_users_opens_off_the_gui_thread_before_the_sign_in(
    qtbot, qapp, demo_path, window, exits, held_open, sign_ins
) -> None:  # noqa: ANN001
    """No overview shows before a sign-in: the opening page stays while the file is checked,
    backed up and migrated on a worker thread (here held: a slow opening), the window handles
    events meanwhile, and the sign-in is asked once the database is open."""
    entered, release, seen = held_open
    _start(qapp, window, demo_path)  # returns without waiting for the opening
    assert "概览" not in window.pages and window.db is None
    qtbot.waitUntil(entered.is_set, timeout=WAIT)
    assert seen["thread"] is not threading.main_thread()
    _ticked(qtbot)  # the window handles events while the file is opened
    _ticked(qtbot)
    assert sign_ins == [] and "db" not in seen  # nothing asked before the file is open
    assert not window.nav.isEnabled()
    assert window.cursor().shape() == Qt.CursorShape.BusyCursor
    release.set()
    qtbot.waitUntil(lambda: window.db is not None, timeout=WAIT)
    assert sign_ins == [(threading.main_thread(), False)]  # once, on the GUI thread
    assert window.db is seen["db"] and window.db.user.name == "admin"
    assert window.nav.isEnabled() and window.cursor().shape() == Qt.CursorShape.ArrowCursor
    assert exits == [] and getattr(window, "_ylt_opening", None) is None


def test_a_read_only_database_with_users_is_named_so_without_a_sign_in(
    qtbot, qapp, demo_path, window, exits, sign_ins, answers, monkeypatch
) -> None:  # noqa: ANN001
    """The opening on the worker thread refuses the file: the same message as ever (shown on
    the GUI thread), exit 2, nobody asked to sign in."""
    from pathlib import Path

    from ylt_desktop.store import access

    threads: list = []
    real_check = access.check_access

    def spied(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        threads.append(threading.current_thread())
        return real_check(*args, **kwargs)

    monkeypatch.setattr(access, "check_access", spied)
    real = access.os.access
    # Root ignores chmod 444: refuse writing to this one file as a clerk's system would.
    monkeypatch.setattr(access.os, "access",
                        lambda p, mode: not (mode & 2 and Path(p) == demo_path) and real(p, mode))  # fmt: skip
    _start(qapp, window, demo_path)
    assert exits == []  # the opening runs behind
    qtbot.waitUntil(lambda: exits == [2], timeout=WAIT)
    ((box, text),) = answers.shown
    assert box == "warning" and "数据库文件只读" in text and "已损坏" not in text
    assert threads and threading.main_thread() not in threads
    assert sign_ins == [] and window.db is None


def test_a_locked_database_with_users_is_waited_for_while_the_window_answers(
    qtbot, qapp, demo_path, window, exits, sign_ins, answers
) -> None:  # noqa: ANN001
    """Another program holds the file locked (exclusively): the opening waits for it on the
    worker thread (SQLite's own wait, ~5 s) while the window handles events, then says the
    database is in use, as ever; exit 2, nobody asked to sign in."""
    import sqlite3

    holder = sqlite3.connect(demo_path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("COMMIT")  # the lock stays, in exclusive locking mode
        _start(qapp, window, demo_path)
        _ticked(qtbot)
        assert exits == [] and answers.shown == []  # still waiting, the window answering
        qtbot.waitUntil(lambda: exits == [2], timeout=WAIT)
    finally:
        holder.close()
    ((box, text),) = answers.shown
    assert box == "warning" and "数据库正被其他程序使用" in text
    assert sign_ins == [] and window.db is None
