"""Backups of a database on a PostgreSQL server: ``pg_dump`` and ``pg_restore``.

A backup is ``pg_dump --format=custom`` of the program's database into one file (``.dump``),
written under a ``.partial`` name and renamed when complete, readable by the owner only (it
holds whole identity numbers). Automatic ones (before a migration, before an import) go to
``backups/`` in the per-user data folder, named ``<数据库名>-<YYYYmmdd-HHMMSS-ffffff>-<reason>.dump``,
the newest ``backup.KEEP`` of each kind kept. A restore first dumps the current data
(``before-restore``), then replaces the program's tables with the backup's in one transaction
(``pg_restore --clean --single-transaction``) and brings the schema to head.

The tools come with PostgreSQL (on Windows: its installer's "Command Line Tools"); they are
looked for on the PATH, in ``YLT_PG_BIN``, and where Debian and the Windows installer put them.
When they are missing, a backup or a restore asked for is refused saying so; an automatic one
is skipped with a line in the log (the server's own backups are the administrator's, see
docs/POSTGRESQL.md).

The password reaches the tools through ``PGPASSWORD`` in their environment, never their
command line.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ylt_desktop.durable import fsync_dir, fsync_file
from ylt_desktop.private import owner_only
from ylt_desktop.store.backup import KEEP, DatabaseProblem, RestoreRefused, _kind

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
    try:
        done = subprocess.run(
            args, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("%s failed to run: %s", what, exc)
        raise DatabaseProblem(f"{what}没有完成（备份工具无法运行或超时）") from None
    if done.returncode != 0:
        # The tools' own words are English and may name tables: the log keeps them.
        log.warning("%s failed (%s): %s", what, done.returncode, done.stderr.strip()[-2000:])
        from ylt_desktop.store import server

        reason = server.explain_text(done.stderr) or "详情已写入日志"
        raise DatabaseProblem(f"{what}失败：{reason}")
    return done.stdout


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


def verify_dump(source: Path) -> None:
    """Refuse (``RestoreRefused``) a file that is not a dump of a YLT database this program knows."""
    from ylt_desktop.store.backup import known_revisions

    source = Path(source)
    if not source.is_file() or source.stat().st_size == 0:
        raise RestoreRefused(f"文件不存在或为空：{source}")
    try:
        revision = backup_revision(source)
    except DatabaseProblem:
        raise RestoreRefused(
            "该文件不是 PostgreSQL 数据库的备份（pg_dump 格式），或已损坏，不能用于恢复"
        ) from None
    if revision is None:
        raise RestoreRefused("该文件不是本程序的数据库备份（缺少医联体数据表），不能用于恢复")
    if revision not in known_revisions():
        raise RestoreRefused(
            f"该备份的数据结构版本（{revision}）比本程序新，或无法识别；请先升级本程序再恢复"
        )


def restore(url: Any, source: Path, *, actor: Any = None) -> Path:
    """Replace the data of the server database at ``url`` by those of the dump ``source``.

    Needs a 管理员 (``actor``, default ``store.users.DEFAULT_ACTOR``). The current data are
    dumped first (returned: the safety copy); the restore is one transaction, so a failure
    leaves the database as it was. Other programs using it see the restored data at their next
    read (their running transactions end first: ``pg_restore`` waits for their locks).
    """
    from ylt_desktop.domain.roles import Permission
    from ylt_desktop.store import users

    users.require_actor(actor or users.DEFAULT_ACTOR, Permission.RESTORE)
    tool = _require("pg_restore")
    verify_dump(source)
    safety = automatic_backup(url, reason="before-restore", required=True)
    conninfo, env = _conninfo(url)
    _run([tool, "--clean", "--if-exists", "--single-transaction", "--no-owner",
          "--no-privileges", "--exit-on-error", f"--dbname={conninfo}", str(source)],
         env, "恢复数据库")  # fmt: skip
    log.info("restored the server database from %s (safety copy %s)", source, safety)
    return safety


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
