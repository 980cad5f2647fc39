"""``ylt import`` (an .xlsx file of one record kind, dry run first, all or nothing) and
``ylt import-template`` (an empty workbook to fill in)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ylt_desktop.cli.common import open_db
from ylt_desktop.cli.common import quarter_arg as _quarter

KIND_HELP = "记录类别：" + "、".join(
    f"{key}（{label}）"
    for key, label in (
        ("institutions", "成员单位"),
        ("staff", "人员"),
        ("rotations", "人员流动"),
        ("agreements", "资源共享协议"),
        ("figures", "运行指标"),
    )
)


def kind_arg(text: str) -> str:
    """``institutions`` … or the Chinese name of the kind (成员单位, 人员, 人员流动, 协议)."""
    from ylt_desktop.importing.columns import KINDS

    text = text.strip()
    for key, label in KINDS.items():
        if text in (key, label) or (label.endswith(text) and len(text) >= 2):
            return key
    raise argparse.ArgumentTypeError(f"没有记录类别“{text}”。{KIND_HELP}")


def cmd_import(args: argparse.Namespace) -> int:
    """Dry run first; writes all rows, or (with --only-valid) the valid ones, in one transaction."""
    from ylt_desktop.importing import ImportFileError, import_file

    db = open_db(args)
    try:
        report = import_file(
            db,
            args.kind,
            args.file,
            dry_run=args.dry_run,
            only_valid=args.only_valid,
            quarter=args.quarter,
        )
    except ImportFileError as exc:
        print(f"错误\t{exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        level = "错误" if problem.is_error else "警告"
        print(f"{level}\t{problem}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0


def cmd_import_template(args: argparse.Namespace) -> int:
    """Write the import template of one kind: headers, one example row, a 说明 sheet."""
    from ylt_desktop.importing.template import template_name, write_template

    out = args.out or Path(template_name(args.kind))
    if out.is_dir():
        out = out / template_name(args.kind)
    try:
        path = write_template(args.kind, out)
    except OSError as exc:
        missing = isinstance(exc, FileNotFoundError | NotADirectoryError)  # or a file on the way
        reason = "文件夹不存在" if missing else "没有写入权限或磁盘已满"
        print(f"错误\t无法保存导入模板：{out}（{reason}）", file=sys.stderr)
        return 2
    print(f"已生成导入模板：{path}")
    return 0


def add_import_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the commands with ``cli.build_parser``'s ``add(name, func, help=…)``."""
    p = add(
        "import", cmd_import, help="从 Excel（.xlsx）导入成员单位、人员、人员流动、协议或运行指标"
    )
    p.add_argument("kind", type=kind_arg, metavar="类别", help=KIND_HELP)
    p.add_argument("file", type=Path, metavar="文件", help="要导入的 .xlsx 文件")
    p.add_argument(
        "--quarter",
        type=_quarter,
        metavar="季度",
        help="工作天数、服务量、运行指标所属的季度，如 2026Q3（默认：从文件名或表头中的季度识别）",
    )
    p.add_argument("--dry-run", action="store_true", help="试导入：只检查，不写入")
    p.add_argument("--only-valid", action="store_true", help="有错误的行跳过，其余行导入")

    p = add(
        "import-template",
        cmd_import_template,
        help="生成导入模板（.xlsx：列名、一行示例、说明页）",
    )
    p.add_argument("kind", type=kind_arg, metavar="类别", help=KIND_HELP)
    p.add_argument(
        "--out",
        type=Path,
        metavar="文件",
        help="模板保存为（默认：当前文件夹下的 导入模板_类别.xlsx）",
    )
