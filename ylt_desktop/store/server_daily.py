"""The day's first start on a server database (DESIGN §8): remembered per PC, per database.

On an SQLite file the day's first start is known by the day's backup file (``store/backup.py``)
and runs the full check; on a server the daily dump is the administrator's (docs/POSTGRESQL.md),
but the program still verifies the audit log's hash chain once a day. The day it last did so
is kept in this PC's data folder (``server-checks.json``: ``{address without password: date}``),
not in the database: every clerk's program checks on its own first start of the day, so each
clerk who shares the database is told when the log was altered (a flag in the database would
tell only the first one of the day, and a program would write, and audit, a setting at every
start). Stdlib only; a missing or unreadable file means "due" (one check too many, never one
too few).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path

from ylt_desktop.private import owner_only

log = logging.getLogger(__name__)

FILE_NAME = "server-checks.json"


def marks_file() -> Path:
    from ylt_desktop.paths import data_dir

    return data_dir() / FILE_NAME


def _read(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def check_due(where: str, *, today: dt.date | None = None) -> bool:
    """True when this PC has not checked the server database ``where`` today."""
    today = today or dt.date.today()
    return _read(marks_file()).get(where) != today.isoformat()


def mark_checked(where: str, *, today: dt.date | None = None) -> None:
    """Remember that the database ``where`` is checked today (temp file + rename); a failure to
    write is logged only: the next start checks again."""
    today = today or dt.date.today()
    path = marks_file()
    marks = _read(path)
    marks[where] = today.isoformat()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(marks, ensure_ascii=False, indent=1), "utf-8")
        owner_only(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot remember the server database's daily check: %s", type(exc).__name__)
        tmp.unlink(missing_ok=True)
