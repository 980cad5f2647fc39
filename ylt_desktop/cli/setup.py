"""``ylt init`` and ``ylt demo``: the only commands that create a database."""

from __future__ import annotations

import argparse
import sys

from ylt_desktop.cli.common import open_db, password_from_env_or_prompt


def cmd_init(args: argparse.Namespace) -> int:
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.domain.problems import RuleViolation, error
    from ylt_desktop.store import institutions as store
    from ylt_desktop.store import users

    if not args.admin:
        raise RuleViolation([error("admin", "请用 --admin 指定管理员用户名")])

    lead = InstitutionData(
        name=args.lead,
        uscc=args.lead_uscc or "",
        division=args.division,
        category=args.lead_category,
        level=args.lead_level,
        joined=args.founded,
    )
    db = open_db(args, create=True, sign_in=False)
    with db.session() as s:
        if not users.has_users(s):
            password = password_from_env_or_prompt(args.admin, twice=True)
            db.sign_in(users.create_first_admin(s, name=args.admin, password=password))
    if db.user is None:  # users exist already: sign in as one of them
        from ylt_desktop.cli.common import sign_in_user

        sign_in_user(db, args)
    with db.session() as s:
        store.initialize(
            s,
            name=args.name,
            kind=args.kind,
            division=args.division,
            founded=args.founded,
            lead=lead,
        )
    print(f"已创建医联体“{args.name}”：{db.location}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ylt_desktop.demo import build_demo
    from ylt_desktop.store.institutions import get_consortium

    db = open_db(args, create=True, sign_in=False)
    with db.session() as s:
        if get_consortium(s) is not None:
            print(f"数据库已有医联体，未写入示例数据：{db.location}", file=sys.stderr)
            return 1
    build_demo(db)
    print(f"已生成示例医联体：{db.location}")
    print(
        "示例用户（密码仅用于示例数据库）：admin/admin-demo（管理员）、reviewer/reviewer-demo（审核人）、clerk/clerk-demo（填表人）"
    )
    return 0
