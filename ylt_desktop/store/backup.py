"""Nothing lost: the health check of the database file, backups and their rotation (restoring
one is ``store/restore.py``).

Backups are whole-database copies made with SQLite's online backup API into ``backups/`` beside
the database, named ``<stem>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.sqlite``. A copy is written under
a ``.partial`` name and renamed only when complete, so a power cut never leaves a half file under
a backup's name. Reasons:

- automatic, rotated (the newest ``KEEP`` of each kind stay): ``daily``, ``before-migration-*``,
  ``before-import-*``, ``before-restore``, ``before-package`` (members' data packages applied);
- never pruned: ``manual`` (备份数据库…, ``ylt backup``) and ``damaged`` (a raw copy of a damaged
  file set aside by a restore), and every file not matching the pattern.

Stdlib only at import (no SQLAlchemy, no Qt): the start-up check stays cheap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ylt_desktop.durable import fsync_dir, fsync_file
from ylt_desktop.private import owner_only

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
KEEP = 30
AUTOMATIC = ("daily", "before-migration", "before-import", "before-restore", "before-package")
MANUAL = "manual"
DAMAGED = "damaged"
_STAMP = "%Y%m%d-%H%M%S-%f"
_SQLITE_IOERR, _SQLITE_FULL = 10, 13  # primary result codes (extended code & 0xFF)
_SQLITE_PROTOCOL = 15  # "locking protocol": another program holds the -shm file's locks
_PARTIAL = ".partial"
_YLT_TABLES = {"alembic_version", "consortium", "institution"}

Progress = Callable[[str], None]


class DatabaseProblem(Exception):
    """A database file that cannot be used; ``str(exc)`` is a Chinese message for the user."""


class DamagedDatabase(DatabaseProblem):
    def __init__(self, path: Path, health: Health) -> None:
        super().__init__(f"数据库文件已损坏：{path}\n{health.message}")
        self.path = path
        self.health = health


class RestoreRefused(DatabaseProblem):
    pass


@dataclass(frozen=True)
class Health:
    ok: bool
    message: str = ""
    revision: str | None = None
    is_ylt: bool = False
    empty: bool = False


@dataclass(frozen=True)
class BackupFile:
    path: Path
    taken: dt.datetime
    reason: str

    @property
    def automatic(self) -> bool:
        return _kind(self.reason) is not None


def _kind(reason: str) -> str | None:
    return next((k for k in AUTOMATIC if reason == k or reason.startswith(k + "-")), None)


# ---------------------------------------------------------------- health


def _ro_connect(path: Path) -> sqlite3.Connection:
    # Read-only: a damaged or foreign file is never written to (the main file's bytes stay).
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def known_revisions() -> set[str]:
    """Every migration this program knows, read from the version files (no Alembic import)."""
    from ylt_desktop.store import db

    found = set()
    for path in (db.MIGRATIONS_DIR / "versions").glob("*.py"):
        for name, value in db._REVISION_RE.findall(path.read_text("utf-8")):
            if name == "revision":
                found.add(value)
    return found


def check_database(path: str | Path, *, full: bool = True, integrity: bool = True) -> Health:
    """``PRAGMA integrity_check`` (``quick_check`` when not ``full``; none unless ``integrity``)
    on a read-only connection.

    A missing or empty file is healthy (a new database). Measured on a 50 MB database:
    integrity_check 0.7 s, quick_check 0.12 s (warm cache). A database another program holds
    locked raises ``DatabaseBusy`` (it is not damaged).
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return Health(ok=True, empty=True)
    try:
        conn = _ro_connect(path)
        try:
            pragma = "integrity_check" if full else "quick_check"
            rows = (
                [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)").fetchall()]
                if integrity
                else ["ok"]
            )
            if rows != ["ok"]:
                # SQLite's own words are English: the log keeps them, the clerk reads Chinese.
                log.warning("integrity check of %s: %s", path.name, "; ".join(rows[:3]))
                return Health(ok=False, message="完整性检查未通过：文件内容已损坏")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            revision = None
            if "alembic_version" in tables:
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = revision[0] if revision else None
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        _raise_access_problem(path, exc)
        log.warning("cannot read %s as a database: %s", path.name, exc)
        return Health(ok=False, message="不是有效的数据库文件，或文件已损坏")
    except sqlite3.DatabaseError as exc:
        log.warning("cannot read %s as a database: %s", path.name, exc)
        return Health(ok=False, message="不是有效的数据库文件，或文件已损坏")
    return Health(ok=True, revision=revision, is_ylt=tables >= _YLT_TABLES)


