"""本机数据库 or 连接服务器: the choice of database, and 测试连接 in the clerk's words.

``ServerChoice`` is what the program remembers of a server (host, port, database, user; never
a password). ``check_connection(target, password=...)`` opens nothing for good and writes
nothing: it connects, looks whether the database is one of ours and at which schema version,
and returns a ``ConnectionResult`` with a Chinese message (连接成功, or why not: the server
cannot be reached, the password is wrong or missing, the database or user does not exist, it
is not a YLT database, it needs an upgrade, it is newer than the program). The password comes
from the caller (a prompt) or from libpq's own sources (``PGPASSWORD``, ``~/.pgpass``).

(Named ``check_connection``, not ``test_connection``: pytest would collect the latter from a
test module that imports it.) Stdlib only at import; psycopg is imported to check a server.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ylt_desktop.store.server import is_server_url

DEFAULT_PORT = 5432
CONNECT_TIMEOUT = 8

OK = "ok"
EMPTY = "empty"  # a new, empty database: the program makes its tables when it first opens it
NEEDS_MIGRATION = "needs_migration"
UNREACHABLE = "unreachable"
PASSWORD_NEEDED = "password_needed"
PASSWORD_WRONG = "password_wrong"
NO_DATABASE = "no_database"
NO_USER = "no_user"
REFUSED = "refused"  # the server's access rules (pg_hba.conf) do not let this PC in
NOT_YLT = "not_ylt"
NEWER = "newer"
MISSING = "missing"  # a local file that does not exist
BAD_ADDRESS = "bad_address"
NO_DRIVER = "no_driver"
OTHER = "other"


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    reason: str
    message: str


@dataclass(frozen=True)
class ServerChoice:
    """A database on a server, as the program remembers it (no password, ever)."""

    host: str
    database: str
    user: str
    port: int = DEFAULT_PORT

    def url(self) -> str:
        """``postgresql://user@host:port/database`` (what ``--db`` takes); a host that is a
        socket folder (``/run/postgresql``, libpq's convention) goes into the query."""
        host = self.host.strip()
        user = quote(self.user.strip(), safe="")
        database = quote(self.database.strip(), safe="")
        if host.startswith("/"):
            return f"postgresql://{user}@/{database}?host={quote(host)}&port={int(self.port)}"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        return f"postgresql://{user}@{host}:{int(self.port)}/{database}"

    def problems(self) -> list[str]:
        """What is missing or wrong, in Chinese (empty when the choice can be tried)."""
        out = []
        if not self.host.strip():
            out.append("请填写服务器地址（计算机名或 IP 地址）")
        elif not self.host.strip().startswith("/") and re.search(r"[\s/@]", self.host.strip()):
            out.append("服务器地址不能含空格、“/”或“@”")
        if not 1 <= int(self.port) <= 65535:
            out.append("端口须在 1 到 65535 之间（默认 5432）")
        if not self.database.strip():
            out.append("请填写数据库名")
        if not self.user.strip():
            out.append("请填写用户名")
        return out

    @classmethod
    def from_url(cls, text: str) -> ServerChoice:
        """The choice in a ``postgresql://user@host:port/database`` address (a password in it
        is dropped: the program never keeps one)."""
        if not is_server_url(text):
            raise ValueError("not a server address")
        parts = urlsplit("postgresql://" + text.strip().split("://", 1)[1])
        query = dict(parse_qsl(parts.query))
        port = parts.port or (int(query["port"]) if query.get("port", "").isdigit() else None)
        return cls(
            host=parts.hostname or query.get("host", ""),
            database=unquote(parts.path.lstrip("/")),
            user=unquote(parts.username or ""),
            port=port or DEFAULT_PORT,
        )


def check_connection(
    target: str | Path, *, password: str | None = None, timeout: int = CONNECT_TIMEOUT
) -> ConnectionResult:
    """测试连接: can the program open ``target`` (a server address or a database file)?"""
    if is_server_url(target):
        return _check_server(str(target), password, timeout)
    return _check_file(Path(target))


# --- a database file --------------------------------------------------------------------


def _check_file(path: Path) -> ConnectionResult:
    from ylt_desktop.store.access import check_access
    from ylt_desktop.store.backup import DatabaseProblem, check_database

    path = path.expanduser()
    if not path.exists():
        return ConnectionResult(
            True, EMPTY, f"本机数据库文件还不存在，首次打开时将新建：{path}"
        )  # fmt: skip
    try:
        check_access(path, create=False)
        health = check_database(path, full=False)
    except DatabaseProblem as exc:
        return ConnectionResult(False, OTHER, str(exc))
    if not health.ok:
        return ConnectionResult(False, OTHER, f"{health.message}：{path}")
    if not health.is_ylt:
        return ConnectionResult(
            False, NOT_YLT, f"不是本程序的数据库（其中没有医联体数据表）：{path}"
        )  # fmt: skip
    return _by_revision(health.revision, where=str(path))


def _by_revision(revision: str | None, *, where: str) -> ConnectionResult:
    from ylt_desktop.store.backup import known_revisions
    from ylt_desktop.store.db import head_revision

    if revision == head_revision():
        return ConnectionResult(True, OK, f"连接成功：{where}")
    if revision in known_revisions():
        return ConnectionResult(
            True,
            NEEDS_MIGRATION,
            f"连接成功：{where}。数据库的数据结构是旧版本，需要升级（打开时先备份再自动升级）",
        )
    return ConnectionResult(
        False,
        NEWER,
        f"数据库的数据结构版本（{revision or '未知'}）比本程序新或无法识别，"
        f"请使用新版本的程序打开：{where}",
    )


# --- a server -----------------------------------------------------------------------------

# libpq's and the server's words (English, or Chinese on a server set up in Chinese) → reason.
_REASONS = [
    (re.compile(r"no password supplied|password is required|未提供口令|没有提供口令", re.I),
     PASSWORD_NEEDED),
    (re.compile(r"password authentication failed|口令认证失败|密码认证失败", re.I),
     PASSWORD_WRONG),
    (re.compile(r'database ".*" does not exist|数据库 ".*" 不存在', re.I), NO_DATABASE),
    (re.compile(r'role ".*" does not exist|角色 ".*" 不存在', re.I), NO_USER),
    (re.compile(r"pg_hba\.conf", re.I), REFUSED),
    (re.compile(r"authentication failed|认证失败", re.I), PASSWORD_WRONG),
]  # fmt: skip
_SQLSTATES = {"28P01": PASSWORD_WRONG, "3D000": NO_DATABASE}


def _message(reason: str, where: str) -> str:
    return {
        UNREACHABLE: f"无法连接数据库服务器（{where}）：服务器没有运行，或地址、端口不对，"
        "或网络不通、被防火墙挡住",
        PASSWORD_NEEDED: f"数据库服务器要求输入密码（{where}）",
        PASSWORD_WRONG: f"登录数据库服务器失败（{where}）：用户名或密码不对",
        NO_DATABASE: f"数据库服务器上没有这个数据库（{where}）：请检查数据库名，"
        "或请服务器管理员先创建它",
        NO_USER: f"数据库服务器上没有这个用户（{where}）：请检查用户名，或请服务器管理员先创建它",
        REFUSED: f"数据库服务器拒绝了本机的连接（{where}）：服务器的访问设置（pg_hba.conf）"
        "没有允许本机，请联系服务器管理员",
        NO_DRIVER: "本程序缺少连接数据库服务器的组件（psycopg），请安装完整版本的程序",
        OTHER: f"连接数据库服务器失败（{where}）",
    }[reason]


def classify(exc: BaseException) -> str:
    """The reason a connection failed, from the driver's error (its text is never shown)."""
    state = getattr(exc, "sqlstate", None)
    if state in _SQLSTATES:
        return _SQLSTATES[state]
    text = str(exc)
    for pattern, reason in _REASONS:
        if pattern.search(text):
            return reason
    return UNREACHABLE


def _where(choice: ServerChoice) -> str:
    return f"{choice.user}@{choice.host}:{choice.port}/{choice.database}"


def _check_server(url: str, password: str | None, timeout: int) -> ConnectionResult:
    try:
        choice = ServerChoice.from_url(url)
    except ValueError:
        choice = None
    if choice is None or choice.problems():
        detail = "；".join(choice.problems()) if choice is not None else ""
        return ConnectionResult(
            False,
            BAD_ADDRESS,
            "数据库服务器地址不完整，应写作 postgresql://用户名@服务器:端口/数据库名"
            + (f"（{detail}）" if detail else ""),
        )
    where = _where(choice)
    try:
        import psycopg
    except ImportError:
        return ConnectionResult(False, NO_DRIVER, _message(NO_DRIVER, where))
    params: dict[str, Any] = {
        "host": choice.host,
        "port": choice.port,
        "dbname": choice.database,
        "user": choice.user,
        "connect_timeout": timeout,
        "application_name": "ylt-desktop",
    }
    if password is not None:
        params["password"] = password
    try:
        conn = psycopg.connect(**params)
    except psycopg.Error as exc:
        reason = classify(exc)
        return ConnectionResult(False, reason, _message(reason, where))
    try:
        return _look_inside(conn, where)
    except psycopg.Error:
        return ConnectionResult(False, OTHER, _message(OTHER, where))
    finally:
        conn.close()


def _look_inside(conn: Any, where: str) -> ConnectionResult:
    """Connected: is it empty, one of ours (and which version), or something else?"""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        tables = {row[0] for row in cur.fetchall()}
        if not tables:
            return ConnectionResult(
                True,
                EMPTY,
                f"连接成功：{where}。这是一个空数据库，首次打开时程序会在其中建立数据表",
            )
        if "alembic_version" not in tables or "institution" not in tables:
            return ConnectionResult(
                False,
                NOT_YLT,
                f"连接成功，但该数据库不是本程序的数据库（{where}）：其中已有其他程序的数据表。"
                "请使用专门为本程序创建的数据库",
            )
        cur.execute("SELECT version_num FROM alembic_version")
        row = cur.fetchone()
    return _by_revision(row[0] if row else None, where=where)
