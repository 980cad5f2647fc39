"""The program's start: the window paints first, then the database opens into it; a failure
there ends the program with 2 and is logged, never a window left on "正在打开数据库…"."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QTimer

from tests.helpers.root_logger import kept_root_logger
from ylt_desktop import app as app_module
from ylt_desktop import logs, paths
from ylt_desktop.ui import errors
from ylt_desktop.ui.main_window import MainWindow


@pytest.fixture
def shown(monkeypatch, tmp_path) -> list:  # noqa: ANN001
    """Errors shown to the clerk (no real box); the log folder is the test's own."""
    seen: list = []
    monkeypatch.setattr(errors, "show_error", lambda parent, exc: seen.append(exc))
    monkeypatch.setattr(paths, "log_dir", lambda: tmp_path / "logs")
    with kept_root_logger():
        logs.buffer_early_records()
        yield seen


@pytest.fixture
def window(qapp) -> MainWindow:  # noqa: ANN001
    w = MainWindow()
    w.show_opening()
    yield w
    w.close()
    w.deleteLater()


def test_window_paints_before_the_database_opens(demo_path) -> None:  # noqa: ANN001
    path = demo_path
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ylt_desktop", "--db", str(path), "--quit-after-paint"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["painted", "ready"]


def test_nothing_heavy_is_imported_before_painting() -> None:
    """What app.main imports before the first paint: no store (SQLAlchemy ~0.3 s), no
    logging.handlers or platformdirs (~10 ms each; they are set up after the paint)."""
    code = (
        "import sys; import ylt_desktop.app, ylt_desktop.ui.errors, ylt_desktop.ui.fonts, "
        "ylt_desktop.ui.main_window; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'platformdirs', 'openpyxl', 'reportlab') or m == 'logging.handlers'))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr[-2000:]


def test_a_failure_while_opening_ends_the_program_with_2(
    qapp, shown, window, monkeypatch, tmp_path
) -> None:  # noqa: ANN001, E501
    def broken(*_args):  # noqa: ANN002, ANN202
        raise RuntimeError("boom")

    monkeypatch.setattr(app_module, "_open", broken)
    args = app_module.parse_args(["--db", str(tmp_path / "ylt.sqlite")])
    guard = QTimer(singleShot=True, interval=20_000)  # a regression must not hang the run
    guard.timeout.connect(lambda: qapp.exit(99))
    guard.start()
    QTimer.singleShot(0, lambda: app_module._open_into(qapp, window, args))
    code = qapp.exec()
    guard.stop()
    assert code == 2
    assert [str(exc) for exc in shown] == ["boom"]
    text = (tmp_path / "logs" / "ylt.log").read_text(encoding="utf-8")
    assert "cannot open the program" in text
    assert "RuntimeError: boom" in text


def test_the_database_opens_when_the_log_file_cannot(
    qtbot, qapp, shown, window, monkeypatch, demo_path, capsys
) -> None:  # noqa: ANN001, E501
    path = demo_path
    logging.getLogger("ylt_desktop.ui.fonts").error("cannot load font x")  # before the paint

    def unwritable(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise PermissionError("log folder not writable")

    monkeypatch.setattr(logs, "setup_logging", unwritable)
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", exits.append)
    app_module._open_into(qapp, window, app_module.parse_args(["--db", str(path)]))
    try:
        qtbot.waitUntil(lambda: window.db is not None, timeout=20_000)  # opened off the GUI thread
        assert window.db.path == path
        assert exits == []
        assert shown == []
        err = capsys.readouterr().err
        assert "cannot load font x" in err
        assert "cannot open the log file" in err
    finally:
        if window.db is not None:
            window.db.close()


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "x.sqlite", "--quit-after-paint"],
        ["--db=x.sqlite", "--lang", "en"],
        ["--lang=en", "--demo", "--db", "a b.sqlite", "--db", "c.sqlite"],
        ["--self-test"],
        ["--db", "postgresql://clerk@server/ylt"],
        ["--db", " PostgreSQL://clerk@server/ylt "],
        ["--db", "postgres_backup.sqlite"],
    ],
)
def test_the_usual_command_lines_are_read_as_argparse_reads_them(argv) -> None:  # noqa: ANN001
    """Read without argparse before the first paint, with the same result."""
    usual = app_module._usual_args(argv)
    assert usual is not None
    assert vars(usual) == vars(app_module._parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        ["--d", "x"],
        ["--lang", "fr"],
        ["--db"],
        ["--db", "--demo"],
        ["--db="],
        ["-h"],
        ["--version"],
        ["x.sqlite"],
        ["--db", "-x"],
    ],  # fmt: skip
)
def test_anything_else_is_left_to_argparse(argv) -> None:  # noqa: ANN001
    assert app_module._usual_args(argv) is None
