"""The day's check of an SQLite file (the full integrity check at opening, the day's backup,
the audit log's verification): due, claimed by one program at a time, remembered as done, or
forgotten after a restore. The claim is ``store/server_daily.py``'s, with its marks and lock
beside the file's backups. ``store/db.py: open_database`` runs it.

Stdlib only at import, like ``store/backup.py`` and ``store/server_daily.py``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ylt_desktop.store import server_daily
from ylt_desktop.store.backup import backup_folder, daily_backup_due


def _file_marks(path: Path) -> tuple[Path, Path]:
    """The file keeping the day an SQLite file was last checked, and its check's lock file."""
    folder = backup_folder(path)
    return folder / f".{path.name}.daily-check.json", folder / f".{path.name}.daily-check.lock"


def file_check_due(path: Path, *, today: dt.date | None = None) -> bool:
    """True when the day's check of the SQLite file ``path`` is due (``claim_file_check``);
    reads only, makes nothing."""
    marks, _lock = _file_marks(path)
    return server_daily.check_due(path.name, today=today, marks=marks) or daily_backup_due(
        path, today=today
    )


def forget_file_check(path: Path) -> None:
    """The day's check of the SQLite file ``path`` is due again at the next opening, even if
    run today (``store/restore.py``: its data were just replaced by a backup's)."""
    marks, _lock = _file_marks(path)
    server_daily.forget_checked(path.name, marks=marks)


def claim_file_check(path: Path, *, today: dt.date | None = None) -> server_daily.Claim | None:
    """The day's check of the SQLite file ``path`` for this program to run (the full integrity
    check, the day's backup, the audit log's verification), or ``None``: done today already
    (and its backup made), or another program is running it right now (it is not waited for).

    Due until a program has run it to its end (``Database.daily_check_done``) and while the
    day's backup is not made (a full disk: both are tried again at the next start, as
    before). The day is kept in ``backups/.<file>.daily-check.json``, with the lock
    ``.<file>.daily-check.lock`` beside it (``server_daily``'s claim): the folder beside the
    database is writable (``check_access``), and the day is the file's, like its backups."""
    marks, lock = _file_marks(path)
    return server_daily.claim_check(
        path.name,
        today=today,
        marks=marks,
        lock=lock,
        also_due=lambda: daily_backup_due(path, today=today),
    )
