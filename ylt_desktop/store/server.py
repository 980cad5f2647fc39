"""A database on a PostgreSQL server (DESIGN §8): its address, engine, write lock and errors.

``--db postgresql://user@host/dbname`` (also ``postgres://`` and ``postgresql+psycopg://``) opens
a server database through psycopg 3. The password is never stored by the program: it comes
from libpq's own sources (``PGPASSWORD``, ``~/.pgpass`` / ``%APPDATA%\\postgresql\\pgpass.conf``,
a password in the address) or from a prompt the caller shows when ``PasswordNeeded`` is raised.

What SQLite does with one file, the server does so:
- the write lock (``BEGIN IMMEDIATE`` on SQLite) is one transaction-level advisory lock
  (``pg_advisory_xact_lock``): every writing transaction of every client takes turns, exactly as
  on SQLite, so an import, a restore or a submit never interleaves with another write, and the
  audit log's ``max(id) + 1`` numbering cannot race;
- every connection works in UTC (``TimeZone=UTC``), as SQLite's ``CURRENT_TIMESTAMP`` does;
- text is ordered by code point (``codepoint_order``: ``COLLATE "C"``), as SQLite's BINARY
  collation does, whatever locale the county's server was installed with.

Stdlib only at import; SQLAlchemy and psycopg are imported when a server database is opened.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ylt_desktop.store.access import error_chain
from ylt_desktop.store.backup import DatabaseProblem

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
DRIVER = "postgresql+psycopg"
LOCK_KEY = 0x594C54  # "YLT": the one advisory lock every writing transaction takes
CONNECT_TIMEOUT = 10
"""Seconds to wait for the server to answer before saying it cannot be reached."""


class ServerProblem(DatabaseProblem):
    """The server cannot be used (unreachable, refused the sign-in, no such database)."""


class PasswordNeeded(ServerProblem):
    """The server asks for a password and libpq found none: ask the user, then retry."""


def is_server_url(text: Any) -> bool:
    """True for ``postgresql://…`` (and its spellings); False for a file path."""
    return isinstance(text, str) and text.strip().lower().startswith(SCHEMES)


def sqlalchemy_url(text: str, *, password: str | None = None) -> Any:
    """``text`` as a SQLAlchemy URL with the psycopg driver (and ``password`` when given)."""
    from sqlalchemy.engine import make_url

    text = text.strip()
    scheme, rest = text.split("://", 1)
    try:
        url = make_url(f"{DRIVER}://{rest}")
    except Exception:  # noqa: BLE001 - SQLAlchemy's ArgumentError; the text may hold a password
        raise ServerProblem(
            "数据库服务器地址的格式不对，应写作 postgresql://用户名@服务器/数据库名"
        ) from None
    if not url.database:
        raise ServerProblem(
            "数据库服务器地址缺少数据库名，应写作 postgresql://用户名@服务器/数据库名"
        )
    if password is not None:
        url = url.set(password=password)
    return url


_SECRET_PARAMETERS = frozenset({"password", "sslpassword"})


def display(text_or_url: Any) -> str:
    """The address as shown to the user and in logs: never with its password."""
    url = text_or_url if not isinstance(text_or_url, str) else sqlalchemy_url(text_or_url)
    from urllib.parse import unquote

    from sqlalchemy.engine import URL

    # A password may also come as a parameter (``?password=…``: libpq takes it): never shown.
    query = {k: v for k, v in url.query.items() if k.lower() not in _SECRET_PARAMETERS}
    shown = URL.create("postgresql", url.username, None, url.host, url.port, url.database,
                       query)  # fmt: skip
    return unquote(shown.render_as_string(hide_password=True))


def make_server_engine(url: Any) -> Any:
    from sqlalchemy import create_engine

    return create_engine(
        url,
        hide_parameters=True,  # an error's text and the log never carry a row's values
        pool_pre_ping=True,  # a connection the server dropped (restart, network) is replaced
        connect_args={
            "connect_timeout": CONNECT_TIMEOUT,
            "application_name": "ylt-desktop",
            "options": "-c TimeZone=UTC",
        },
    )


# ---------------------------------------------------------------- the write lock


def lock_for_writing(dbapi: Any, *, wait: float | None = None) -> None:
    """Take the database's write lock inside the current transaction (released at its end).

    Tries without blocking first; while another client holds it the user is told once
    (``access.say_waiting``), after ``access.BUSY_WAIT`` seconds ``DatabaseBusy`` is raised.
    Taking it twice in one transaction is harmless (the lock is re-entrant).
    """
    from ylt_desktop.store import access

    deadline = time.monotonic() + (access.BUSY_WAIT if wait is None else wait)
    told = False
    pause = 0.02
    with dbapi.cursor() as cur:
        while True:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", (LOCK_KEY,))
            if cur.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise access.DatabaseBusy(access.busy_refusal()) from None
            if not told:
                access.say_waiting()
                told = True
            time.sleep(pause)
            pause = min(pause * 2, 0.25)


