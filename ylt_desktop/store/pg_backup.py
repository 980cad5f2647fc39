"""Backups of a database on a PostgreSQL server: ``pg_dump`` and ``pg_restore``.

A backup is ``pg_dump --format=custom`` of the program's database into one file (``.dump``),
written under a ``.partial`` name and renamed when complete, readable by the owner only (it
holds whole identity numbers). Automatic ones (before a migration, before an import) go to
``backups/`` in the per-user data folder, named ``<数据库名>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.dump``,
the newest ``backup.KEEP`` of each kind kept. A restore first dumps the current data
(``before-restore``), then replaces the program's tables with the backup's in one transaction
(``pg_restore --clean --single-transaction``). A dump of an older schema (an older program's)
is loaded and migrated to head in one transaction of the program's own (``_restore_older``);
one of a newer schema is refused before anything is touched.

The tools come with PostgreSQL (on Windows: its installer's "Command Line Tools"); they are
looked for on the PATH, in ``YLT_PG_BIN``, and where Debian and the Windows installer put them.
When they are missing, a backup or a restore asked for is refused saying so; an automatic one
is skipped with a line in the log (the server's own backups are the administrator's, see
docs/POSTGRESQL.md).

The password reaches the tools through ``PGPASSWORD`` in their environment, never their
command line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ylt_desktop.durable import fsync_dir, fsync_file
from ylt_desktop.private import owner_only
from ylt_desktop.store.backup import KEEP, DatabaseProblem, RestoreRefused, _kind
from ylt_desktop.store.pg_schema import (
    drop_objects,
    refuse_others_on_ours,
    run_script,
    without_its_transaction,
)
from ylt_desktop.store.restore import Identity, born

log = logging.getLogger(__name__)

SUFFIX = ".dump"
_STAMP = "%Y%m%d-%H%M%S-%f"
TIMEOUT = 3600


class ToolsMissing(DatabaseProblem):
    pass


def _candidates(tool: str) -> list[str]:
    exe = tool + (".exe" if os.name == "nt" else "")
    found = []
    env = os.environ.get("YLT_PG_BIN")
    if env:
        found.append(str(Path(env) / exe))
    which = shutil.which(tool)
    if which:
        found.append(which)
    patterns = ["/usr/lib/postgresql/*/bin", "C:/Program Files/PostgreSQL/*/bin"]
    for pattern in patterns:
        for folder in sorted(glob.glob(pattern), key=_version_of_folder, reverse=True):
            found.append(str(Path(folder) / exe))
    return [f for f in found if Path(f).is_file()]


def _version_of_folder(folder: str) -> int:
    m = re.search(r"/(\d+)/bin$", folder.replace("\\", "/"))
    return int(m[1]) if m else 0


def find_tool(tool: str) -> str | None:
    """The path of ``pg_dump`` or ``pg_restore``, or ``None`` when not installed."""
    found = _candidates(tool)
    return found[0] if found else None


def _require(tool: str) -> str:
    path = find_tool(tool)
    if path is None:
        raise ToolsMissing(
            f"本机没有安装 PostgreSQL 的备份工具 {tool}，不能备份或恢复服务器上的数据库。"
            "请安装 PostgreSQL 的客户端工具（PostgreSQL 安装程序中的命令行工具，版本不低于服务器），"
            "或请服务器管理员备份（见 docs/POSTGRESQL.md）"
        )
    return path


def _conninfo(url: Any) -> tuple[str, dict[str, str]]:
    """libpq's connection string for ``url`` (no password) and the environment with it."""
    from psycopg.conninfo import make_conninfo

    params: dict[str, Any] = {"dbname": url.database}
    if url.host:
        params["host"] = url.host
    if url.port:
        params["port"] = str(url.port)
    if url.username:
        params["user"] = url.username
    for key, value in url.query.items():
        params[key] = value if isinstance(value, str) else value[-1]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return make_conninfo(**params), env


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    """The tool's output, read as UTF-8 (a dump's SQL is in the database's encoding, UTF8 for
    ours, whatever the PC's code page); its messages in the PC's own encoding."""
    import locale

    try:
        done = subprocess.run(args, env=env, capture_output=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("%s failed to run: %s", what, exc)
        raise DatabaseProblem(f"{what}没有完成（备份工具无法运行或超时）") from None
    stderr = done.stderr.decode(locale.getpreferredencoding(False), errors="replace")
    if done.returncode != 0:
        # The tools' own words are English and may name tables: the log keeps them.
        log.warning("%s failed (%s): %s", what, done.returncode, stderr.strip()[-2000:])
        from ylt_desktop.store import server

        reason = server.explain_text(stderr) or "详情已写入日志"
        raise DatabaseProblem(f"{what}失败：{reason}")
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise DatabaseProblem(f"{what}失败：备份文件的编码不是 UTF-8") from None


def dump(url: Any, target: Path) -> Path:
    """``pg_dump`` the database at ``url`` into ``target``, atomically; returns ``target``."""
    tool = _require("pg_dump")
    conninfo, env = _conninfo(url)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        tmp.touch()
        owner_only(tmp)
        _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={tmp}",
              f"--dbname={conninfo}"], env, "备份数据库")  # fmt: skip
        fsync_file(tmp)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    fsync_dir(target.parent)
    log.info("server backup written: %s", target)
    return target