def _raise_access_problem(path: Path, exc: sqlite3.OperationalError) -> None:
    """A locked or unopenable file is not a damaged one: say what it is."""
    from ylt_desktop.store import access

    text = str(exc).lower()
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    # "locking protocol": a WAL database whose -shm file another program keeps locked (a
    # program on another PC, on a network share) is as busy as a locked one, not damaged.
    if "locked" in text or "busy" in text or "locking protocol" in text or code == _SQLITE_PROTOCOL:
        raise access.DatabaseBusy(access.busy_refusal(path)) from None
    if "unable to open" in text or "readonly" in text:
        access.check_access(path, create=False)  # names the permission that is missing
        raise access.DatabaseReadOnly(f"无法打开数据库文件（无权限或所在文件夹不可写）：{path}")
    # Opening a WAL database makes its -shm file: on a full disk that fails with "disk I/O
    # error" (SQLITE_IOERR_SHMSIZE) or "database or disk is full". The file is sound; calling
    # it damaged offered to restore an older backup over it.
    if code in (_SQLITE_IOERR, _SQLITE_FULL) or "disk i/o" in text or "full" in text:
        access.check_access(path, create=False)  # a folder, a read-only file: said as such
        raise access.DiskTrouble(
            f"无法读写数据库文件所在的磁盘（磁盘空间不足，或磁盘出错）：{path.parent}；"
            "数据库文件没有被改动。请清理磁盘空间后重新打开"
        )


def verify_backup(path: str | Path) -> Health:
    """A file fit to restore: intact, a YLT database, and a schema version this program knows."""
    path = Path(path)
    if path.is_dir():
        return Health(ok=False, message=f"所选的是一个文件夹，不是备份文件：{path}")
    if not path.is_file() or path.stat().st_size == 0:
        return Health(ok=False, message=f"文件不存在或为空：{path}")
    health = check_database(path, full=True)
    if not health.ok:
        return Health(ok=False, message=f"该文件已损坏，不能用于恢复：{health.message}")
    if not health.is_ylt or health.revision is None:
        return Health(
            ok=False, message="该文件不是本程序的数据库（缺少医联体数据表），不能用于恢复"
        )
    if health.revision not in known_revisions():
        return Health(
            ok=False,
            revision=health.revision,
            is_ylt=True,
            message=(
                f"该文件的数据结构版本（{health.revision}）比本程序新，或无法识别；"
                "请先升级本程序再恢复"
            ),
        )
    return health


# ---------------------------------------------------------------- copies


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def copy_database(source: Path, target: Path, *, progress: Progress | None = None) -> Path:
    """Copy ``source`` into a self-contained file ``target`` (no -wal), atomically.

    The copy is written as ``.<target>.partial``, made a rollback-journal database, synced to disk,
    then renamed over ``target``. A disk without room for it is refused before (``DiskFull``,
    with the size needed); whatever fails midway, the partial file is removed.
    """
    from ylt_desktop.store.access import DiskFull, database_size, ensure_free_space

    needed = database_size(Path(source))
    ensure_free_space(target.parent, needed)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}{_PARTIAL}")
    _remove(tmp)
    try:
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(tmp)
            owner_only(tmp)  # a copy holds the same personal data as the database
            try:
                dst.execute("PRAGMA journal_mode=DELETE")

                def step(_status: int, remaining: int, total: int) -> None:
                    if progress is not None:
                        progress(f"copy {total - remaining}/{total}")

                src.backup(dst, pages=256, progress=step)
                # The copied header says WAL when the source is; make the copy one single file.
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        _remove(tmp)
        _remove(Path(f"{tmp}-journal"))
        if _disk_full(exc):
            raise DiskFull(needed, target.parent) from None
        raise
    fsync_dir(target.parent)
    return target


def _disk_full(exc: BaseException) -> bool:
    import errno

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.Error) and "full" in str(exc).lower()