# ---------------------------------------------------------------- errors in Chinese

# libpq's English, matched on the message only (never shown): what the clerk can do about it.
_MESSAGES = [
    (
        re.compile(r"no password supplied|password is required", re.I),
        "数据库服务器要求输入密码",
    ),
    (
        re.compile(r"password authentication failed|authentication failed", re.I),
        "登录数据库服务器失败：用户名或密码不对",
    ),
    (
        re.compile(r"database .* does not exist", re.I),
        "数据库服务器上没有这个数据库；请检查数据库名，或请管理员先创建它（见 docs/POSTGRESQL.md）",
    ),
    (
        re.compile(r"role .* does not exist", re.I),
        "数据库服务器上没有这个用户；请检查用户名，或请管理员先创建它",
    ),
    (
        re.compile(r"pg_hba\.conf|no pg_hba", re.I),
        "数据库服务器拒绝了本机的连接（服务器的访问设置 pg_hba.conf 中没有允许本机）",
    ),
    (
        re.compile(r"permission denied", re.I),
        "数据库用户的权限不够（需要在该数据库中建表和读写的权限）；请联系服务器管理员",
    ),
    (
        re.compile(r"timeout expired|timed out", re.I),
        "连接数据库服务器超时：服务器没有响应，请检查网络和服务器地址",
    ),
    (
        re.compile(
            r"could not translate host name|Name or service not known|nodename nor servname",
            re.I,
        ),
        "找不到数据库服务器：服务器名称无法解析，请检查服务器地址",
    ),
    (
        re.compile(
            r"connection refused|could not connect|No such file or directory|"
            r"server closed the connection|terminating connection|connection .* failed|"
            r"the database system is (starting up|shutting down)|consuming input failed",
            re.I,
        ),
        "无法连接数据库服务器：服务器没有运行，或地址、端口不对，或网络不通",
    ),
    (
        re.compile(r"too many connections|remaining connection slots", re.I),
        "数据库服务器的连接数已满；请稍后重试，或请管理员调高 max_connections",
    ),
    (
        re.compile(r"could not serialize|deadlock detected", re.I),
        "另一位用户同时在修改相同的数据，本次操作没有写入任何数据；请重试",
    ),
    (
        re.compile(r"No space left|disk full|could not extend file", re.I),
        "数据库服务器的磁盘空间不足；请联系服务器管理员，已有数据没有被改动",
    ),
    (
        re.compile(r"read-only transaction|recovery is in progress", re.I),
        "数据库服务器当前只读（维护或恢复中），不能保存；请稍后重试",
    ),
]


def _psycopg_errors(exc: BaseException) -> list[BaseException]:
    return [e for e in error_chain(exc) if type(e).__module__.startswith("psycopg")]


def explain(exc: BaseException) -> str | None:
    """A Chinese line for a psycopg error in ``exc``'s chain; ``None`` when there is none.

    Only the kind and the server's message are looked at; neither SQL nor values are quoted.
    """
    found = _psycopg_errors(exc)
    if not found:
        return None
    link = found[-1]
    text = str(link)
    name = type(link).__name__
    if name == "UniqueViolation" or name == "IntegrityError" or name == "ForeignKeyViolation":
        return (
            "另一位用户同时写入了相同的记录，本次操作没有写入任何数据；"
            "请重新打开或重新导入，程序会列出哪些记录已经存在"
        )
    for pattern, message in _MESSAGES:
        if pattern.search(text):
            return message
    if name in ("OperationalError", "InterfaceError"):
        return "与数据库服务器的连接出错，本次操作没有写入任何数据；请检查网络后重试"
    return None


def explain_text(text: str) -> str | None:
    """The Chinese line for libpq's English ``text`` (from pg_dump/pg_restore), or ``None``."""
    return next((message for pattern, message in _MESSAGES if pattern.search(text)), None)


def connect_problem(exc: BaseException, where: str) -> ServerProblem:
    """The ``ServerProblem`` to raise for an error met while connecting to ``where``."""
    message = explain(exc) or "无法连接数据库服务器"
    if message == "数据库服务器要求输入密码":
        return PasswordNeeded(f"{message}：{where}")
    return ServerProblem(f"{message}（{where}）")