def backup_revision(source: Path) -> str | None:
    """The schema version a dump holds (its ``alembic_version`` row); ``None``: not ours."""
    tool = _require("pg_restore")
    out = _run([tool, "--data-only", "--table=alembic_version", "--file=-", str(source)],
               dict(os.environ), "读取备份文件")  # fmt: skip
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return None if value == "\\." else value
    return None


def verify_dump(source: Path) -> str:
    """Refuse (``RestoreRefused``) a file that is not a dump of a YLT database this program
    knows; returns the dump's schema version."""
    from ylt_desktop.store.backup import known_revisions

    source = Path(source)
    if not source.is_file() or source.stat().st_size == 0:
        raise RestoreRefused(f"文件不存在或为空：{source}")
    try:
        revision = backup_revision(source)
    except DatabaseProblem:
        raise RestoreRefused(
            "该文件不是 PostgreSQL 数据库的备份（pg_dump 格式），或已损坏，不能用于恢复；"
            "当前数据库没有被改动"
        ) from None
    if revision is None:
        raise RestoreRefused(
            "该文件不是本程序的数据库备份（缺少医联体数据表），不能用于恢复；当前数据库没有被改动"
        )
    if revision not in known_revisions():
        raise RestoreRefused(
            f"该备份的数据结构版本（{revision}）比本程序新，或无法识别；请先升级本程序再恢复。"
            "当前数据库没有被改动"
        )
    return revision


_COPY = re.compile(r'^COPY (?:\S+\.)?"?(consortium|institution)"? \((.*)\) FROM stdin;$')
_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _copy_value(text: str) -> str | None:
    """One field of ``COPY … FROM stdin`` text: ``\\N`` is NULL, backslash escapes decoded."""
    if text == "\\N":
        return None
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _dump_identity(source: Path) -> Identity | None:
    """Which database the dump ``source`` is of (as ``restore._identity`` says of a file):
    its kind, member unit, exchange id and that unit's name; None without a consortium."""
    tool = _require("pg_restore")
    try:
        out = _run([tool, "--data-only", "--table=consortium", "--table=institution",
                    "--file=-", str(source)], dict(os.environ), "读取备份文件")  # fmt: skip
    except DatabaseProblem:
        raise RestoreRefused(
            "备份文件已损坏或不完整（无法读出全部内容），不能恢复；当前数据库没有被改动"
        ) from None
    rows: dict[str, list[dict[str, str | None]]] = {"consortium": [], "institution": []}
    table, columns = None, []
    for line in out.splitlines():
        found = _COPY.match(line)
        if found:
            table, columns = (
                found.group(1),
                [c.strip().strip('"') for c in found.group(2).split(",")],
            )
            continue
        if table is None:
            continue
        if line == "\\.":
            table = None
            continue
        values = [_copy_value(v) for v in line.split("\t")]
        rows[table].append(dict(zip(columns, values, strict=False)))
    if not rows["consortium"]:
        return None
    c = rows["consortium"][0]
    kind = c.get("db_kind") or "lead"
    member_id = int(c["member_id"]) if c.get("member_id") else None
    name = next((r.get("name") for r in rows["institution"] if r.get("id") == str(member_id)), None)
    ids = [r for r in rows["institution"] if (r.get("id") or "").isdigit()]
    first = min(ids, key=lambda r: int(r["id"] or 0), default=None)
    first_row = None if first is None else (first["id"], first.get("created_at"))
    return kind, member_id, c.get("exchange_id"), name, born(first_row)


