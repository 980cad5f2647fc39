"""Runs a quarter's export off the GUI thread, with progress and a cancel flag."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store.db import Database


class ExportWorker(QObject):
    """Emits ``progress(done, total)`` then exactly one of ``done``, ``cancelled``, ``failed``."""

    progress = Signal(int, int)
    done = Signal(list)
    cancelled = Signal()
    failed = Signal(object)

    def __init__(self, db: Database, quarter: Quarter, out_dir: Path, **options: Any) -> None:
        super().__init__()
        self.db, self.quarter, self.out_dir, self.options = db, quarter, out_dir, options
        self._cancel = threading.Event()
        self.thread = QThread()
        self.moveToThread(self.thread)
        self.thread.started.connect(self.run)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        from ylt_desktop.returns.files import export_quarter
        from ylt_desktop.returns.model import Cancelled

        try:
            with self.db.session() as s:
                paths = export_quarter(
                    s,
                    self.quarter,
                    self.out_dir,
                    progress=self.progress.emit,
                    cancel=self._cancel.is_set,
                    **self.options,
                )
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # shown by the page through show_error or the check list
            self.failed.emit(exc)
        else:
            self.done.emit(paths)
        finally:
            self.thread.quit()