def backup_folder(db_path: Path) -> Path:
    return Path(db_path).parent / BACKUP_DIR


def backup_name(db_path: Path, reason: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime(_STAMP)
    return backup_folder(db_path) / f"{Path(db_path).stem}-{stamp}-{reason}.sqlite"


def backup_copy(
    path: Path, *, reason: str, now: dt.datetime | None = None, progress: Progress | None = None
) -> Path:
    """Copy the database into ``backups/`` beside it under an automatic or manual name."""
    target = backup_name(path, reason, now)
    copy_database(Path(path), target, progress=progress)
    log.info("backup written: %s", target)
    if _kind(reason):
        prune_backups(path)
    return target


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def backup_before(db_or_path: Any, reason: str) -> Path | None:
    """A rotated backup before a risky operation: ``backup_before(db, "import")``.

    ``db_or_path`` is a ``Database`` or a path; ``reason`` becomes part of the file name
    (``...-before-import.sqlite``; non-ASCII characters are dropped). A database on a server
    is dumped with ``pg_dump`` (``store/pg_backup.py``; ``None`` when it is not installed).
    """
    slug = _slug(reason).removeprefix("before-") or "change"
    if getattr(db_or_path, "on_server", False):
        from ylt_desktop.store import pg_backup

        return pg_backup.automatic_backup(db_or_path.engine.url, reason=f"before-{slug}")
    path = Path(getattr(db_or_path, "path", db_or_path))
    return backup_copy(path, reason=f"before-{slug}")


# ---------------------------------------------------------------- listing and rotation


def list_backups(db_path: Path) -> list[BackupFile]:
    """Every backup of this database in ``backups/``, newest first."""
    folder = backup_folder(db_path)
    pattern = re.compile(
        rf"^{re.escape(Path(db_path).stem)}-(\d{{8}}-\d{{6}}-\d{{6}})-([a-z0-9-]+)\.sqlite$"
    )
    found = []
    for entry in folder.glob("*.sqlite") if folder.is_dir() else ():
        m = pattern.match(entry.name)
        if m:
            found.append(BackupFile(entry, dt.datetime.strptime(m[1], _STAMP), m[2]))
    return sorted(found, key=lambda b: b.taken, reverse=True)


def prune_backups(db_path: Path, *, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups of each kind; manual ones stay."""
    seen: dict[str, int] = {}
    removed = []
    for backup in list_backups(db_path):
        kind = _kind(backup.reason)
        if kind is None:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] > keep:
            _remove(backup.path)
            removed.append(backup.path)
    if removed:
        log.info("pruned %d old backups", len(removed))
    # Another program may be copying right now: only leftovers older than an hour go.
    remove_stale_partials(backup_folder(db_path), older_than=3600)
    return removed


def daily_backup_due(db_path: Path, *, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return not any(b.reason == "daily" and b.taken.date() == today for b in list_backups(db_path))


def daily_backup(db_path: Path, *, today: dt.date | None = None) -> Path | None:
    """The first start of a day copies the database; later starts that day do nothing."""
    today = today or dt.date.today()
    if not daily_backup_due(db_path, today=today):
        return None
    now = dt.datetime.combine(today, dt.datetime.now().time())
    return backup_copy(db_path, reason="daily", now=now)


def good_backups(db_path: Path) -> Iterator[BackupFile]:
    """Backups fit to restore, newest first; each is verified only when asked for."""
    for backup in list_backups(db_path):
        if backup.reason != DAMAGED and verify_backup(backup.path).ok:
            yield backup


def newest_good_backup(db_path: Path) -> BackupFile | None:
    return next(good_backups(db_path), None)


def remove_stale_partials(folder: Path, *, older_than: float = 0.0) -> None:
    """Delete what a killed copy left (``.*.partial`` and its ``-journal``)."""
    now = time.time()
    for entry in folder.glob(f".*{_PARTIAL}*"):
        with contextlib.suppress(OSError):
            if now - entry.stat().st_mtime >= older_than:
                entry.unlink()


def has_users(path: Path) -> bool:
    try:
        conn = _ro_connect(path)
        try:
            return conn.execute("SELECT 1 FROM app_user LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:  # no such table (an older database) or unreadable
        return False
