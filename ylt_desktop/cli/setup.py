"""``ylt init`` and ``ylt demo``: the only commands that create a database."""

from __future__ import annotations

import argparse
import sys

from ylt_desktop.cli.common import open_db


def cmd_init(args: argparse.Namespace) -> int:
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions as store

    lead = InstitutionData(
        name=args.lead,
        uscc=args.lead_uscc or "",
        division=args.division,
        category=args.lead_category,
        level=args.lead_level,
        joined=args.founded,
    )
    db = open_db(args, create=True)
    with db.session() as s:
        store.initialize(
            s,
            name=args.name,
            kind=args.kind,
            division=args.division,
            founded=args.founded,
            lead=lead,
        )
    print(f"已创建医联体“{args.name}”：{db.path}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ylt_desktop.demo import build_demo
    from ylt_desktop.store.institutions import get_consortium

    db = open_db(args, create=True)
    with db.session() as s:
        if get_consortium(s) is not None:
            print(f"数据库已有医联体，未写入示例数据：{db.path}", file=sys.stderr)
            return 1
    build_demo(db)
    print(f"已生成示例医联体：{db.path}")
    return 0
