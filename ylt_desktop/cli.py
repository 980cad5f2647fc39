"""``ylt``: the same operations as the program, without a screen.

Each command is a function taking the parsed arguments and returning an exit code.
Exit 0 on success, 1 when the data break a rule, 2 on bad usage or an unreadable database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.paths import default_db_path
from ylt_desktop.returns.commands import add_return_commands
from ylt_desktop.store.backup import DatabaseProblem


def _open(args: argparse.Namespace):  # noqa: ANN202
    """Open ``--db``; ``main`` closes it when the command ends (the last connection's close
    checkpoints the WAL into the file, so the file is whole once ``ylt`` has returned)."""
    from ylt_desktop.store.db import open_database

    db = open_database(args.db)
    args.__dict__.setdefault("_opened", []).append(db)
    return db


def _print_problems(exc: RuleViolation) -> None:
    for p in exc.problems:
        level = "错误" if p.is_error else "警告"
        print(f"{level}\t{p.field}\t{p.message}", file=sys.stderr)


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
    db = _open(args)
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

    db = _open(args)
    with db.session() as s:
        if get_consortium(s) is not None:
            print(f"数据库已有医联体，未写入示例数据：{db.path}", file=sys.stderr)
            return 1
    build_demo(db)
    print(f"已生成示例医联体：{db.path}")
    return 0


def _emit(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return
    if rows:
        print("\t".join(rows[0]))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row.values()))


def cmd_institutions_list(args: argparse.Namespace) -> int:
    from ylt_desktop.store import institutions as store

    db = _open(args)
    with db.session() as s:
        rows = [
            {
                "id": i.id,
                "name": i.name,
                "uscc": i.uscc or "",
                "division": i.division,
                "category": i.category,
                "level": i.level,
                "role": i.role,
                "joined": i.joined.isoformat(),
                "left": i.left.isoformat() if i.left else None,
                "beds_actual": i.beds_actual,
                "health_tech_staff": i.health_tech_staff,
            }
            for i in store.list_institutions(s)
        ]
    _emit(rows, args.json)
    return 0


def cmd_agreements_list(args: argparse.Namespace) -> int:
    """Agreements in force in the quarter, with their status and that quarter's volumes."""
    from ylt_desktop.store import agreements as store

    quarter = args.quarter
    db = _open(args)
    with db.session() as s:
        found = store.agreements_in_force(s, quarter)
    rows = []
    for a in found:
        volumes = store.quarter_volumes(a, quarter)
        rows.append(
            {
                "number": a.number,
                "title": a.title,
                "kind": a.kind,
                "provider": a.provider.name,
                "recipients": [i.name for i in store.recipient_institutions(a)],
                "effective_from": a.effective_from.isoformat() if a.effective_from else None,
                "effective_to": a.effective_to.isoformat() if a.effective_to else None,
                "terminated_on": a.terminated_on.isoformat() if a.terminated_on else None,
                # As at the quarter's last day, as the return reports it.
                "status": store.status_of(a, quarter.last_day),
                "quarter": str(quarter),
                "volumes": volumes,
            }
        )
    if not args.json:
        for row in rows:
            row["recipients"] = "、".join(row["recipients"])
            row["volumes"] = "；".join(f"{m}={v:g}" for m, v in row["volumes"].items())
    _emit(rows, args.json)
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    """The staff register, ID numbers masked."""
    from ylt_desktop.domain.codes import mask_id
    from ylt_desktop.store import staff as store

    db = _open(args)
    with db.session() as s:
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "sex": p.sex,
                "id_type": p.id_type,
                "id_number": mask_id(p.id_number),
                "title": p.title,
                "specialty": p.specialty,
                "home": p.home.name,
            }
            for p in store.list_staff(s)
        ]
    _emit(rows, args.json)
    return 0


def cmd_rotations_list(args: argparse.Namespace) -> int:
    """Rotations touching the quarter with that quarter's days and volumes."""
    from ylt_desktop.domain.codes import mask_id
    from ylt_desktop.store import rotations as store

    quarter = args.quarter
    db = _open(args)
    with db.session() as s:
        found = store.rotations_in_quarter(s, quarter)
    rows = []
    for r in found:
        figures = store.quarter_figures(r, quarter)
        rows.append(
            {
                "id": r.id,
                "name": r.staff.name,
                "id_number": mask_id(r.staff.id_number),
                "title": r.staff.title,
                "from": r.from_inst.name,
                "to": r.to_inst.name,
                "direction": r.direction,
                "form": r.form,
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                "quarter": str(quarter),
                "days": figures.days if figures else None,
                **{v: getattr(figures, v) if figures else 0 for v in store.VOLUMES},
            }
        )
    _emit(rows, args.json)
    return 0


def _quarter(text: str):  # noqa: ANN202
    from ylt_desktop.domain.periods import Quarter

    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def cmd_backup(args: argparse.Namespace) -> int:
    from ylt_desktop.store.backup import (
        DamagedDatabase,
        Health,
        backup_copy,
        check_database,
        copy_database,
    )

    path = args.db.expanduser().resolve()
    health = check_database(path) if path.exists() else Health(ok=False, message="文件不存在")
    if not health.ok or health.empty:
        raise DamagedDatabase(path, health)
    if args.out:
        out = copy_database(path, args.out.expanduser().resolve())
    else:
        out = backup_copy(path, reason="manual")
    print(f"已备份：{out}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from ylt_desktop.store.backup import restore_database

    safety = restore_database(args.file, args.db)
    _open(args).close()  # an older backup is upgraded here, after its own backup
    if safety:
        print(f"原数据库已另存：{safety}")
    print(f"已从 {args.file} 恢复：{args.db}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from ylt_desktop.store import audit

    db = _open(args)
    with db.session() as s:
        rows = [
            {
                "id": e.id,
                "at": e.at.isoformat(sep=" "),
                "user": e.user,
                "action": e.action,
                "table": e.table_name,
                "record_id": e.record_id,
                "old": json.loads(e.old_values) if e.old_values else None,
                "new": json.loads(e.new_values) if e.new_values else None,
            }
            for e in audit.list_entries(
                s, since=args.since, until=args.until, table=args.table, action=args.action
            )
        ]
    if not args.json:
        for row in rows:
            row["old"] = "" if row["old"] is None else json.dumps(row["old"], ensure_ascii=False)
            row["new"] = "" if row["new"] is None else json.dumps(row["new"], ensure_ascii=False)
    _emit(rows, args.json)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Dry run first; writes all rows, or (with --only-valid) the valid ones, in one transaction."""
    from ylt_desktop.importing import ImportFileError, import_file

    db = _open(args)
    try:
        report = import_file(
            db, args.kind, args.file, dry_run=args.dry_run, only_valid=args.only_valid
        )
    except ImportFileError as exc:
        print(f"错误\t{exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        level = "错误" if problem.is_error else "警告"
        print(f"{level}\t{problem}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0


def _date(text: str):  # noqa: ANN202
    import datetime as dt

    return dt.date.fromisoformat(text)


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
        _print_problems(exc)
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
