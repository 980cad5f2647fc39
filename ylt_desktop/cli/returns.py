"""The return's ``ylt`` sub-commands: check, export, submit, reopen (wired in ``cli/__init__.py``).

Exit codes as the rest of ``ylt``: 0 done, 1 the data break a rule (errors in the check, a
refused submit), 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ylt_desktop.cli.common import open_db as _open
from ylt_desktop.cli.common import quarter_arg as _quarter

PLACES = {
    "consortium": "医联体",
    "quarter": "季度",
    "cover": "封面",
    "institution": "成员单位",
    "staff": "人员",
    "rotation": "人员流动",
    "agreement": "资源共享协议",
    "figures": "运行指标",
}


def place_of(session: Any, item: Any) -> str:
    """Where a check item points, in Chinese: 人员流动 #21 张三, 成员单位 #3 某某卫生院."""
    from sqlalchemy import select

    from ylt_desktop.store.models import Agreement, Institution, Rotation, Staff

    where = PLACES.get(item.kind, "其他")
    if item.record_id is None:
        return where
    name_of = {
        "institution": select(Institution.name).where(Institution.id == item.record_id),
        "staff": select(Staff.name).where(Staff.id == item.record_id),
        "rotation": select(Staff.name)
        .join(Rotation, Rotation.staff_id == Staff.id)
        .where(Rotation.id == item.record_id),
        "agreement": select(Agreement.number).where(Agreement.id == item.record_id),
        "figures": select(Institution.name).where(Institution.id == item.record_id),
    }.get(item.kind)
    name = session.scalar(name_of) if name_of is not None else None
    return f"{where} #{item.record_id} {name or ''}".rstrip()


def _print_items(session: Any, items: list) -> None:
    for item in items:
        level = "错误" if item.is_error else "警告"
        print(f"{level}\t{place_of(session, item)}\t{item.message}")


def cmd_check(args: argparse.Namespace) -> int:
    """The summary line first, then the quarter's and the cover's warnings, then each record's
    problems (the cover as the 季度报表 page last saved it)."""
    from ylt_desktop.returns.check import check_quarter, errors_in, summary

    db = _open(args)
    with db.session() as s:
        items = check_quarter(s, args.quarter, cover_fields=_cover_fields(s, args))
        print(f"{args.quarter.label}：{summary(items)}")
        _print_items(s, items)
    return 1 if errors_in(items) else 0


def _cover_fields(session: Any, args: argparse.Namespace) -> dict[str, Any]:
    from ylt_desktop.returns.check import saved_cover_fields
    from ylt_desktop.returns.model import TYPED_COVER_FIELDS

    fields = saved_cover_fields(session)
    for key in TYPED_COVER_FIELDS:
        value = getattr(args, key, None)
        if value:
            fields[key] = value
    fields.setdefault("report_date", dt.date.today())
    if isinstance(fields["report_date"], str):  # printed as 2026年10月12日, as the page does
        with contextlib.suppress(ValueError):  # any other wording is printed as typed
            fields["report_date"] = dt.date.fromisoformat(fields["report_date"].strip())
    return fields


def cmd_export(args: argparse.Namespace) -> int:
    db = _open(args)
    existed = args.out.expanduser().resolve().exists()
    out = check_out_folder(args.out)
    try:
        return _export(args, db, out)
    finally:
        # A folder made for this export and left empty (refused, blocked, failed) goes again.
        if not existed and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
            print(f"未导出，已删除刚创建的空文件夹：{out}", file=sys.stderr)


def _export(args: argparse.Namespace, db, out: Path) -> int:  # noqa: ANN001
    from ylt_desktop.returns.files import Cancelled, ExportBlocked, export_quarter

    notes: list[str] = []  # texts the PDF prints with "〓" (a character its font lacks)
    with db.session() as s:
        try:
            paths = export_quarter(
                s,
                args.quarter,
                out,
                cover_fields=_cover_fields(s, args),
                full_ids=args.full_ids,
                id_reason=args.id_reason or "",
                xlsx=not args.pdf_only,
                pdf=not args.xlsx_only,
                notes=notes,
            )
        except ExportBlocked as exc:
            _print_items(s, exc.items)
            print(f"{args.quarter.label}的报表有错误，未导出（先运行 ylt check）", file=sys.stderr)
            return 1
        except Cancelled:
            return 1
    for path in paths:
        print(path)
    for note in notes:
        print(f"警告\t{note}", file=sys.stderr)
    return 0


