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

The day is remembered only once the check has run to its end (``Claim.done``): a program that
crashes or is killed while checking leaves it due, and the next start checks. While a program
of this PC runs the check it holds an OS lock on a file of its own beside the marks (released
by the OS when the program ends, however it ends), so a second program of this PC started
meanwhile does not run it again at the same time; PCs do not wait for each other (each clerk
is told on their own PC).

An SQLite file's day's check uses the same claim (``store/file_daily.py``:
``claim_file_check``), with its marks and lock beside the file's backups rather than in the
data folder: the check is of the file, which one PC uses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
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


def check_due(where: str, *, today: dt.date | None = None, marks: Path | None = None) -> bool:
    """True when this PC has not checked the server database ``where`` today (``marks``: the
    file the days are kept in, ``marks_file()`` unless given)."""
    today = today or dt.date.today()
    return _read(marks or marks_file()).get(where) != today.isoformat()


def mark_checked(where: str, *, today: dt.date | None = None, marks: Path | None = None) -> None:
    """Remember that the database ``where`` is checked today (temp file + rename); a failure to
    write is logged only: the next start checks again."""
    today = today or dt.date.today()
    path = marks or marks_file()
    days = _read(path)
    days[where] = today.isoformat()
    _write(path, days)


def forget_checked(where: str, *, marks: Path | None = None) -> None:
    """The day's check of ``where`` is due again, even if run today: its data were replaced
    (a restore), and what was checked is no longer what is there. A check running meanwhile
    in another program is not remembered when it ends (``Claim.done``: the mark it started
    from changed). A failure to write is logged (the day stays remembered: the next day's
    start checks)."""
    path = marks or marks_file()
    days = _read(path)
    days[where] = f"{RESTORED}{time.time_ns()}"  # never a day: due
    _write(path, days)
    log.info("the database's daily check is due again (its data were restored)")


RESTORED = "restored-"


def _write(path: Path, days: dict[str, str]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(days, ensure_ascii=False, indent=1), "utf-8")
        owner_only(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot remember the database's daily check: %s", type(exc).__name__)
        tmp.unlink(missing_ok=True)


def lock_file(where: str) -> Path:
    """The file whose OS lock a program holds while it runs the day's check of ``where``."""
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
    return marks_file().with_name(f"server-check-{digest}.lock")


class Claim:
    """This program's run of the day's check of one database: ``done`` when the check has run
    to its end (remembers the day, then lets go), ``release`` otherwise (not remembered: the
    next start checks)."""

    def __init__(
        self, where: str, today: dt.date, handle: int | None, marks: Path | None = None
    ) -> None:
        self.where, self.today, self._handle, self.marks = where, today, handle, marks
        # The mark when the check began: a restore meanwhile changes it (``forget_checked``).
        self.began_at = _read(marks or marks_file()).get(where)

    def done(self) -> None:
        if self.where:
            if _read(self.marks or marks_file()).get(self.where) == self.began_at:
                mark_checked(self.where, today=self.today, marks=self.marks)
            else:  # the data checked were replaced meanwhile: the next start checks again
                log.info("the database was restored during its daily check: still due")
            self.where = ""
        self.release()

    def release(self) -> None:
        handle, self._handle = self._handle, None
        if handle is not None:
            _unlock(handle)


def claim_check(
    where: str,
    *,
    today: dt.date | None = None,
    marks: Path | None = None,
    lock: Path | None = None,
    also_due: Callable[[], bool] | None = None,
) -> Claim | None:
    """The day's check of ``where`` for this program to run: ``None`` when it is not due on
    this PC today, or another program of this PC is running it now (never waits for it). A
    lock file that cannot be made (a read-only data folder) does not stop the check.

    ``marks`` and ``lock`` are the files of the days checked and of the lock (the data
    folder's, ``lock_file(where)``, unless given); ``also_due`` says the check is due for a
    reason of the caller's even when the day is marked (an SQLite file's backup not made)."""
    today = today or dt.date.today()

    def due() -> bool:
        return check_due(where, today=today, marks=marks) or bool(also_due and also_due())

    if not due():
        return None
    handle, free = _lock(lock or lock_file(where))
    if not free:
        log.info("the database's daily check is running in another program")
        return None
    claim = Claim(where, today, handle, marks)
    if not due():  # the other program finished just before
        claim.release()
        return None
    return claim


def _windows() -> bool:
    """Whether the OS lock is ``msvcrt.locking`` (Windows) rather than ``fcntl.flock``; one
    place, so a test runs the Windows branch on any system (with a stand-in ``msvcrt``)."""
    return os.name == "nt"


# msvcrt locks a byte range counted from the handle's current position, not the whole file:
# every program locks (and unlocks) this range, from the file's start, whatever its size (a
# range past the end of an empty file may be locked on Windows).
_LOCKED_BYTES = 1


def _lock(path: Path) -> tuple[int | None, bool]:
    """(an open file holding an exclusive OS lock on ``path``, True); (None, False) when
    another program holds it; (None, True) when no lock file can be made here."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        log.warning("no lock for the database's daily check: %s", type(exc).__name__)
        return None, True
    try:
        if _windows():
            import msvcrt

            os.lseek(handle, 0, os.SEEK_SET)
            msvcrt.locking(handle, msvcrt.LK_NBLCK, _LOCKED_BYTES)  # OSError when held
        else:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(handle)
        return None, False
    return handle, True


def _unlock(handle: int) -> None:
    try:
        if _windows():
            import msvcrt

            os.lseek(handle, 0, os.SEEK_SET)  # the range locked, wherever the handle is now
            msvcrt.locking(handle, msvcrt.LK_UNLCK, _LOCKED_BYTES)
    except OSError:
        log.warning("the daily check's lock was not unlocked; closing its file lets it go")
    finally:
        os.close(handle)
