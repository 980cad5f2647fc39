"""The program's day's first start on an SQLite file runs the whole check (integrity check,
backup, the audit log's verification) and remembers the day only once it has run to its end
(``store/db.py: claim_file_check``): a verification that raises is done again at the next
start, with no second backup; a finished one is not repeated that day."""

from __future__ import annotations

from pathlib import Path

from ylt_desktop import app as app_module
from ylt_desktop.store.backup import list_backups
from ylt_desktop.ui.main_window import MainWindow


def _start(qtbot, monkeypatch, path: Path) -> None:  # noqa: ANN001
    """The program's start on ``path`` as far as the attached window (signed in as the admin)."""
    from PySide6.QtWidgets import QApplication

    exits: list[int] = []
    monkeypatch.setattr(QApplication.instance(), "exit", exits.append)
    monkeypatch.setattr(app_module, "_ensure_consortium", lambda _w, db, _a: db)
    window = MainWindow()
    try:
        app_module._open_and_attach(QApplication.instance(), window,
                                    app_module.parse_args(["--db", str(path)]))  # fmt: skip
        assert exits == [] and window.db is not None and window.db.path == path.resolve()
        # The day's audit log check runs on a thread: its end is said and remembered.
        qtbot.waitUntil(lambda: getattr(window, "_ylt_verifying", None) is None, timeout=30_000)
    finally:
        if window.db is not None:
            window.db.close()
        window.close()
        window.deleteLater()


def test_a_check_that_fails_at_start_is_done_again_at_the_next_start(qtbot, demo_path, answers,
                                                                     monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    from ylt_desktop.store import audit_verify

    real = audit_verify.verify_chain

    def broken(session, **_kw):  # noqa: ANN001, ANN003, ANN202
        raise RuntimeError("the check stopped before its end")

    monkeypatch.setattr(audit_verify, "verify_chain", broken)
    _start(qtbot, monkeypatch, demo_path)  # the check stops on its thread: logged, still due
    assert [b.reason for b in list_backups(demo_path)] == ["daily"]
    checked = []
    monkeypatch.setattr(audit_verify, "verify_chain",
                        lambda s, **kw: (checked.append(True), real(s, **kw))[1])  # fmt: skip
    _start(qtbot, monkeypatch, demo_path)
    _start(qtbot, monkeypatch, demo_path)
    assert checked == [True] and answers.shown == []
    assert [b.reason for b in list_backups(demo_path)] == ["daily"]  # one backup that day
