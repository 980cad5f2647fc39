"""``ylt users``: the 管理员 manages users; ``add-admin`` gives a database without one its first.

Passwords are never arguments: a new password comes from ``YLT_NEW_PASSWORD`` or a prompt
(asked twice), the signed-in user's from ``YLT_PASSWORD`` or a prompt.
"""

from __future__ import annotations

import argparse
from typing import Any

from ylt_desktop.cli.common import emit, open_db, password_from_env_or_prompt

NEW_PASSWORD_ENV = "YLT_NEW_PASSWORD"
# The fields of a user's problems (``domain/roles.validate_user``), as ``print_problems`` says them.
USER_LABELS = {"name": "用户名", "role": "角色", "password": "密码"}


def _role(text: str) -> str:
    from ylt_desktop.domain.roles import ROLE_BY_LABEL, ROLES

    role = ROLE_BY_LABEL.get(text, text)
    if role not in ROLES:
        raise argparse.ArgumentTypeError("角色须为 填表人、审核人 或 管理员")
    return role


def _new_password(name: str) -> str:
    return password_from_env_or_prompt(name, env=NEW_PASSWORD_ENV, twice=True)


def cmd_add_admin(args: argparse.Namespace) -> int:
    from ylt_desktop.store import users

    db = open_db(args, sign_in=False)
    password = _new_password(args.name)
    with db.session() as s:
        users.create_first_admin(s, name=args.name, password=password)
    print(f"已创建管理员“{args.name}”")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ylt_desktop.domain.roles import Permission, role_label
    from ylt_desktop.store import users

    db = open_db(args)
    with db.session() as s:
        users.require(s, Permission.MANAGE_USERS)
        rows = [
            {
                "name": u.name,
                "role": role_label(u.role),
                "active": "启用" if u.active else "停用",
                "locked_until": ends.isoformat(sep=" ") if (ends := users.lock_ends(u)) else "",
            }
            for u in users.list_users(s)
        ]
    emit(
        rows,
        args.json,
        {"name": "用户名", "role": "角色", "active": "状态", "locked_until": "锁定至"},
    )
    return 0


def _run(args: argparse.Namespace, done: str, action: Any) -> int:
    db = open_db(args)
    with db.session() as s:
        action(s)
    print(done)
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from ylt_desktop.store import users

    db = open_db(args)  # signed in first: a clerk is refused before typing a password
    with db.session() as s:
        from ylt_desktop.domain.roles import Permission

        users.require(s, Permission.MANAGE_USERS)
    password = _new_password(args.name)
    with db.session() as s:
        users.add_user(s, name=args.name, role=args.role, password=password)
    print(f"已添加用户“{args.name}”")
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    from ylt_desktop.store import users

    return _run(
        args,
        f"已修改“{args.name}”的角色",
        lambda s: users.change_role(s, name=args.name, role=args.role),
    )


def cmd_reset(args: argparse.Namespace) -> int:
    from ylt_desktop.domain.roles import Permission
    from ylt_desktop.store import users

    db = open_db(args)
    with db.session() as s:
        users.require(s, Permission.MANAGE_USERS)
    password = _new_password(args.name)
    with db.session() as s:
        users.reset_password(s, name=args.name, password=password)
    print(f"已重设“{args.name}”的密码")
    return 0


def cmd_active(args: argparse.Namespace) -> int:
    from ylt_desktop.store import users

    active = args.action == "enable"
    word = "启用" if active else "停用"
    return _run(
        args, f"已{word}“{args.name}”", lambda s: users.set_active(s, name=args.name, active=active)
    )


def cmd_delete(args: argparse.Namespace) -> int:
    from ylt_desktop.store import users

    return _run(args, f"已删除“{args.name}”", lambda s: users.delete_user(s, name=args.name))


def add_user_commands(sub: Any, add_command: Any) -> None:
    """Register ``ylt users …`` with ``cli.build_parser``'s ``add``."""
    grp = sub.add_parser(
        "users", help="用户管理（管理员）", description="用户管理（管理员）"
    ).add_subparsers(dest="action", required=True, title="操作", metavar="操作")

    def add(name: str, func: Any, **kw: Any) -> Any:
        p = add_command(name, func, **kw)
        p.set_defaults(problem_labels=USER_LABELS)
        return p

    p = add(
        "add-admin",
        cmd_add_admin,
        parent=grp,
        help=f"为还没有管理员的数据库创建管理员（密码取自 {NEW_PASSWORD_ENV} 或提示输入两次）",
    )
    p.add_argument("--name", required=True, metavar="用户名", help="管理员用户名")
    p = add("list", cmd_list, parent=grp, help="列出用户")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p = add("add", cmd_add, parent=grp, help=f"添加用户（密码取自 {NEW_PASSWORD_ENV} 或提示输入）")
    p.add_argument("name", metavar="用户名", help="用户名")
    p.add_argument(
        "--role", type=_role, required=True, metavar="角色", help="填表人、审核人 或 管理员"
    )
    p = add("role", cmd_role, parent=grp, help="修改角色")
    p.add_argument("name", metavar="用户名", help="用户名")
    p.add_argument("role", type=_role, metavar="角色", help="填表人、审核人 或 管理员")
    p = add("reset-password", cmd_reset, parent=grp, help="重设密码（并解除锁定）")
    p.add_argument("name", metavar="用户名", help="用户名")
    for action, text in (("disable", "停用用户"), ("enable", "启用用户")):
        p = add(action, cmd_active, parent=grp, help=text)
        p.add_argument("name", metavar="用户名", help="用户名")
    p = add("delete", cmd_delete, parent=grp, help="删除从未操作过的用户（其余只能停用）")
    p.add_argument("name", metavar="用户名", help="用户名")
