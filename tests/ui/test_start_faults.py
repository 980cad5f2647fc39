"""The program's start on a file that is not ours, a read-only file, a locked database or a
full disk: one Chinese message box saying what is wrong (the same line as ``ylt``), exit 2,
the file untouched (issue 11 cases 4, 6, 8, 9, 10; issue 13: the GUI shows the same messages).
"""

from __future__ import annotations

import errno
import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.helpers.root_logger import kept_root_logger
from ylt_desktop import app as app_module
from ylt_desktop import logs, paths
from ylt_desktop.store import access
from ylt_desktop.ui.errors import show_error
from ylt_desktop.ui.main_window import MainWindow


@pytest.fixture
def window(qapp, monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    monkeypatch.setattr(paths, "log_dir", lambda: tmp_path / "logs")
    with kept_root_logger():
        logs.buffer_early_records()
        w = MainWindow()
        w.show_opening()
        yield w
        w.close()
        w.deleteLater()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _start(qtbot, qapp, window, monkeypatch, path: Path) -> list[int]:  # noqa: ANN001
    """The start on ``path``: the database opens off the GUI thread (the call returns at
    once), then its outcome is handled; waited for until the program leaves."""
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", exits.append)
    app_module._open_into(qapp, window, app_module.parse_args(["--db", str(path)]))
    assert exits == []  # not opened on the GUI thread: nothing has ended yet
    qtbot.waitUntil(lambda: bool(exits), timeout=20_000)
    return exits


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("kind", ["zero-byte", "foreign"])
def test_a_file_that_is_not_ours_is_refused_with_a_message(kind, qtbot, qapp, window, answers,
                                                           monkeypatch, tmp_path) -> None:  # noqa: ANN001  # fmt: skip
    path = tmp_path / "ylt.sqlite"
    if kind == "zero-byte":
        path.write_bytes(b"")
    else:
        _foreign(path)
    before = _digest(path)
    assert _start(qtbot, qapp, window, monkeypatch, path) == [2]
    ((box, text),) = answers.shown
    assert box == "warning"
    assert "不是本程序的数据库" in text and str(path) in text
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["logs", "ylt.sqlite"]


def test_a_read_only_file_is_named_so(qtbot, qapp, window, answers, monkeypatch, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.store.db import open_database

    path = tmp_path / "ylt.sqlite"
    open_database(path).close()
    before = _digest(path)
    real = access.os.access
    # Root ignores chmod 444: refuse writing to this one file as a clerk's system would.
    monkeypatch.setattr(
        access.os, "access", lambda p, mode: not (mode & 2 and Path(p) == path) and real(p, mode)
    )
    assert _start(qtbot, qapp, window, monkeypatch, path) == [2]
    ((box, text),) = answers.shown
    assert box == "warning" and "数据库文件只读" in text and "已损坏" not in text
    assert _digest(path) == before


def test_errors_the_user_can_act_on_show_no_details(qapp, answers) -> None:  # noqa: ANN001
    show_error(None, OSError(errno.ENOSPC, "No space left on device", "/x/y.xlsx"))
    show_error(None, access.DatabaseBusy(access.busy_refusal()))
    assert [kind for kind, _ in answers.shown] == ["warning", "warning"]
    assert "磁盘空间不足" in answers.shown[0][1]
    assert "数据库正被其他程序使用" in answers.shown[1][1]
    assert all("Errno" not in text for _, text in answers.shown)


def test_the_status_bar_says_the_program_waits(qapp, window) -> None:  # noqa: ANN001
    from ylt_desktop.ui.errors import install_wait_notice

    qapp._ylt_main_window = window
    install_wait_notice()
    try:
        access.say_waiting()
        assert window.statusBar().currentMessage() == access.BUSY_MESSAGE
    finally:
        access.on_wait(None)
        del qapp._ylt_main_window


def test_a_full_disk_at_the_days_backup_warns_and_the_clerk_works_on(
    qapp, window, answers, monkeypatch, tmp_path
) -> None:  # noqa: ANN001
    """The day's automatic backup cannot be written: the program opens all the same (exit
    code none) and says once that the backup was not made and how to make one."""
    from ylt_desktop.store.db import open_database

    path = tmp_path / "ylt.sqlite"
    open_database(path).close()

    def full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise access.DiskFull(5 * 1024 * 1024, path.parent)

    monkeypatch.setattr(access, "ensure_free_space", full)
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", exits.append)
    monkeypatch.setattr(app_module, "_ensure_consortium", lambda _w, db, _a: db)
    app_module._open_and_attach(qapp, window, app_module.parse_args(["--db", str(path)]))
    try:
        assert exits == []
        assert window.db is not None and window.db.path == path.resolve()
        ((box, text),) = answers.shown
        assert box == "warning" and "自动备份没有做成" in text and "磁盘空间不足" in text
        assert "备份数据库" in text
    finally:
        window.db.close()
