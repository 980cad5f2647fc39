"""``ylt``: the same operations as the program, without a screen.

One module per command group; each command is a function taking the parsed arguments and
returning an exit code. Exit 0 on success, 1 when the data break a rule, 2 on bad usage or an
unreadable database. No other floor imports this package.

Every command on a database signs a user in: ``--user`` (or ``YLT_USER``) with the password
from ``YLT_PASSWORD`` or a hidden prompt; the store refuses what that user's role may not do.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ylt_desktop.cli.audit import (
    AUDIT_ACTIONS,
    AUDIT_TABLES,
    audit_action_arg,
    audit_table_arg,
    cmd_audit,
)
from ylt_desktop.cli.backup import cmd_backup, cmd_restore
from ylt_desktop.cli.chinese_argparse import ChineseArgumentParser
from ylt_desktop.cli.common import date_arg as _date
from ylt_desktop.cli.common import db_arg, print_problems
from ylt_desktop.cli.common import quarter_arg as _quarter
from ylt_desktop.cli.consortium import add_consortium_command
from ylt_desktop.cli.imports import add_import_commands
from ylt_desktop.cli.indicators import add_indicator_commands
from ylt_desktop.cli.lists import (
    cmd_agreements_list,
    cmd_institutions_list,
    cmd_rotations_list,
    cmd_staff_list,
)
from ylt_desktop.cli.package import add_package_commands
from ylt_desktop.cli.returns import add_return_commands
from ylt_desktop.cli.setup import cmd_demo, cmd_init
from ylt_desktop.cli.users import add_user_commands
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.paths import default_db_path
from ylt_desktop.store.backup import DatabaseProblem


def build_parser() -> argparse.ArgumentParser:
    from ylt_desktop.domain import lists

    parser = ChineseArgumentParser(
        prog="ylt",
        description="医联体成员数据填报（命令行）。每个命令的说明：ylt 命令 --help",
        epilog="退出码：0 完成；1 数据不符合规则（问题已列出）；2 用法错误或数据库无法读取",
    )
    sub = parser.add_subparsers(dest="command", required=True, title="命令", metavar="命令")
    db_help = (
        f"数据库文件路径（默认：{default_db_path()}），"
        "或数据库服务器地址 postgresql://用户名@服务器/数据库名"
    )

    def add(name: str, func: Any, parent: Any = sub, **kw: Any) -> argparse.ArgumentParser:
        p = parent.add_parser(name, description=kw.get("help"), **kw)
        p.add_argument(
            "--db", type=db_arg, default=default_db_path(), metavar="数据库", help=db_help
        )
        p.add_argument(
            "--user",
            metavar="用户名",
            help="登录的用户名（默认取环境变量 YLT_USER；密码取自 YLT_PASSWORD 或提示输入）",
        )
        p.set_defaults(func=func)
        return p

    def group(name: str, help: str) -> Any:
        p = sub.add_parser(name, help=help, description=help)
        return p.add_subparsers(dest="action", required=True, title="操作", metavar="操作")

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="以 JSON 输出（键名见 README）")

    def quarter_opt(p: argparse.ArgumentParser, help: str = "季度，如 2026Q3") -> None:
        p.add_argument("--quarter", type=_quarter, required=True, metavar="季度", help=help)

    p = add("init", cmd_init, help="创建医联体及其牵头单位（新建数据库）")
    p.add_argument("--name", required=True, metavar="名称", help="医联体名称")
    p.add_argument(
        "--kind",
        required=True,
        metavar="类型",
        help=f"医联体类型：{'、'.join(lists.CONSORTIUM_KINDS)}",
    )
    p.add_argument("--division", required=True, metavar="代码", help="所在地区行政区划代码（6 位）")
    p.add_argument(
        "--founded", type=_date, metavar="日期", help="成立日期 YYYY-MM-DD（默认：今天）"
    )
    p.add_argument("--lead", required=True, metavar="名称", help="牵头单位名称")
    p.add_argument("--lead-uscc", metavar="代码", help="牵头单位统一社会信用代码（18 位）")
    p.add_argument(
        "--lead-category",
        default="综合医院",
        metavar="类别",
        help=f"牵头单位机构类别（默认：%(default)s）：{'、'.join(lists.CATEGORIES)}",
    )
    p.add_argument(
        "--lead-level",
        default="二级甲等",
        metavar="等级",
        help=f"牵头单位机构等级（默认：%(default)s）：{'、'.join(lists.LEVELS)}",
    )
    p.add_argument(
        "--admin",
        default=os.environ.get("YLT_USER"),
        metavar="用户名",
        help="管理员用户名（默认取 YLT_USER；密码取自 YLT_PASSWORD 或提示输入两次）",
    )

    add("demo", cmd_demo, help="生成示例医联体（新建数据库）")
    add_consortium_command(add)

    inst = group("institutions", "成员单位")
    json_flag(add("list", cmd_institutions_list, parent=inst, help="列出成员单位"))

    agr = group("agreements", "资源共享协议")
    p = add("list", cmd_agreements_list, parent=agr, help="列出某季度有效的协议及其服务量")
    quarter_opt(p)
    json_flag(p)

    staff = group("staff", "人员")
    json_flag(add("list", cmd_staff_list, parent=staff, help="列出人员（证件号码脱敏）"))

    rot = group("rotations", "人员柔性流动")
    p = add("list", cmd_rotations_list, parent=rot, help="列出某季度涉及的流动及其本季度数据")
    quarter_opt(p)
    json_flag(p)

    p = add("backup", cmd_backup, help="备份数据库（默认写入数据库旁的 backups 文件夹）")
    p.add_argument("--out", type=Path, metavar="文件", help="备份文件路径")
    p = add("restore", cmd_restore, help="从备份文件恢复数据库（先自动备份当前数据库）")
    p.add_argument("file", type=Path, metavar="备份文件", help="要恢复的备份文件")
    p = add("audit", cmd_audit, help="操作日志（ylt audit verify：检查日志是否在程序外被改动）")
    p.add_argument("check", nargs="?", choices=["verify"], help="verify：核对操作日志的哈希链")
    p.add_argument("--since", type=_date, metavar="日期", help="起始日期 YYYY-MM-DD")
    p.add_argument("--until", type=_date, metavar="日期", help="截止日期 YYYY-MM-DD（含当天）")
    p.add_argument(
        "--table",
        metavar="类别",
        type=audit_table_arg,
        help=f"记录类别：{'、'.join(AUDIT_TABLES)}",
    )
    p.add_argument(
        "--action",
        type=audit_action_arg,
        metavar="操作",
        help=f"操作类型：{'、'.join(AUDIT_ACTIONS)}",
    )
    json_flag(p)
    add_import_commands(add)
    add_return_commands(add)
    add_indicator_commands(add)
    add_user_commands(sub, add)
    add_package_commands(sub, add)
    return parser


def _say_waiting(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    from ylt_desktop.private import private_umask

    private_umask()  # the database, backups, exports: owner-only
    _log_to_file()
    args = build_parser().parse_args(argv)
    if getattr(args, "founded", 0) is None:
        import datetime as dt

        args.founded = dt.date.today()
    from ylt_desktop.store import access

    access.on_wait(_say_waiting)  # a database held by another program: say we wait
    try:
        return args.func(args)
    except RuleViolation as exc:
        print_problems(exc, getattr(args, "problem_labels", None))
        return 1
    except DatabaseProblem as exc:  # damaged, foreign or too new: refused, nothing written
        print(f"错误\t{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into head and the like
        return 0
    except EOFError:  # a password asked where nothing can be typed (its input closed)
        print(
            "错误\t需要输入密码或口令，但没有可输入的地方（输入已关闭）：请在命令行窗口中运行，"
            "或用环境变量 YLT_PASSWORD（登录密码）、YLT_NEW_PASSWORD（ylt users add、add-admin "
            "的新密码）、YLT_EXCHANGE_PASSPHRASE（数据交换口令）给出",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:  # a full disk, a read-only folder, a lock held too long
        message = access.explain(exc)
        if message is None and isinstance(exc, OSError):  # a file error of a rarer kind
            where = f"：{exc.filename}" if exc.filename else ""
            message = access.os_error_text(exc) + where
        if message is None:
            raise
        print(f"错误\t{message}", file=sys.stderr)
        return 2
    finally:
        access.on_wait(None)
        for db in args.__dict__.pop("_opened", []):
            db.close()


def _log_to_file() -> None:
    """Warnings of the floors below go to ``ylt-cli.log`` in the log folder (masked), never to
    the terminal: Python prints a record nobody handles on stderr, in English and unmasked,
    under the command's own Chinese message. A host that handles records (tests) keeps them."""
    import logging

    root = logging.getLogger()
    if root.handlers:
        return
    from ylt_desktop import logs

    logging.raiseExceptions = False  # a log file that cannot be written is not printed either
    try:
        logs.setup_logging(level=logging.WARNING, name="ylt-cli.log")
    except OSError:  # no log folder: the records are dropped, not printed
        root.addHandler(logging.NullHandler())


if __name__ == "__main__":
    sys.exit(main())