def _server_identity(url: Any) -> Identity | None:
    from ylt_desktop.store import server

    engine = server.make_server_engine(url)
    try:
        with engine.connect() as conn:
            if conn.exec_driver_sql("SELECT to_regclass('consortium')").scalar() is None:
                return None  # a database just made on the server: nothing to compare
            found = conn.exec_driver_sql(
                "SELECT c.db_kind, c.member_id, c.exchange_id, i.name FROM consortium c "
                "LEFT JOIN institution i ON i.id = c.member_id"
            ).first()
            first = conn.exec_driver_sql(
                "SELECT id, created_at FROM institution ORDER BY id LIMIT 1"
            ).first()
    finally:
        engine.dispose()
    if found is None:
        return None
    kind, member_id, exchange_id, name = found
    return kind or "lead", member_id, exchange_id, name, born(first)


def refuse_other_dump(url: Any, source: Path) -> None:
    """``RestoreRefused`` when the dump ``source`` is of another database than the server's at
    ``url`` (a member's over the lead's, another consortium's): as ``restore_database`` refuses
    another database's file (``restore.refuse_other_identity``)."""
    from ylt_desktop.store.restore import refuse_other_identity

    refuse_other_identity(_dump_identity(Path(source)), _server_identity(url), server=True)


def restore(url: Any, source: Path, *, actor: Any = None) -> Path:
    """Replace the data of the server database at ``url`` by those of the dump ``source``.

    Needs a 管理员 (``actor``, default ``store.users.DEFAULT_ACTOR``). The current data are
    dumped first (returned: the safety copy); the restore is one transaction, so a failure
    leaves the database as it was. Other programs using it see the restored data at their next
    read (their running transactions end first: ``pg_restore`` waits for their locks).
    """
    from ylt_desktop.domain.roles import Permission
    from ylt_desktop.store import users
    from ylt_desktop.store.db import head_revision

    users.require_actor(actor or users.DEFAULT_ACTOR, Permission.RESTORE)
    tool = _require("pg_restore")
    revision = verify_dump(source)
    refuse_other_dump(url, source)

    # The write lock is taken BEFORE the safety copy and held to the restore's end: a clerk's
    # save in between would be in neither the restored data nor the copy (it waits, then is
    # refused with the usual "busy" message; reads go on).
    def safety_copy() -> Path:
        return automatic_backup(url, reason="before-restore", required=True)

    if revision != head_revision():
        safety = _restore_older(url, source, revision, safety_copy)
        log.info("restored the server database from %s at %s, migrated to head (safety copy %s)",
                 source, revision, safety)  # fmt: skip
        _check_again(url)
        return safety
    conninfo, env = _conninfo(url)
    with _write_lock(url) as conn:
        refuse_others_on_ours(conn)
        safety = safety_copy()
        try:
            _run([tool, "--clean", "--if-exists", "--single-transaction", "--no-owner",
                  "--no-privileges", "--exit-on-error", f"--dbname={conninfo}", str(source)],
                 env, "恢复数据库")  # fmt: skip
        except DatabaseProblem as exc:
            # One transaction (--single-transaction, --exit-on-error): rolled back.
            raise DatabaseProblem(
                f"{exc}（备份文件可能已损坏或不完整）；当前数据库没有被改动"
            ) from None
    log.info("restored the server database from %s (safety copy %s)", source, safety)
    _check_again(url)
    return safety


def _check_again(url: Any) -> None:
    """This PC's next opening of the database runs the day's check (the audit log's
    verification) again: a check run earlier today was of the data replaced. Other PCs
    keep their own day (``store/server_daily.py``)."""
    from ylt_desktop.store import server, server_daily

    server_daily.forget_checked(server.display(url))


@contextlib.contextmanager
def _write_lock(url: Any) -> Iterator[Any]:
    """The database's write lock, held on a connection of its own while the block runs
    (``pg_dump``/``pg_restore`` run meanwhile on theirs: they do not take it)."""
    from ylt_desktop.store import server

    engine = server.make_server_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            server.lock_for_writing(conn.connection.dbapi_connection, wait=600)
            yield conn
    finally:
        engine.dispose()


