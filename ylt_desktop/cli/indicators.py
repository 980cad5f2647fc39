"""``ylt indicators --quarter 2026Q3 [--json]``: 表7 主要监测指标 of one quarter.

A tab-separated table with a Chinese header (本季度, 本年累计, 上年同期, 同比, 目标, 达标), or
with ``--json`` one object per indicator with the keys ``key``, ``name``, ``unit``, ``quarter``,
``ytd``, ``last_year``, ``yoy``, ``target``, ``met``, ``basis`` (values as printed: "—" where
data are missing, never 0%).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from ylt_desktop.cli.common import open_db
from ylt_desktop.cli.common import quarter_arg as _quarter

COLUMNS = (
    ("name", "指标"),
    ("quarter", "本季度"),
    ("ytd", "本年累计"),
    ("last_year", "上年同期"),
    ("yoy", "同比"),
    ("target", "目标"),
    ("met", "达标"),
    ("basis", "口径"),
)


def cmd_indicators(args: argparse.Namespace) -> int:
    from ylt_desktop.returns.indicators import quarter_indicators, result_rows

    db = open_db(args)
    with db.session() as s:
        # A member's database (成员库): its own unit's 表7, as its own return prints it.
        rows = result_rows(quarter_indicators(s, args.quarter, own_part=True).results)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"{args.quarter.label} 主要监测指标")
    print("\t".join(label for _key, label in COLUMNS))
    for row in rows:
        print("\t".join(row[key] for key, _label in COLUMNS))
    return 0


def add_indicator_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register ``indicators`` with ``cli.build_parser``'s ``add(name, func, help=…)``."""
    p = add("indicators", cmd_indicators, help="主要监测指标（表7）：本季度、本年累计、同比、达标")
    p.add_argument(
        "--quarter", type=_quarter, required=True, metavar="季度", help="季度，如 2026Q3"
    )
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
