"""What the export's helper process runs (``parallel.Helper``): one writer, then it exits.

Imported by a fresh interpreter (spawn), so it imports only what writing needs: the writer's
module (named by the parent, imported while the parent reads the database) and the temporary
file rules; no SQLAlchemy, no Qt.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import time
from pathlib import Path
from typing import Any

PROGRESS_EVERY = 0.1  # seconds between progress messages


class WriterFailed(Exception):
    """A failure that could not travel between processes as itself: its text, and whether
    it was a message for the clerk (a ``DatabaseProblem``)."""

    def __init__(self, message: str, problem: bool) -> None:
        super().__init__(message, problem)
        self.message, self.problem = message, problem

    def __str__(self) -> str:
        return self.message


def portable(exc: BaseException) -> BaseException:
    """``exc`` when it survives pickling with its type and text, else a ``WriterFailed``."""
    try:
        copy = pickle.loads(pickle.dumps(exc))
        if type(copy) is type(exc) and str(copy) == str(exc):
            return exc
    except Exception:  # noqa: BLE001, S110 - any exception that cannot travel
        pass
    problem = any(c.__name__ == "DatabaseProblem" for c in type(exc).__mro__)
    return WriterFailed(str(exc), problem)


def serve(conn: Any, prepare: str | None = None) -> None:
    """Import ``prepare`` (while the parent assembles the rows), take one job from ``conn``,
    run it, and say how it went: ``("progress", done, total)``…, then ``("done",)`` or
    ``("error", exception)``. The parent's ``"stop"`` makes the writer's cancel check true."""
    if prepare:
        importlib.import_module(prepare)
    try:
        job = conn.recv()
    except (EOFError, OSError):
        return
    if not isinstance(job, tuple):
        return
    writer, ret, path, folder = job
    from ylt_desktop.returns.temps import _redirect_openpyxl_temp_files, _temp_folder

    _temp_folder.set(Path(folder))
    _redirect_openpyxl_temp_files()
    stopped = [False]
    last = [0.0]

    def cancel() -> bool:
        while not stopped[0] and conn.poll():
            stopped[0] = conn.recv() == "stop"
        return stopped[0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            conn.send(("progress", done, total))

    try:
        writer(ret, Path(path), progress=progress, cancel=cancel)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        outcome: tuple = ("error", portable(exc))
    else:
        outcome = ("done", os.getpid())
    with contextlib.suppress(OSError):  # the parent may have gone (a cancel, a kill)
        conn.send(outcome)
    conn.close()
