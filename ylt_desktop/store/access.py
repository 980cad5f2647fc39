"""What stands between the program and its database file, said in one Chinese line.

``check_access(path, create=...)`` runs before SQLite touches a file: a folder, a missing file
(only ``ylt init``, ``ylt demo`` and the first-run dialog create one), a read-only file or folder,
a file without read permission, an empty file. ``explain(exc)`` turns the errors that reach a
user (a full disk, a locked database, a refused permission, a unique row written meanwhile by
another program) into a message with neither SQL nor its values. ``ensure_free_space`` refuses
a large write the disk cannot hold before a byte is written.

Stdlib only at import (SQLAlchemy's exceptions are recognised by name).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import time
from pathlib import Path

from ylt_desktop.store.backup import DatabaseProblem

MB = 1024 * 1024


class DatabaseMissing(DatabaseProblem):
    pass


class DatabaseReadOnly(DatabaseProblem):
    pass


class NotOurDatabase(DatabaseProblem):
    pass


class DatabaseBusy(DatabaseProblem):
    pass


class DiskTrouble(DatabaseProblem):
    """The disk under a sound database cannot be written or read (full, failing)."""


class DiskFull(DatabaseProblem):
    def __init__(self, needed: int | None = None, where: Path | None = None) -> None:
        need = f"（需要约 {max(1, -(-needed // MB))} MB）" if needed else ""
        place = f"：{where}" if where else ""
        super().__init__(f"磁盘空间不足{need}{place}；请清理磁盘后重试，已有数据没有被改动")
        self.needed = needed


BUSY_MESSAGE = "数据库正被其他程序使用，正在等待……"
BUSY_WAIT = 30.0
"""Seconds a write waits for another program's lock before it is refused."""
BUSY_TIMEOUT_MS = 5000
"""SQLite's own wait for a lock, per try (``PRAGMA busy_timeout``)."""


def busy_refusal(path: Path | str | None = None) -> str:
    where = f"：{path}" if path else ""
    return f"数据库正被其他程序使用，等待后仍未释放{where}；请关闭其他正在使用它的程序后重试"


def _folder_writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def check_access(path: Path, *, create: bool) -> None:
    """Refuse, with the reason, a database path SQLite could not use safely. Writes nothing."""
    if path.is_dir():
        raise DatabaseProblem(f"所指定的数据库路径是一个文件夹，不是数据库文件：{path}")
    if not path.exists():
        if not create:
            raise DatabaseMissing(f"找不到数据库文件：{path}；新建请用 ylt init")
        folder = next((p for p in [path.parent, *path.parent.parents] if p.exists()), None)
        if folder is not None and not folder.is_dir():
            raise DatabaseProblem(f"数据库所在的位置不是文件夹：{folder}")
        if folder is not None and not _folder_writable(folder):
            raise DatabaseReadOnly(f"文件夹只读或无写入权限，不能在其中创建数据库：{folder}")
        return
    if not path.is_file():
        raise DatabaseProblem(f"所指定的数据库路径不是普通文件：{path}")
    if not os.access(path, os.R_OK):
        raise DatabaseReadOnly(f"无权限读取数据库文件：{path}")
    if path.stat().st_size == 0:
        raise NotOurDatabase(
            f"不是本程序的数据库（文件为空，0 字节）：{path}；程序没有改动它。"
            "要在这里新建数据库，请先删除这个空文件（或换一个文件名）"
        )
    if not os.access(path, os.W_OK):
        raise DatabaseReadOnly(
            f"数据库文件只读：{path}；请取消该文件的“只读”属性或复制到可写的文件夹后再打开"
        )
    if not _folder_writable(path.parent):
        raise DatabaseReadOnly(
            f"数据库所在的文件夹只读或无写入权限：{path.parent}；"
            "程序需要在该文件夹中写入临时文件，请把数据库放到可写的文件夹"
        )


SPACE_MARGIN = 4 * MB
"""Room kept free beyond a large write's own size (SQLite's journal, the log)."""


def ensure_free_space(folder: Path, needed: int, *, margin: int | None = None) -> None:
    """Raise ``DiskFull`` when ``folder``'s disk has less than ``needed`` (+ a margin) free."""
    margin = SPACE_MARGIN if margin is None else margin
    probe = next((p for p in [folder, *folder.parents] if p.exists()), None)
    if probe is None:
        return
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return  # cannot tell: the write itself will say
    if free < needed + margin:
        raise DiskFull(needed + margin, folder)


def database_size(path: Path) -> int:
    """Bytes of the database with its -wal (what a copy of it needs)."""
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += os.stat(f"{path}{suffix}").st_size
    return total