def _restore_older(url: Any, source: Path, revision: str, safety_copy: Callable[[], Path]) -> Path:
    """A dump of an older schema (an older program's): in ONE transaction under the write lock,
    drop the program's tables, load the dump's (``pg_restore`` as SQL, run here) and migrate
    them to head. ``pg_restore --clean`` alone would keep the tables and columns the dump does
    not know and leave a schema no migration can bring to head; any failure here rolls back to
    the database as it was. ``safety_copy`` is made under the lock; returned."""
    from ylt_desktop.store import server
    from ylt_desktop.store.db import alembic_config, head_revision

    tool = _require("pg_restore")
    try:
        # --clean --if-exists: the script first drops every object it brings (by name; large
        # objects by their number), so what it brings that is already here (this very dump
        # restored before: its functions, types, large objects, or a schema of its own) does
        # not refuse the restore. --single-transaction: without it each large object's data
        # come inside BEGIN; … COMMIT; of their own, which would commit the restore halfway
        # (and end the write lock); with it, one BEGIN first and one COMMIT last, taken off.
        script = _run([tool, "--clean", "--if-exists", "--single-transaction", "--no-owner",
                       "--no-privileges", "--file=-", str(source)],
                      dict(os.environ), "读取备份文件")  # fmt: skip
        script = without_its_transaction(script)
    except DatabaseProblem:
        raise RestoreRefused(
            "备份文件已损坏或不完整（无法读出全部内容），不能恢复；当前数据库没有被改动"
        ) from None
    engine = server.make_server_engine(url)
    try:
        with engine.connect() as conn:
            dbapi = conn.connection.dbapi_connection
            with conn.begin():
                server.lock_for_writing(dbapi, wait=600)
                safety = safety_copy()
                path = conn.exec_driver_sql("SHOW search_path").scalar()
                refuse_others_on_ours(conn)
                drop_objects(conn)
                run_script(dbapi, script)
                conn.exec_driver_sql("SELECT pg_catalog.set_config('search_path', %s, false)",
                                     (path,))  # fmt: skip
                if current_revision_on(conn) != revision:
                    raise RestoreRefused("备份文件内容不完整，不能恢复；当前数据库没有被改动")
                from alembic import command

                cfg = alembic_config(engine)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if current_revision_on(conn) != head_revision():
                    raise RestoreRefused("恢复后未能升级数据结构，当前数据库没有被改动")
        return safety
    except (RestoreRefused, DatabaseProblem):
        raise
    except Exception as exc:
        # Only the kind: the server's words may quote a row of the dump (an ID number).
        log.warning("restoring an older dump failed: %s", type(exc).__name__)
        reason = server.explain(exc) or "详情已写入日志"
        raise RestoreRefused(
            f"恢复旧版本程序的备份（数据结构版本 {revision}）没有完成：{reason}；"
            "当前数据库没有被改动"
        ) from None
    finally:
        engine.dispose()


def current_revision_on(conn: Any) -> str | None:
    """The schema version seen on ``conn`` (inside its transaction)."""
    return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# ---------------------------------------------------------------- automatic backups


def backup_folder() -> Path:
    from ylt_desktop.paths import data_dir

    return data_dir() / "backups"


def backup_name(url: Any, reason: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime(_STAMP)
    name = re.sub(r"[^\w.-]+", "_", str(url.database))
    return backup_folder() / f"{name}-{stamp}-{reason}{SUFFIX}"


def automatic_backup(url: Any, *, reason: str, required: bool = False) -> Path | None:
    """A rotated dump before a risky operation; ``None`` (logged) when pg_dump is missing,
    unless ``required``."""
    if not required and find_tool("pg_dump") is None:
        log.warning("pg_dump is not installed: no backup of the server database before %s", reason)
        return None
    target = dump(url, backup_name(url, reason))
    prune(url)
    return target


def prune(url: Any, *, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` automatic dumps of each kind of this database."""
    name = re.sub(r"[^\w.-]+", "_", str(url.database))
    pattern = re.compile(rf"^{re.escape(name)}-(\d{{8}}-\d{{6}}-\d{{6}})-([a-z0-9-]+){SUFFIX}$")
    found = []
    folder = backup_folder()
    for entry in folder.glob(f"*{SUFFIX}") if folder.is_dir() else ():
        m = pattern.match(entry.name)
        if m and _kind(m[2]):
            found.append((m[1], _kind(m[2]), entry))
    seen: dict[str, int] = {}
    removed = []
    for _stamp, kind, entry in sorted(found, reverse=True):
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] > keep:
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
