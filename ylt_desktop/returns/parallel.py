"""The workbook written by a second process while this one writes the PDF: both cores.

Once a quarter's rows are assembled the two writers are independent. ``Helper`` starts a
process with ``spawn`` (the start method Windows has, and the one a PyInstaller bundle
supports: the entry point calls ``multiprocessing.freeze_support()``) *before* the rows are
assembled, so its start-up (an interpreter, openpyxl) overlaps the reading; then it gets the
assembled return through a pipe and writes its file to the temporary name the export gave it.
Only the pipe is shared (no semaphores, hence no resource-tracker process).

What the export guarantees stays the same: the helper writes to the export's temporary
file, which replaces the target only when both files succeeded; a failure in the helper is
raised here as the same exception (or, when it cannot travel between processes, one with the
same message), the PDF stops at its next page and no file is left; a cancel or a failure here
stops the helper before the temporary files are removed. The helper's own module is light
(``parallel_child``): no SQLAlchemy, no Qt, no reportlab.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ylt_desktop.returns.model import Cancel, Cancelled
from ylt_desktop.returns.parallel_child import WriterFailed, serve
from ylt_desktop.returns.temps import _remove_own_temps
from ylt_desktop.store.backup import DatabaseProblem

PARALLEL_ROWS = 2_000
"""Records (members, rotations, agreements) from which an export writes its two files in two
processes; below it the helper's start-up (~0.3 s of CPU) costs more than it saves."""
STOP_WAIT = 10.0  # seconds a stopped helper gets to clean up before it is terminated
POLL = 0.05


class HelperDied(DatabaseProblem):
    def __init__(self, code: int | None) -> None:
        super().__init__(
            "写入 Excel 文件的后台进程意外退出（" + f"代码 {code}" + "），文件没有导出；请重试"
        )


class Helper:
    """One helper process, ready to write one file."""

    def __init__(self, prepare: str = "ylt_desktop.returns.xlsx") -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, theirs = ctx.Pipe()
        self.proc = ctx.Process(
            target=serve, args=(theirs, prepare), daemon=True, name="ylt-export-writer"
        )
        self.proc.start()
        theirs.close()
        self.done = 0.0  # the helper's share done, 0..1
        self.finished = False
        self.error: BaseException | None = None
        self.folder: Path | None = None
        self.stopped = False

    def write(self, writer: Callable[..., None], ret: Any, path: Path) -> None:
        """Hand the helper its job: ``writer(ret, path, progress=…, cancel=…)``."""
        self.folder = Path(path).parent
        try:
            self.conn.send((writer, ret, str(path), str(self.folder)))
        except (BrokenPipeError, EOFError, ConnectionError):
            raise HelperDied(self.proc.exitcode) from None

    def drain(self, timeout: float = 0.0) -> None:
        """Read what the helper said (progress, done, its error) without waiting, or up to
        ``timeout`` seconds for the first message."""
        while not self.finished:
            try:
                if not self.conn.poll(timeout):
                    return
                message = self.conn.recv()
            except (EOFError, ConnectionError, OSError):
                self.proc.join(STOP_WAIT)
                self.finished, self.error = True, HelperDied(self.proc.exitcode)
                return
            timeout = 0.0
            kind = message[0]
            if kind == "progress":
                self.done = message[1] / max(message[2], 1)
            elif kind == "done":
                self.finished, self.done = True, 1.0
            elif kind == "error":
                self.finished, self.error = True, _local(message[1])

    def raise_error(self) -> None:
        """Raise the helper's failure now (the PDF stops at its next page)."""
        self.drain()
        if self.error is not None:
            raise self.error

    def wait(self, cancel: Cancel | None, report: Callable[[], None]) -> None:
        """Until the helper's file is written; its failure is raised here."""
        while not self.finished:
            self.drain(POLL)
            report()
            if not self.finished and cancel is not None and cancel():
                raise Cancelled("已取消导出")
            if not self.finished and not self.proc.is_alive():
                self.drain()
                if not self.finished:
                    self.finished, self.error = True, HelperDied(self.proc.exitcode)
        if self.error is not None:
            raise self.error
        self.proc.join(STOP_WAIT)

    def stop(self) -> None:
        """End the helper (asked to stop, then terminated): before the export's temporary
        files are removed, so that nothing writes them afterwards. Safe to call twice."""
        if self.stopped:
            return
        self.stopped = True
        if self.proc.is_alive() and not self.finished:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send("stop")
        self.proc.join(STOP_WAIT)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(STOP_WAIT)
        self.conn.close()
        if self.folder is not None and self.proc.pid:
            _remove_own_temps(self.folder, self.proc.pid)


def _local(error: BaseException) -> BaseException:
    """The helper's failure as raised here: itself when it travelled whole; a message the
    clerk reads (``DatabaseProblem``) stays one; a program error keeps its text."""
    if isinstance(error, WriterFailed):
        if error.problem:
            return DatabaseProblem(error.message)
        return RuntimeError(error.message)
    return error