def check_out_folder(out: Path) -> Path:
    """The --out folder: refused with the reason when it cannot be written into; only its last
    level is created (a mistyped parent is not), and that is said."""
    from ylt_desktop.store.backup import DatabaseProblem

    out = out.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise DatabaseProblem(f"输出路径不是文件夹：{out}")
    if not out.exists():
        if not out.parent.is_dir():
            raise DatabaseProblem(f"输出文件夹不存在：{out.parent}；请检查 --out 的路径")
        if not os.access(out.parent, os.W_OK | os.X_OK):
            raise DatabaseProblem(f"文件夹只读或无写入权限，不能在其中创建输出文件夹：{out.parent}")
        out.mkdir()
        print(f"已创建输出文件夹：{out}", file=sys.stderr)
    elif not os.access(out, os.W_OK | os.X_OK):
        raise DatabaseProblem(f"输出文件夹只读或无写入权限：{out}")
    return out


def cmd_submit(args: argparse.Namespace) -> int:
    from ylt_desktop.returns.snapshot import submit

    db = _open(args)
    with db.session() as s:
        submit(s, quarter=args.quarter, by=args.by)
    print(f"{args.quarter.label}已报送，该季度数据已锁定")
    return 0


def cmd_reopen(args: argparse.Namespace) -> int:
    from ylt_desktop.store.quarters import reopen_quarter

    db = _open(args)
    with db.session() as s:
        reopen_quarter(s, quarter=args.quarter, by=args.by, reason=args.reason)
    print(f"{args.quarter.label}已重新打开（已记入日志）")
    return 0


def add_return_commands(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Register the commands with ``cli.build_parser``'s ``add(name, func, help=…)``."""
    p = add("check", cmd_check, help="检查季度报表数据（有错误时退出码为 1）")
    p.add_argument(
        "--quarter", type=_quarter, required=True, metavar="季度", help="季度，如 2026Q3"
    )

    p = add("export", cmd_export, help="导出季度报表（Excel 与 PDF）")
    p.add_argument(
        "--quarter", type=_quarter, required=True, metavar="季度", help="季度，如 2026Q3"
    )
    p.add_argument("--out", type=Path, required=True, metavar="文件夹", help="输出文件夹")
    only = p.add_mutually_exclusive_group()
    only.add_argument("--xlsx-only", action="store_true", help="只导出 Excel")
    only.add_argument("--pdf-only", action="store_true", help="只导出 PDF")
    p.add_argument(
        "--full-ids",
        action="store_true",
        help="证件号码完整显示（审核人或管理员，须填 --id-reason）",
    )
    p.add_argument("--id-reason", metavar="用途", help="导出完整证件号码的用途（记入日志）")
    for key, label in (
        ("filler_unit", "填报单位"),
        ("unit_head", "单位负责人"),
        ("stats_head", "统计负责人"),
        ("preparer", "填表人"),
        ("phone", "联系电话"),
        ("report_date", "报出日期"),
    ):
        metavar = "日期" if key == "report_date" else "文字"
        p.add_argument(
            f"--{key.replace('_', '-')}", dest=key, metavar=metavar, help=f"封面：{label}"
        )

    p = add("submit", cmd_submit, help="标记季度已报送（锁定该季度数据；审核人或管理员）")
    p.add_argument(
        "--quarter", type=_quarter, required=True, metavar="季度", help="季度，如 2026Q3"
    )
    p.add_argument("--by", help=argparse.SUPPRESS)  # earlier versions; the signed-in user counts

    p = add("reopen", cmd_reopen, help="重新打开已报送的季度（审核人或管理员，记入日志）")
    p.add_argument(
        "--quarter", type=_quarter, required=True, metavar="季度", help="季度，如 2026Q3"
    )
    p.add_argument("--by", help=argparse.SUPPRESS)  # earlier versions; the signed-in user counts
    p.add_argument("--reason", required=True, metavar="原因", help="重新打开的原因")
