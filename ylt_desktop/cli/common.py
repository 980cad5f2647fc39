"""What every ``ylt`` command shares: opening ``--db``, printing rows and problems, argument types."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ylt_desktop.domain.problems import RuleViolation, error


def db_arg(text: str):  # noqa: ANN201
    """``--db``: a file path, or a server's address (``postgresql://user@host/dbname``) as typed."""
    from pathlib import Path

    from ylt_desktop.store.server import is_server_url

    return text.strip() if is_server_url(text) else Path(text)


def open_db(args: argparse.Namespace, *, create: bool = False, sign_in: bool = True):  # noqa: ANN202
    """Open ``--db`` and sign the user in; ``main`` closes it when the command ends (the last
    connection's close checkpoints the WAL into the file, so the file is whole once ``ylt`` has
    returned).

    Only ``ylt init`` and ``ylt demo`` pass ``create``: a mistyped path is refused elsewhere.
    A server that asks for a password libpq found nowhere (``PGPASSWORD``, ``~/.pgpass``) gets
    it from a hidden prompt; the program keeps it only in memory."""
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.server import PasswordNeeded

    try:
        db = open_database(args.db, create=create)
    except PasswordNeeded:
        import getpass

        password = getpass.getpass("数据库服务器的密码：")
        db = open_database(args.db, create=create, password=password)
    args.__dict__.setdefault("_opened", []).append(db)
    if sign_in:
        sign_in_user(db, args)
    return db


CONSORTIUM_LABELS = {
    "name": "医联体名称",
    "kind": "医联体类型",
    "division": "所在地区",
    "founded": "成立日期",
    "lead_id": "牵头单位",  # ylt consortium --lead
}


def field_label(field: str) -> str:
    """The Chinese name of a problem's field (``lead.uscc`` → 牵头单位 统一社会信用代码)."""
    from ylt_desktop.importing.columns import TARGETS

    institution = {t.key: t.label for t in TARGETS["institutions"]}
    if field.startswith("lead."):
        return f"牵头单位 {institution.get(field[5:], '')}".strip()
    return CONSORTIUM_LABELS.get(field) or institution.get(field) or ""


def password_from_env_or_prompt(
    name: str, *, env: str = "YLT_PASSWORD", twice: bool = False
) -> str:
    """The password from ``env`` (for scripts; documented in the README) or a hidden prompt.
    Never from an argument: it would show in the process list and the shell history."""
    import getpass
    import os

    password = os.environ.get(env)
    if password:
        return password
    password = getpass.getpass(f"“{name}”的密码：")
    if twice and getpass.getpass("再输入一次：") != password:
        raise RuleViolation([error("password", "两次输入的密码不一致")])
    return password


def sign_in_user(db, args: argparse.Namespace) -> None:  # noqa: ANN001
    """Sign in ``--user`` (or ``YLT_USER``) with ``YLT_PASSWORD`` or a prompt. A database
    without users cannot be used until it has a 管理员 (``ylt users add-admin``)."""
    import os

    from ylt_desktop.store import users
    from ylt_desktop.store.backup import DatabaseProblem

    with db.session() as s:
        if not users.has_users(s):
            if db.user is not None:  # a script or test that set store.users.DEFAULT_ACTOR
                return
            raise DatabaseProblem(
                "本数据库还没有用户。请先创建管理员："
                f"ylt users add-admin --name 用户名 --db {db.location}"
            )
    name = getattr(args, "user", None) or os.environ.get("YLT_USER")
    if not name:
        raise DatabaseProblem("请用 --user 或环境变量 YLT_USER 指定登录的用户")
    password = password_from_env_or_prompt(name)
    with db.session() as s:
        db.sign_in(users.authenticate(s, name=name, password=password))


def print_problems(exc: RuleViolation, labels: dict[str, str] | None = None) -> None:
    """Each problem on a line; ``labels`` (field → Chinese) for a command whose records are
    not institutions (``ylt users``: its name and role are not 机构名称 and 医联体角色)."""
    for p in exc.problems:
        level = "错误" if p.is_error else "警告"
        label = field_label(p.field) if labels is None else labels.get(p.field, "")
        print(
            f"{level}\t{label}\t{p.message}" if label else f"{level}\t{p.message}", file=sys.stderr
        )


def emit(rows: list[dict[str, Any]], as_json: bool, headings: dict[str, str] | None = None) -> None:
    """Rows as JSON (English keys, documented in the README) or as tab-separated lines under
    Chinese column names (``headings``: key → name)."""
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return
    if rows:
        print("\t".join((headings or {}).get(k, k) for k in rows[0]))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row.values()))


def quarter_arg(text: str):  # noqa: ANN202
    from ylt_desktop.domain.periods import Quarter

    try:
        return Quarter.parse(text)
    except ValueError as exc:
        from ylt_desktop.importing import quarter_in_text

        written = quarter_in_text(text.strip(), whole=True)  # 2026年第3季度, 2026年三季度
        if written is None:
            raise argparse.ArgumentTypeError(f"{exc}（或 2026年第3季度）") from exc
        return written


def date_arg(text: str):  # noqa: ANN202
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期“{text}”无效，应写作 YYYY-MM-DD，如 2026-07-01"
        ) from None
