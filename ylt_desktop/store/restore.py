"""Restoring a backup (``restore_database``): into the live file under its write lock with a
safety copy first, or, for a damaged or missing file, by replacing the file (a damaged one set
aside raw first). The backups themselves and the health check are ``store/backup.py``.

Stdlib only at import (no SQLAlchemy, no Qt), like ``store/backup.py``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from ylt_desktop.durable import fsync_dir, fsync_file
from ylt_desktop.store.backup import (
    _PARTIAL,
    DAMAGED,
    Progress,
    RestoreRefused,
    _remove,
    backup_copy,
    backup_folder,
    backup_name,
    check_database,
    copy_database,
    has_users,
    remove_stale_partials,
    verify_backup,
)

log = logging.getLogger(__name__)


def _set_aside_damaged(target: Path) -> Path:
    """A raw copy (with its -wal) of a file the backup API may not read, kept forever."""
    dest = backup_name(target, DAMAGED)
    dest.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        src = Path(f"{target}{suffix}")
        if src.exists():
            tmp = Path(f"{dest}{suffix}{_PARTIAL}")
            shutil.copyfile(src, tmp)
            fsync_file(tmp)
            os.replace(tmp, f"{dest}{suffix}")
    return dest


def restore_database(
    source: str | Path,
    target: str | Path,
    *,
    progress: Progress | None = None,
    actor: Any = None,
) -> Path | None:
    """Replace the data of the database ``target`` by those of the backup ``source``; returns
    the safety copy.

    Nothing is replaced unless ``source`` passes ``verify_backup``. A healthy ``target`` keeps
    its file: under its write lock (waiting for a running import or save to end) it is copied to
    ``backups/`` and then every table is replaced by the backup's rows (brought to the current
    schema first) in ONE transaction. Other programs using the database see the restored data at
    their next read, and what they write after it goes into it; two restores at once take turns.
    A damaged or missing ``target`` is replaced as a file (a damaged one copied raw first, as
    ``damaged``); nobody can be working on it.

    Replacing a sound database that has users needs a 管理员 (``actor``, default the signed-in
    ``store.users.DEFAULT_ACTOR``); a damaged, empty or user-less one may be restored by anyone
    who can start the program, since nobody could sign in to it.
    """
    from ylt_desktop.store.access import check_access, database_size, ensure_free_space

    source, target = Path(source).resolve(), Path(target).resolve()
    if target.exists() and check_database(target, full=False).ok and has_users(target):
        from ylt_desktop.domain.roles import Permission
        from ylt_desktop.store import users

        users.require_actor(actor or users.DEFAULT_ACTOR, Permission.RESTORE)
    say = progress or (lambda _text: None)
    health = verify_backup(source)
    if not health.ok:
        raise RestoreRefused(health.message)
    if source == target:
        raise RestoreRefused("所选文件就是当前数据库，无需恢复")
    refuse_other_database(source, target)
    live = target.exists() and target.stat().st_size > 0
    check_access(target, create=not live)
    say("verified")
    if backup_folder(target).is_dir():
        remove_stale_partials(backup_folder(target), older_than=3600)
    remove_stale_partials(target.parent, older_than=3600)
    ensure_free_space(target.parent, 2 * source.stat().st_size + database_size(target))
    if live and check_database(target, full=False).ok:
        safety = _restore_live(source, target, say, progress)
        _check_again(target)
        return safety
    safety = _set_aside_damaged(target) if live else None
    say("backed-up")
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}{_PARTIAL}")
    try:
        copy_database(source, tmp, progress=progress)
        if not check_database(tmp, full=False).ok:
            raise RestoreRefused("复制备份文件时出错，当前数据库未被替换")
        say("copied")
        for suffix in ("-wal", "-shm"):  # of the damaged file: would corrupt the new one
            _remove(Path(f"{target}{suffix}"))
        os.replace(tmp, target)
    finally:
        _remove(tmp)
        _remove(Path(f"{tmp}-journal"))
    fsync_dir(target.parent)
    say("replaced")
    log.info("restored %s from %s (safety copy %s)", target, source, safety)
    _check_again(target)
    return safety


Identity = tuple[str, int | None, str | None, str | None, tuple[int, dt.datetime] | None]
"""Kind (lead/member), member unit, exchange id, that unit's name, and ``born``."""


