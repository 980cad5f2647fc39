"""Workbook writers for the export's helper process in tests: module-level, so the helper
(a fresh interpreter, spawn) can import them by name. Each fails in its own way."""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path
from typing import Any

from ylt_desktop.store.access import DiskFull


def full_disk(ret: Any, path: Path, **_: Any) -> None:
    Path(path).write_bytes(b"half a workbook")
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def disk_full_problem(ret: Any, path: Path, **_: Any) -> None:
    """A DatabaseProblem whose constructor does not take its message (does not unpickle)."""
    Path(path).write_bytes(b"half a workbook")
    raise DiskFull(5 * 1024 * 1024, Path(path).parent)


def program_error(ret: Any, path: Path, **_: Any) -> None:
    raise ValueError("第 3 张表的列数与模板不符")


def killed(ret: Any, path: Path, **_: Any) -> None:
    Path(path).write_bytes(b"half a workbook")
    os.kill(os.getpid(), signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)


def slow_until_stopped(ret: Any, path: Path, *, cancel: Any, **_: Any) -> None:
    """Writes until the parent stops it (its cancel check turns true)."""
    import time

    Path(path).write_bytes(b"part")
    while not cancel():
        time.sleep(0.01)
    from ylt_desktop.returns.model import Cancelled

    raise Cancelled("已取消导出")
