"""Runs a quarter's export off the GUI thread (a ``BackgroundTask``), with progress and cancel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.model import Cancelled
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import BackgroundTask


class ExportWorker(BackgroundTask):
    """Emits ``progress(done, total)`` then exactly one of ``done(paths)``, ``cancelled()``,
    ``failed(exc)``, all on the GUI thread; ``cancel()`` reaches the running export."""

    cancelled_by = (Cancelled,)

    def __init__(self, db: Database, quarter: Quarter, out_dir: Path, **options: Any) -> None:
        super().__init__(self._export)
        self.db, self.quarter, self.out_dir, self.options = db, quarter, out_dir, options
        self.notes: list[str] = []  # what the exported box says of the PDF (rare characters)
        self.frozen = False  # the notes are of a submitted quarter's frozen records

    def _export(self) -> list[Path]:
        from ylt_desktop.returns.files import export_quarter
        from ylt_desktop.returns.snapshot import is_frozen

        # A session of the task's thread: SQLite connections never cross threads.
        with self.db.session() as s:
            self.frozen = is_frozen(s, self.quarter)
            return export_quarter(
                s,
                self.quarter,
                self.out_dir,
                progress=self.report_progress,
                cancel=self.is_cancelled,
                notes=self.notes,
                **self.options,
            )
