"""Where an export's temporary files go: hidden, owner-only ``.ylt-tmp-<pid>-…`` files in the
output folder, openpyxl's sheet files too (never the system temp folder). Light on imports:
the process that writes the workbook beside the program (``parallel.py``) uses it alone.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from pathlib import Path

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
