"""Where an export's temporary files go: hidden, owner-only ``.ylt-tmp-<pid>-…`` files in the
output folder, openpyxl's sheet files too (never the system temp folder), and the removal of
those an export killed midway left (``remove_stale_temps``). Light on imports: the process
that writes the workbook beside the program (``parallel.py``) uses it alone.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import shutil
import time
from pathlib import Path

from ylt_desktop.processes import process_alive

TEMP_PREFIX = ".ylt-tmp-"

_temp_folder: contextvars.ContextVar[Path | None] = contextvars.ContextVar(
    "ylt_temp_folder", default=None
)


def _openpyxl_temp_file(suffix: str = "") -> str:
    """openpyxl's ``create_temporary_file``, writing into the export's folder (owner-only)."""
    import tempfile

    from openpyxl.worksheet import _writer

    folder = _temp_folder.get()
    prefix = f"{TEMP_PREFIX}{os.getpid()}-openpyxl-" if folder else "openpyxl."
    fd, name = tempfile.mkstemp(suffix=suffix, prefix=prefix, dir=folder)
    os.close(fd)
    _writer.ALL_TEMP_FILES.append(name)
    return name


def _redirect_openpyxl_temp_files() -> None:
    from openpyxl.worksheet import _writer

    _writer.create_temporary_file = _openpyxl_temp_file


def _remove_own_temps(folder: Path, pid: int | None = None) -> None:
    """openpyxl's sheet files of this process (or of process ``pid``) in ``folder``."""
    for leftover in folder.glob(f"{TEMP_PREFIX}{pid or os.getpid()}-openpyxl-*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


STALE_AFTER = 600.0
"""Seconds after which a temporary export file of a process that cannot be asked is a leftover."""

_OWNER = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d+)-")


def _stale(entry: Path, limit: float) -> bool:
    owner = _OWNER.match(entry.name)
    if owner and os.name == "posix":
        return not process_alive(int(owner[1]))
    return entry.stat().st_mtime <= limit


def remove_stale_temps(folder: Path, *, older_than: float | None = None) -> list[Path]:
    """Delete temporary files that an export killed midway left behind in ``folder``.

    A file whose process is gone goes at once; one of unknown owner after ``older_than``
    seconds (default ``STALE_AFTER``).
    """
    limit = time.time() - (STALE_AFTER if older_than is None else older_than)
    removed = []
    for leftover in folder.glob(f"{TEMP_PREFIX}*") if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            if _stale(leftover, limit):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
                removed.append(leftover)
    return removed