def error_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and what caused it: SQLAlchemy's wrapped driver error (``orig``), ``__cause__``
    or ``__context__``, each once, outermost first."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = getattr(exc, "orig", None) or exc.__cause__ or exc.__context__
    return seen


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC from the OS, or SQLite's "database or disk is full", anywhere in the chain."""
    for link in error_chain(exc):
        if isinstance(link, OSError) and link.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(link, sqlite3.Error) and "full" in str(link).lower():
            return True
    return False


# Why a file could not be read or written, in the clerk's words (the system's are English).
_PERMISSION = "无权限写入或读取（文件或文件夹只读，或正被其他程序使用）"
_OS_REASONS = {
    errno.EISDIR: "所指定的是一个文件夹，不是文件",
    errno.ENOENT: "找不到文件或文件夹",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EROFS: "磁盘只读，不能写入",
    errno.EACCES: _PERMISSION,
    errno.EPERM: _PERMISSION,
    errno.EEXIST: "文件已存在",
}
# An OSError raised without an errno still says its kind by its class.
_OS_KINDS = (
    (IsADirectoryError, errno.EISDIR),
    (FileNotFoundError, errno.ENOENT),
    (NotADirectoryError, errno.ENOTDIR),
    (FileExistsError, errno.EEXIST),
    (PermissionError, errno.EACCES),
)
_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def _os_code(exc: OSError) -> int | None:
    if exc.errno is not None:
        return exc.errno
    return next((code for kind, code in _OS_KINDS if isinstance(exc, kind)), None)


def _os_reason(exc: OSError) -> str | None:
    """The reason for a file error a clerk can act on, without the path; None for others."""
    code = _os_code(exc)
    if code in _DISK_FULL:
        return str(DiskFull(getattr(exc, "needed", None)))
    return _OS_REASONS.get(code)


def os_error_text(exc: OSError) -> str:
    """Why a file could not be read or written, in Chinese, without the path (the caller names
    the file): every OSError gets a line, an unusual one its system code."""
    return _os_reason(exc) or f"系统错误（代码 {exc.errno}）"


def _os_message(exc: OSError) -> str | None:
    """``explain``'s line for a file error: the reason and the path; None for an unusual one
    (shown as a program error, with its details)."""
    if _os_code(exc) in _DISK_FULL:
        folder = Path(exc.filename).parent if exc.filename else None
        return str(DiskFull(getattr(exc, "needed", None), folder))
    reason = _os_reason(exc)
    if reason is None:
        return None
    return f"{reason}：{exc.filename}" if exc.filename else reason


def explain(exc: BaseException) -> str | None:
    """A Chinese line for an error a user can act on; ``None`` for a program error.

    Never contains SQL or its parameters: only the kind of the SQLite error is looked at
    (of a PostgreSQL server's: ``store/server.py: explain``).
    """
    if isinstance(exc, DatabaseProblem):
        return str(exc)
    from ylt_desktop.store import server

    message = server.explain(exc)
    if message is not None:
        return message
    for link in error_chain(exc):
        if isinstance(link, DatabaseProblem):
            return str(link)
        if isinstance(link, OSError):
            message = _os_message(link)
            if message:
                return message
        name = type(link).__name__
        if isinstance(link, sqlite3.Error) or name in ("OperationalError", "IntegrityError"):
            text = str(getattr(link, "orig", link)).lower()
            if "locked" in text or "busy" in text or "locking protocol" in text:
                return busy_refusal()  # "locking protocol": another program holds the -shm
            if "full" in text:
                return str(DiskFull())
            if "readonly" in text or "read-only" in text:
                return "数据库文件只读或其所在文件夹不可写，不能保存；请检查文件的“只读”属性和权限"
            if "unable to open" in text:
                return "无法打开数据库文件：文件不存在、无权限，或所在文件夹不可写"
            if "disk i/o" in text:
                return "读写数据库文件时出错（磁盘错误，或文件被其他程序移动或替换）；请重试"
            if isinstance(link, sqlite3.IntegrityError) or name == "IntegrityError":
                return (
                    "另一个程序同时写入了相同的记录，本次操作没有写入任何数据；"
                    "请重新打开或重新导入，程序会列出哪些记录已经存在"
                )
    return None


_waiting: list = []


def on_wait(callback: object) -> None:
    """Who tells the user that the database is busy and we wait (``None``: nobody)."""
    _waiting[:] = [callback] if callback is not None else []


def say_waiting() -> None:
    for callback in _waiting:
        callback(BUSY_MESSAGE)


def begin_immediate(conn: sqlite3.Connection, path: Path | None = None) -> None:
    """``BEGIN IMMEDIATE`` on a plain sqlite3 connection: the write lock, taken now.

    Each try waits SQLite's busy timeout; after the first the user is told
    (``say_waiting``), after ``BUSY_WAIT`` seconds ``DatabaseBusy`` is raised.
    """
    deadline = time.monotonic() + BUSY_WAIT
    told = False
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(busy_refusal(path)) from None
            if not told:
                say_waiting()
                told = True
