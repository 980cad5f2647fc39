"""``ylt``: the same operations as the program, without a screen.

One module per command group; each command is a function taking the parsed arguments and
returning an exit code. Exit 0 on success, 1 when the data break a rule, 2 on bad usage or an
unreadable database. No other floor imports this package.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ylt_desktop.cli.audit import cmd_audit
from ylt_desktop.cli.backup import cmd_backup, cmd_restore
from ylt_desktop.cli.common import date_arg as _date
from ylt_desktop.cli.common import print_problems
from ylt_desktop.cli.common import quarter_arg as _quarter
from ylt_desktop.cli.imports import cmd_import
from ylt_desktop.cli.lists import (
    cmd_agreements_list,
    cmd_institutions_list,
    cmd_rotations_list,
    cmd_staff_list,
)
from ylt_desktop.cli.returns import add_return_commands
from ylt_desktop.cli.setup import cmd_demo, cmd_init
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.paths import default_db_path
from ylt_desktop.store.backup import DatabaseProblem


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ylt", description="医联体成员数据填报（命令行）")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Any, parent: Any = sub, **kw: Any) -> argparse.ArgumentParser:
        p = parent.add_parser(name, **kw)
        p.add_argument("--db", type=Path, default=default_db_path(), help="数据库文件路径")
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, help="创建医联体及其牵头单位")
    p.add_argument("--name", required=True, help="医联体名称")
    p.add_argument("--kind", required=True, help="医联体类型，如 县域医共体")
    p.add_argument("--division", required=True, help="所在地区行政区划代码")
    p.add_argument("--founded", type=_date, help="成立日期 YYYY-MM-DD")
    p.add_argument("--lead", required=True, help="牵头单位名称")
    p.add_argument("--lead-uscc", help="牵头单位统一社会信用代码")
    p.add_argument("--lead-category", default="综合医院")
    p.add_argument("--lead-level", default="二级甲等")

    add("demo", cmd_demo, help="生成示例医联体")

    inst = sub.add_parser("institutions", help="成员单位").add_subparsers(
        dest="action", required=True
    )
    p = add("list", cmd_institutions_list, parent=inst, help="列出成员单位")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")

    agr = sub.add_parser("agreements", help="资源共享协议").add_subparsers(
        dest="action", required=True
    )
    p = add("list", cmd_agreements_list, parent=agr, help="列出某季度有效的协议及其服务量")
    p.add_argument("--quarter", type=_quarter, required=True, help="季度，如 2026Q3")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")

    staff = sub.add_parser("staff", help="人员").add_subparsers(dest="action", required=True)
    p = add("list", cmd_staff_list, parent=staff, help="列出人员（证件号码脱敏）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")

    rot = sub.add_parser("rotations", help="人员柔性流动").add_subparsers(
        dest="action", required=True
    )
    p = add("list", cmd_rotations_list, parent=rot, help="列出某季度涉及的流动及其本季度数据")
    p.add_argument("--quarter", type=_quarter, required=True, help="季度，如 2026Q3")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")

    p = add("backup", cmd_backup, help="备份数据库（默认写入数据库旁的 backups 文件夹）")
    p.add_argument("--out", type=Path, help="备份文件路径")
    p = add("restore", cmd_restore, help="从备份文件恢复数据库（先自动备份当前数据库）")
    p.add_argument("file", type=Path, help="备份文件")
    p = add("audit", cmd_audit, help="操作日志")
    p.add_argument("--since", type=_date, help="起始日期 YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="截止日期 YYYY-MM-DD（含当天）")
    p.add_argument("--table", help="数据表，如 institution")
    p.add_argument("--action", choices=["insert", "update", "delete"], help="操作类型")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p = add("import", cmd_import, help="从 Excel（.xlsx）导入成员单位、人员、人员流动或协议")
    p.add_argument("kind", choices=["institutions", "staff", "rotations", "agreements"])
    p.add_argument("file", type=Path, help=".xlsx 文件")
    p.add_argument("--dry-run", action="store_true", help="试导入：只检查，不写入")
    p.add_argument("--only-valid", action="store_true", help="有错误的行跳过，其余行导入")
    add_return_commands(add)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "founded", 0) is None:
        import datetime as dt

        args.founded = dt.date.today()
    try:
        return args.func(args)
    except RuleViolation as exc:
        print_problems(exc)
        return 1
    except DatabaseProblem as exc:  # damaged, foreign or too new: refused, nothing written
        print(f"错误\t{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head and the like
        return 0
    finally:
        for db in args.__dict__.pop("_opened", []):
            db.close()


if __name__ == "__main__":
    sys.exit(main())
