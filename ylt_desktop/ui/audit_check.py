"""The day's audit log check, after the day's first opening or a restore (``app.py``,
``dialogs/backup.py``): on a ``BackgroundTask``, said and remembered on the GUI thread."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def verify_audit_log(window, db) -> None:  # noqa: ANN001
    """The day's first start also checks the audit log's hash chain and the stored scans, on a
    ``BackgroundTask`` (~30 µs an entry here: a lead's log of a million entries would freeze
    the window half a minute); the clerk works meanwhile. The first entry altered or removed
    outside the program is then named (nothing is changed). Only once that is done (and said)
    is the day's check remembered, and only while the window still holds ``db``: a crash, a
    kill, a check that stopped (or was stopped: the program's exit cancels it, so closing
    does not wait for the whole log), or another database opened meanwhile leaves it due
    (``Database.daily_check_done``). The task is ``window._ylt_verifying`` while it runs."""
    from ylt_desktop.ui.background import BackgroundTask

    def call():  # noqa: ANN202 - on the task's thread, with its own session
        from ylt_desktop.store.audit_verify import verify_chain

        with db.session() as s:  # stopped when the program ends (background._stop_all)
            return verify_chain(s, stop=task.is_cancelled)

    task = BackgroundTask(call)

    def ended() -> bool:
        """The task is over; True while the window is still there and still holds ``db``."""
        from shiboken6 import isValid

        task.thread.wait()
        if getattr(window, "_ylt_verifying", None) is task:
            window._ylt_verifying = None  # noqa: SLF001
        return isValid(window) and getattr(window, "db", None) is db

    def done(report) -> None:  # noqa: ANN001
        if not ended():
            log.info("the audit log was checked for a database closed since: still due")
            return
        if not report.ok:
            from PySide6.QtWidgets import QMessageBox

            log.warning("audit log check failed at entry %s", report.first_bad_id)
            QMessageBox.warning(
                window,
                "操作日志校验未通过",
                "\n".join(report.problems)
                + "\n\n数据库可能在本程序之外被改动。请联系管理员核查，必要时从备份恢复。",
            )
        db.daily_check_done()

    def failed(exc: BaseException) -> None:
        from ylt_desktop.store.audit_verify import CheckStopped

        ended()
        if isinstance(exc, CheckStopped):  # asked to stop: nothing concluded, still due
            log.info("the audit log's check was stopped; the day's check stays due")
            return
        log.error("the audit log's check stopped; the day's check stays due", exc_info=exc)

    task.done.connect(done)
    task.failed.connect(failed)
    window._ylt_verifying = task  # noqa: SLF001
    task.start()
