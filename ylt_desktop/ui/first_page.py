"""The first page at start: the overview saved last time, shown when it still matches the
database (``ui/pages/overview_snapshot.py``; ``app.py`` asks before the database opens and again
after a sign-in), the database opened off the GUI thread behind it or behind the opening page
(``open_in_background``), and, for ``bench/run.py`` (``--quit-after-paint``), the moment the
first page shows its data."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


def show_saved_overview(window, path: Path, lang: str, *, signed_in: bool) -> bool:  # noqa: ANN001
    """Build the overview from the snapshot next to ``path`` when it matches the file now
    (not before a sign-in the database asks for: ``signed_in``); whether it is shown."""
    import datetime as dt

    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store.snapshot_key import file_fingerprint
    from ylt_desktop.ui.pages.overview_snapshot import load_snapshot, snapshot_key

    found = file_fingerprint(path)
    if found is None or (found.has_users and not signed_in):
        return False
    key = snapshot_key(found, str(Quarter.last_finished(dt.date.today())), lang=lang)
    view = load_snapshot(path, key)
    if view is None:
        return False
    from ylt_desktop.ui.pages.overview import OverviewPage

    page = OverviewPage(None, window.stack)
    page.show_snapshot(view, key)
    window.show_early("概览", page)
    log.info("overview shown from its snapshot")
    return True


def open_in_background(window, target, then) -> None:  # noqa: ANN001
    """Open the database at ``target`` (as ``app._open`` does: checked, the day's backup,
    migrated) on a ``BackgroundTask`` while the saved overview or the opening page shows
    (before the sign-in, the first run, or a database locked by another program: waited for),
    so the window keeps answering (SQLAlchemy's import and the opening take ~0.5 s, the
    day's first start more, a locked file up to ``access.BUSY_WAIT``);
    meanwhile the navigation waits and the busy cursor shows. ``then(db or exception)`` runs
    on the GUI thread once it has opened, unless the window was closed meanwhile (the
    database is then closed again). The task is ``window._ylt_opening`` while it runs."""
    from PySide6.QtCore import Qt

    from ylt_desktop.ui.background import BackgroundTask

    def call():  # noqa: ANN202 - on the task's thread: SQLAlchemy is imported there
        from ylt_desktop.store.db import open_database

        return open_database(target, daily=True)

    task = BackgroundTask(call)
    was_shown = window.isVisible()

    def ended(result) -> None:  # noqa: ANN001
        task.thread.wait()
        window._ylt_opening = None  # noqa: SLF001
        window.nav.setEnabled(True)
        window.unsetCursor()
        if was_shown and not window.isVisible():  # closed meanwhile: nothing to show it in
            log.info("window closed while the database opened")
            if not isinstance(result, BaseException):
                result.close()
            return
        then(result)

    task.done.connect(ended)
    task.failed.connect(ended)
    window._ylt_opening = task  # noqa: SLF001
    window.nav.setEnabled(False)
    window.setCursor(Qt.CursorShape.BusyCursor)
    task.start()


def say_ready(window) -> None:  # noqa: ANN001
    """bench/run.py: the first page shows its data (printed once, after a repaint)."""
    if not getattr(window, "_ylt_ready", False):
        window._ylt_ready = True  # noqa: SLF001
        window.repaint()
        print("ready", flush=True)


def quit_when_shown(app, window) -> None:  # noqa: ANN001
    """bench/run.py: print "ready" once the first page shows its data (the overview's
    indicators as soon as computed, or its snapshot), and quit once it has nothing more to
    compute (the pre-export check done, the snapshot written), or its computation failed,
    and the day's audit log check has ended. A page without such work is ready when
    attached."""
    page = window.stack.currentWidget()
    computed = getattr(page, "computed", None)

    def done() -> None:
        say_ready(window)
        verifying = getattr(window, "_ylt_verifying", None)  # the day's audit log check
        if verifying is None:
            app.quit()
            return
        # After the check's own slots (connected first): its end is said and remembered.
        verifying.done.connect(lambda _report: app.quit())
        verifying.failed.connect(lambda _exc: app.quit())

    if computed is None or (getattr(page, "view", None) is not None and not page.busy):
        done()
        return
    page.indicators_shown.connect(lambda: say_ready(window))
    computed.connect(done)
    page.failed_to_compute.connect(done)
