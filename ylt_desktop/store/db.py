"""Opening the database: engine set-up, migration to head after a backup, sessions.

The engine is opened at start-up by ``open_database``, never at import.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from ylt_desktop.private import owner_only
from ylt_desktop.store import server_daily, users
from ylt_desktop.store.backup import (  # noqa: F401 - backup_copy re-exported
    DamagedDatabase,
    DatabaseProblem,
    backup_copy,
    check_database,
    daily_backup,
)
from ylt_desktop.store.file_daily import (  # noqa: F401 - forget_file_check re-exported
    claim_file_check,
    file_check_due,
    forget_file_check,
)

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


@dataclass
class Database:
    # The SQLite file; ``None`` for a database on a PostgreSQL server (then ``url`` is set).
    path: Path | None
    engine: Engine
    sessions: sessionmaker[Session]
    user: users.Actor | None = None
    # True when this opening runs the day's check (an SQLite file's full integrity check has run;
    # the program then verifies the audit log and says so with ``daily_check_done``).
    daily_checked: bool = False
    # Why the day's automatic backup could not be made (a full disk, say): the program opens all
    # the same and tells the clerk; ``None`` when it was made or was not due.
    backup_problem: str | None = None
    # The server's address without its password (``postgresql://user@host/db``), or ``None``.
    url: str | None = None
    # The day's check this program runs (``server_daily.Claim``; a server's or an SQLite
    # file's): remembered by ``daily_check_done`` only, so a program killed while checking
    # leaves it due.
    daily_claim: server_daily.Claim | None = field(default=None, repr=False)

    @property
    def on_server(self) -> bool:
        """True for a database on a PostgreSQL server (DESIGN §8), False for an SQLite file."""
        return self.url is not None

    @property
    def location(self) -> str:
        """Where the data are, as shown to the user: the file's path or the server's address."""
        return self.url if self.url is not None else str(self.path)

    def sign_in(self, actor: users.Actor | None) -> None:
        """Every session made from now on acts as ``actor`` (``session.info["user"]``)."""
        self.user = actor
        info = dict(self.sessions.kw.get("info") or {})
        info[users.USER_KEY] = actor
        self.sessions.configure(info=info)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def daily_check_done(self) -> None:
        """The day's check (``daily_checked``) has run to its end: remembered as done today
        (a server database on this PC, an SQLite file beside its backups), so the next start
        that day does not check again."""
        if self.daily_claim is not None:
            self.daily_claim.done()

    def close(self) -> None:
        if self.daily_claim is not None:  # not done: the next start checks again
            self.daily_claim.release()
        self.engine.dispose()


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    from ylt_desktop.store.access import BUSY_TIMEOUT_MS

    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")
    cur.close()


def make_engine(path: Path) -> Engine:
    # hide_parameters: an error's text and the log never carry a row's values (ID numbers).
    engine = create_engine(f"sqlite:///{path}", hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    return engine


def alembic_config(engine: Engine):  # noqa: ANN201 - alembic types are imported lazily
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION_RE = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+|None)['\"]?", re.M)


@functools.cache
def head_revision() -> str:
    """The newest migration, read from the version files without importing Alembic.

    Importing Alembic costs ~0.12 s at every start; it is only needed when upgrading.
    tests/store/test_migrations.py checks this against Alembic's own answer.
    """
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION_RE.finditer(path.read_text("utf-8")))
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations must form one line, found heads {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            has_table = conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
            ).first()
        else:
            has_table = conn.exec_driver_sql(
                "SELECT 1 FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_name = 'alembic_version'"
            ).first()
        if not has_table:
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def upgrade(engine: Engine, path: Path | None, *, backup: bool = True) -> None:
    """Bring the schema to head; an existing older database is backed up first (``backup``).

    ``path`` is ``None`` for a server database: its backup is a ``pg_dump`` (``store/pg_backup``),
    and the migration runs under the server's write lock (``migrations/env.py``), so two
    programs starting at once migrate it once.
    """
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    from alembic import command  # ~0.13 s: only when there is something to upgrade

    if backup and (current is not None or table_names(engine)):
        if path is None:
            from ylt_desktop.store import pg_backup

            pg_backup.automatic_backup(engine.url, reason=f"before-migration-{current or 'none'}")
        else:
            backup_copy(path, reason=f"before-migration-{current or 'none'}")
    log.info("migrating %s from %s to %s", path or "the server database", current, head)
    command.upgrade(alembic_config(engine), "head")


def table_names(engine: Engine) -> set[str]:
    """The tables of the database (of its current schema on a server)."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        else:
            rows = conn.exec_driver_sql(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
        return {r[0] for r in rows}


def open_database(
    path: str | Path,
    *,
    check: bool = True,
    daily: bool = False,
    today: dt.date | None = None,
    create: bool = True,
    user: users.Actor | None = None,
    password: str | None = None,
) -> Database:
    """Open the database at ``path`` (creating it when missing and ``create``), migrate it to head.

    Before SQLite touches anything, ``store/access.py: check_access`` refuses a folder, a
    missing file (unless ``create``), a read-only file or folder and an empty file; a file that
    is an SQLite database but not a YLT one is refused unwritten (``NotOurDatabase``).
    An existing file is checked first (``quick_check``; the full ``integrity_check`` when
    ``daily`` and the day's check is due, ``claim_file_check``) and a damaged one raises
    ``DamagedDatabase`` before anything writes to it. The day's check also makes the day's
    backup when none is made yet (see ``store/backup.py``); it is remembered as done only when
    the program says so (``Database.daily_check_done``, after the audit log's verification).
    Every session records its changes in the audit log (``store/audit.py``) and acts as
    ``user`` (default ``store.users.DEFAULT_ACTOR``, which only tests and scripts set).

    ``path`` may be a server's address (``postgresql://user@host/db``): see ``_open_server``;
    ``password`` is then used when libpq finds none of its own, and ``daily`` sets
    ``daily_checked`` on this PC's first opening of that database today (no backup: the
    server's are its administrator's).
    """
    from ylt_desktop.store import server

    if server.is_server_url(path):
        return _open_server(
            str(path), create=create, user=user, password=password, daily=daily, today=today
        )
    from ylt_desktop.store.access import check_access

    path = Path(path).expanduser().resolve()
    check_access(path, create=create)
    existed = path.exists()
    if not existed:
        path.parent.mkdir(parents=True, exist_ok=True)
    claim = None
    if daily and existed and file_check_due(path, today=today):
        # A file not ours (or newer, or unreadable) is refused before the check's lock file
        # is made beside it (reading its tables only: the full check comes with the claim).
        _refuse_unusable(path, full=False, check=False)
        claim = claim_file_check(path, today=today)
    engine = None
    try:
        if existed:
            _refuse_unusable(path, full=claim is not None, check=check)
        engine = make_engine(path)
        upgrade(engine, path)
        owner_only(path)  # also an older file made before this version
        backup_problem = _try_daily_backup(path, today=today) if claim is not None else None
    except BaseException:
        if claim is not None:  # not done: the next opening checks (in this program too)
            claim.release()
        if not existed:  # a full disk: no half-made file that every later try refuses
            _remove_unmade(path, engine)
        raise
    sessions = make_sessions(engine)
    database = Database(
        path=path,
        engine=engine,
        sessions=sessions,
        daily_checked=claim is not None,
        backup_problem=backup_problem,
        daily_claim=claim,
    )
    database.sign_in(user or users.DEFAULT_ACTOR)
    return database


def _remove_unmade(path: Path, engine: Engine | None) -> None:
    """The file this opening was making (and its -wal, -shm), when making it failed: 0 bytes
    or a schema cut short by a full disk was refused at every later try as "不是本程序的数据库
    ……程序没有改动它", and the clerk had to delete it. Only a file that did not exist before."""
    if engine is not None:
        engine.dispose()
    for suffix in ("-wal", "-shm", ""):
        try:
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the unmade %s%s: %s", path.name, suffix, exc)


def make_sessions(engine: Engine) -> sessionmaker[Session]:
    """The sessions of a database on either engine: each change audited (``store/audit.py``),
    each record's version moved and checked (``store/versions.py``)."""
    from ylt_desktop.store.audit import install_audit
    from ylt_desktop.store.versions import install_versions

    sessions = sessionmaker(engine, expire_on_commit=False)
    install_audit(sessions)
    install_versions(sessions)
    return sessions


def _try_daily_backup(path: Path, *, today: dt.date | None) -> str | None:
    """The day's backup; a failure (a full disk, an unwritable backups folder) does not keep the
    clerk from working: it is logged and returned in words to be shown."""
    from ylt_desktop.store.access import explain

    try:
        daily_backup(path, today=today)
    except (OSError, DatabaseProblem) as exc:
        log.warning("daily backup failed: %s", type(exc).__name__)
        reason = explain(exc) or "无法写入备份文件夹"
        return (
            f"今天的自动备份没有做成。\n{reason}\n\n"
            "数据库本身没有受影响，可以照常填报；请尽快腾出磁盘空间，或用“文件 → 备份数据库…”备份到其他磁盘（如U盘）。"
        )
    return None


def _refuse_unusable(path: Path, *, full: bool, check: bool = True) -> None:
    from ylt_desktop.store.access import NotOurDatabase
    from ylt_desktop.store.backup import known_revisions

    health = check_database(path, full=full, integrity=check)
    if not health.ok:
        raise DamagedDatabase(path, health)
    if not health.is_ylt:
        raise NotOurDatabase(
            f"不是本程序的数据库（其中没有医联体数据表）：{path}；程序没有改动它。"
            "请检查所选的文件，新建数据库请用 ylt init"
        )
    if health.revision is not None and health.revision not in known_revisions():
        raise DatabaseProblem(
            f"数据库的数据结构版本（{health.revision}）比本程序新，请使用新版本的程序打开：{path}"
        )


@contextmanager
def _said_in_chinese(engine: Engine, where: str) -> Iterator[None]:
    """Opening a server database: a psycopg error inside lets the engine go and becomes the
    ``ServerProblem`` that says it in Chinese (``server.connect_problem``); others pass as is."""
    from ylt_desktop.store import server

    try:
        yield
    except Exception as exc:  # noqa: BLE001 - psycopg's errors, said in Chinese
        engine.dispose()
        if server.explain(exc) is None:
            raise
        raise server.connect_problem(exc, where) from None


def _open_server(
    text: str,
    *,
    create: bool,
    user: users.Actor | None,
    password: str | None,
    daily: bool = False,
    today: dt.date | None = None,
) -> Database:
    """A database on a PostgreSQL server: connect (a clear ``ServerProblem`` when that fails),
    refuse a database holding other tables or a newer schema, migrate it to head.

    With ``daily``, this PC's first opening of it today is ``daily_checked``, so the program
    verifies the audit log; the day is remembered in the data folder once the program says the
    check is done (``Database.daily_check_done``; ``store/server_daily.py``).

    The database itself is made by the server's administrator (docs/POSTGRESQL.md); an empty
    one gets the program's tables only when ``create`` (``ylt init``, the first run)."""
    from ylt_desktop.store import server
    from ylt_desktop.store.access import NotOurDatabase
    from ylt_desktop.store.backup import _YLT_TABLES, known_revisions

    url = server.sqlalchemy_url(text, password=password)
    where = server.display(url)
    engine = server.make_server_engine(url)
    with _said_in_chinese(engine, where):
        tables = table_names(engine)
        revision = current_revision(engine) if "alembic_version" in tables else None
    if tables and not tables >= _YLT_TABLES:
        engine.dispose()
        raise NotOurDatabase(
            f"服务器上的这个数据库不是本程序的数据库（其中有其他数据表）：{where}；程序没有改动它。"
            "请为本程序单独创建一个数据库（见 docs/POSTGRESQL.md）"
        )
    if not tables and not create:
        engine.dispose()
        raise NotOurDatabase(f"服务器上的这个数据库还是空的：{where}；新建请用 ylt init")
    if revision is not None and revision not in known_revisions():
        engine.dispose()
        raise DatabaseProblem(
            f"数据库的数据结构版本（{revision}）比本程序新，请使用新版本的程序打开：{where}"
        )
    with _said_in_chinese(engine, where):
        upgrade(engine, None)
    claim = None
    if daily and tables:  # a new database has no log yet: its first real start checks
        claim = server_daily.claim_check(where, today=today)
    sessions = make_sessions(engine)
    database = Database(
        path=None,
        engine=engine,
        sessions=sessions,
        url=where,
        daily_checked=claim is not None,
        daily_claim=claim,
    )
    database.sign_in(user or users.DEFAULT_ACTOR)
    return database
