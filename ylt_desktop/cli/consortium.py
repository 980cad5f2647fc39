"""``ylt consortium``: show the consortium and its lead unit, or correct them (as 设置 does)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ylt_desktop.cli.common import date_arg, open_db
from ylt_desktop.domain import lists

OPTIONS = ("name", "kind", "division", "founded", "lead")


def _lead_id(session, typed: str) -> int:  # noqa: ANN001
    """The unit ``--lead`` names: its exact name (as stored: cleaned, full-width brackets), its
    统一社会信用代码, or a part of its name that only one unit has."""
    from sqlalchemy import select

    from ylt_desktop.domain.problems import RuleViolation, error
    from ylt_desktop.domain.text import normalize_code, normalize_name
    from ylt_desktop.store.models import Institution

    name = normalize_name(typed)
    rows = session.execute(select(Institution.id, Institution.name, Institution.uscc)).all()
    for wanted in (
        [r for r in rows if r.name == name],
        [r for r in rows if r.uscc and r.uscc == normalize_code(typed)],
        [r for r in rows if name and name in r.name],
    ):
        if len(wanted) == 1:
            return wanted[0].id
        if len(wanted) > 1:
            names = "、".join(r.name for r in wanted[:6]) + ("等" if len(wanted) > 6 else "")
            raise RuleViolation(
                [error("lead_id", f"“{name}”对应多个单位（{names}），请写出完整名称")]
            )
    raise RuleViolation([error("lead_id", f"没有名为“{name}”的成员单位")])


def cmd_consortium(args: argparse.Namespace) -> int:
    from ylt_desktop.domain.codes import division_name
    from ylt_desktop.domain.problems import RuleViolation, error
    from ylt_desktop.store import institutions as store

    db = open_db(args)
    with db.session() as s:
        consortium = store.get_consortium(s)
        lead = store.lead_institution(s)
        if consortium is None:
            raise RuleViolation([error("name", "尚未创建医联体：请先运行 ylt init")])
        values = {
            "name": consortium.name,
            "kind": consortium.kind,
            "division": consortium.division,
            "founded": consortium.founded,
            "lead_id": lead.id if lead is not None else None,
        }
        # dest "set_…": ``main`` fills a missing ``founded`` with today for ``init``.
        changes = {k: getattr(args, f"set_{k}") for k in OPTIONS}
        changes = {k: v for k, v in changes.items() if v is not None}
        if changes:
            if "lead" in changes:
                changes["lead_id"] = _lead_id(s, changes.pop("lead"))
            store.update_consortium(s, **{**values, **changes})
            print("已保存（已记入操作日志）")
            consortium = store.get_consortium(s)
            lead = store.lead_institution(s)
        place = division_name(consortium.division) or ""
        print(f"医联体名称\t{consortium.name}")
        print(f"医联体类型\t{consortium.kind}")
        print(f"所在地区\t{consortium.division} {place}".rstrip())
        print(f"成立日期\t{consortium.founded or ''}")
        print(f"牵头单位\t{lead.name if lead is not None else ''}")
    return 0


def add_consortium_command(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add(
        "consortium",
        cmd_consortium,
        help="显示或更正医联体信息、更换牵头单位（不带选项时只显示）",
    )
    p.add_argument("--name", dest="set_name", metavar="名称", help="医联体名称")
    p.add_argument(
        "--kind",
        dest="set_kind",
        metavar="类型",
        help=f"医联体类型：{'、'.join(lists.CONSORTIUM_KINDS)}",
    )
    p.add_argument(
        "--division", dest="set_division", metavar="代码", help="所在地区行政区划代码（6 位）"
    )
    p.add_argument(
        "--founded", dest="set_founded", type=date_arg, metavar="日期", help="成立日期 YYYY-MM-DD"
    )
    p.add_argument(
        "--lead",
        dest="set_lead",
        metavar="名称",
        help="新的牵头单位（成员单位名称）；原牵头单位改为成员单位",
    )