def born(first: Any) -> tuple[int, dt.datetime] | None:
    """(id, created_at) of a database's first institution row (the lead unit set up with the
    database): a backup of it holds the same, another database its own moment. None when
    unknown. The only mark of a lead's database that never made a package (no exchange id)."""
    if first is None or first[1] is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(first[1]))
    except ValueError:
        return None
    return int(first[0]), moment.replace(tzinfo=None)


_DELETED = (
    "SELECT 1 FROM audit_entry WHERE table_name = 'institution' AND action = 'delete'"
    " AND record_id = ? LIMIT 1"
)
"""A database whose first institution row was deleted: the next one may be given the same
number (SQLite, once every unit is deleted) with a new moment, so ``born`` says nothing."""


def _identity(path: Path) -> Identity | None:
    """Which database ``path`` is (``Identity``); None when it has no consortium yet (or is
    not readable so far)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            columns = {r[1] for r in conn.execute("PRAGMA table_info(consortium)")}
            if "db_kind" not in columns:  # older than packages: a lead's database
                found = conn.execute("SELECT 'lead', NULL, NULL FROM consortium").fetchone()
            else:
                found = conn.execute(
                    "SELECT db_kind, member_id, exchange_id FROM consortium"
                ).fetchone()
            if found is None:
                return None
            kind, member_id, exchange_id = found
            name = None
            if member_id is not None:
                row = conn.execute(
                    "SELECT name FROM institution WHERE id = ?", (member_id,)
                ).fetchone()
                name = row[0] if row else None
            try:
                first = conn.execute(
                    "SELECT id, created_at FROM institution ORDER BY id LIMIT 1"
                ).fetchone()
            except sqlite3.Error:  # a file from before institutions had it
                first = None
            if first is not None:
                try:
                    if conn.execute(_DELETED, (str(first[0]),)).fetchone():
                        first = None
                except sqlite3.Error:  # a file from before the audit log
                    pass
            return kind or "lead", member_id, exchange_id, name, born(first)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def _kind_text(identity: tuple) -> str:
    kind, name = identity[0], identity[3]
    return f"成员库（{name or '成员单位'}）" if kind == "member" else "汇总库（牵头单位）"


def refuse_other_database(source: Path, target: Path) -> None:
    """``RestoreRefused`` when ``source`` is another database's file (a member's over the
    lead's, another consortium's), not a backup of ``target``: restoring it replaced the data
    and the users without a word."""
    refuse_other_identity(_identity(source), _identity(target))


def refuse_other_identity(
    theirs: tuple | None, ours: tuple | None, *, server: bool = False
) -> None:
    """``RestoreRefused`` when the backup's identity ``theirs`` (kind, member unit, exchange id,
    that unit's name) is not that of the database ``ours`` restores (a file's or, ``server``,
    a server's). Another consortium's may be the unit's own older data (a reinstall made a
    new database and a new exchange passphrase): the message says how to restore it into a
    database not set up yet, which compares nothing."""
    if theirs is None or ours is None:
        return  # a database not set up yet, or a backup from before it was
    advice = "；请选择本数据库的备份（在 backups 文件夹中）"
    if theirs[0] != ours[0] or (theirs[0] == "member" and theirs[1] != ours[1]):
        raise RestoreRefused(
            f"所选文件是{_kind_text(theirs)}的数据库，当前数据库是{_kind_text(ours)}，"
            f"不是它的备份{advice}"
        )
    way_out = (
        "它须恢复到服务器上新建的空数据库，请与数据库服务器的管理员联系"
        if server
        else "请把当前数据库文件改名移走，重新打开程序，在第一次运行的窗口中点“从备份恢复…”选它"
    )
    if theirs[2] and ours[2] and theirs[2] != ours[2]:
        raise RestoreRefused(
            f"所选文件是另一个医联体的数据库，不是当前数据库的备份{advice}。如果它确是本单位"
            f"以前的数据（例如重装程序后新建了数据库、设了新的交换口令）：{way_out}"
        )
    if _other_lead_without_exchange_id(theirs, ours):
        moment = f"{theirs[4][1]:%Y-%m-%d %H:%M}"
        raise RestoreRefused(
            f"所选文件是另一个数据库（建立于 {moment}）的数据，不是当前数据库的备份{advice}。"
            f"如果它确是本单位以前的数据（例如重装程序后新建了数据库）：{way_out}"
        )


def _other_lead_without_exchange_id(theirs: tuple, ours: tuple) -> bool:
    """Two leads' databases that never made a package: told apart by ``born``, when both
    know it and their first institution is the same row number."""
    if not (theirs[0] == ours[0] == "lead") or theirs[2] or ours[2]:
        return False
    mine, other = ours[4] if len(ours) > 4 else None, theirs[4] if len(theirs) > 4 else None
    return mine is not None and other is not None and mine[0] == other[0] and mine != other


def _check_again(target: Path) -> None:
    """The day's check (full integrity check, the audit log's verification) is run again at
    the next opening: a check run earlier today was of the data replaced."""
    from ylt_desktop.store.db import forget_file_check

    forget_file_check(target)


def _restore_live(source: Path, target: Path, say: Progress, progress: Progress | None) -> Path:
    from ylt_desktop.store import access
    from ylt_desktop.store import db as store_db

    # Both at the current schema: the live file (upgraded after its own backup), and a private
    # copy of the backup (upgraded without one: the backup itself is that).
    if check_database(target, full=False, integrity=False).revision != store_db.head_revision():
        store_db.open_database(target, create=False).close()
    tmp = target.with_name(f".{target.name}.restore-{os.getpid()}-{time.time_ns()}{_PARTIAL}")
    try:
        copy_database(source, tmp, progress=progress)
        engine = store_db.make_engine(tmp)
        try:
            store_db.upgrade(engine, tmp, backup=False)
        finally:
            engine.dispose()
        say("copied")
        conn = sqlite3.connect(target, isolation_level=None, timeout=access.BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("ATTACH DATABASE ? AS restored", (str(tmp),))
            access.begin_immediate(conn, target)
            try:
                # Under the write lock: everything committed so far is in the safety copy,
                # nothing can be committed between it and the restore.
                safety = backup_copy(target, reason="before-restore")
                say("backed-up")
                _copy_tables(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("DETACH DATABASE restored")
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            _remove(Path(f"{tmp}{suffix}"))
    say("replaced")
    log.info("restored %s from %s in place (safety copy %s)", target, source, safety)
    return safety


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA {schema}.table_info("{table}")')]


def _copy_tables(conn: sqlite3.Connection) -> None:
    """Every table of ``main`` gets the rows of the attached ``restored`` (same schema)."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    theirs = {
        r[0] for r in conn.execute("SELECT name FROM restored.sqlite_master WHERE type='table'")
    }
    # Foreign keys are off on this connection (SQLite's default): children may come first.
    for table in tables:
        conn.execute(f'DELETE FROM main."{table}"')
        if table not in theirs:
            continue
        mine = _columns(conn, "main", table)
        shared = [c for c in _columns(conn, "restored", table) if c in mine]
        cols = ", ".join(f'"{c}"' for c in shared)
        conn.execute(f'INSERT INTO main."{table}" ({cols}) SELECT {cols} FROM restored."{table}"')
    if "sqlite_sequence" in {
        r[0] for r in conn.execute("SELECT name FROM main.sqlite_master WHERE type='table'")
    }:
        conn.execute("DELETE FROM main.sqlite_sequence")
        if "sqlite_sequence" in theirs:
            conn.execute("INSERT INTO main.sqlite_sequence SELECT * FROM restored.sqlite_sequence")
    problems = conn.execute("PRAGMA main.foreign_key_check").fetchall()
    if problems:
        raise RestoreRefused("备份文件中的数据互相引用不一致，不能恢复；当前数据库没有被改动")
