"""``ylt package``: roster and data packages between member units and the lead (DESIGN.md §7).

- ``ylt package passphrase``: the lead's 管理员 sets the consortium's exchange passphrase;
- ``ylt package roster --member 名称|代码 [--member …] --out DIR``: the lead's roster for
  each member named (one failing after others were written names both);
- ``ylt package open FILE...``: a roster (sets up a new member database at ``--db``, or
  updates it), or members' data packages at the lead: a preview, written only with ``--apply``;
  ``--choose 1=单位`` picks whose values stand in conflict 1;
- ``ylt package make --quarter 2026Q3 --out DIR``: a member's data package (a warning first
  when it carries volumes of agreements the member typed itself, which the lead may not have);
- ``ylt package status --quarter 2026Q3``: who has reported; ``ylt package return``: 退回.

The passphrase comes from ``YLT_EXCHANGE_PASSPHRASE`` or a hidden prompt, never an argument.
Output names no identity number (persons appear masked).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from ylt_desktop.cli.common import emit, open_db, quarter_arg

PASSPHRASE_ENV = "YLT_EXCHANGE_PASSPHRASE"


def passphrase(*, twice: bool = False) -> str:
    """The exchange passphrase from ``YLT_EXCHANGE_PASSPHRASE`` or a hidden prompt."""
    import getpass

    from ylt_desktop.domain.problems import RuleViolation, error

    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    value = getpass.getpass("数据交换口令：")
    if twice and getpass.getpass("再输入一次：") != value:
        raise RuleViolation([error("passphrase", "两次输入的交换口令不一致")])
    return value


def _refused(exc: Exception) -> int:
    print(f"错误\t{exc}", file=sys.stderr)
    return 1


def cmd_passphrase(args: argparse.Namespace) -> int:
    from ylt_desktop.store import exchange

    db = open_db(args)
    with db.session() as s:
        exchange.set_passphrase(s, passphrase=passphrase(twice=True))
    print("已设置数据交换口令（数据库只保存其校验值，不保存口令本身；已记入操作日志）")
    print("请把口令当面或电话告知各成员单位，不要与数据包一起发送")
    return 0


def _member_id(session, text: str) -> int:  # noqa: ANN001
    from sqlalchemy import or_, select

    from ylt_desktop.domain.problems import RuleViolation, error
    from ylt_desktop.domain.text import normalize_code, normalize_name
    from ylt_desktop.store.models import Institution

    stmt = select(Institution.id).where(
        or_(Institution.name_key == normalize_name(text), Institution.uscc == normalize_code(text))
    )
    found = session.scalar(stmt)
    if found is None:
        raise RuleViolation([error("member", f"没有名称或统一社会信用代码为“{text}”的成员单位")])
    return found


def cmd_roster(args: argparse.Namespace) -> int:
    """One roster per ``--member``; when one fails after others were written, those written
    (where) and those not are named, the written ones on stdout as usual."""
    from ylt_desktop.exchange import PackageRefused, RostersIncomplete, make_rosters

    db = open_db(args)
    with db.session() as s:
        ids = [_member_id(s, text) for text in args.member]  # every name known, or none made
        try:
            paths = make_rosters(s, member_ids=ids, passphrase=passphrase(), out_dir=args.out)
        except PackageRefused as exc:
            return _refused(exc)
        except RostersIncomplete as exc:
            for _name, path in exc.written:
                print(f"已生成名册包：{path}")
            print(f"错误\t{exc}", file=sys.stderr)
            if exc.program_error:
                raise exc.cause from exc  # reported as any other program error
            return 1 if exc.refused else 2
    for path in paths:
        print(f"已生成名册包：{path}")
    return 0


def cmd_make(args: argparse.Namespace) -> int:
    """The package is written even when it carries volumes of the member's own agreements
    (no roster brought them; the lead may refuse it): the warning is printed first, on stderr,
    and the code is 0. One the lead will refuse whole (it carries volumes of an agreement the
    lead deleted, ``withdrawn_agreements``) is not written unless ``--anyway`` says so, as
    the program's 仍然生成 (its default is 取消): the warning, then code 2."""
    from ylt_desktop.exchange import (
        PackageRefused,
        make_data_package,
        own_agreements_warning,
        withdrawn_agreements,
    )

    db = open_db(args)
    with db.session() as s:
        warning = own_agreements_warning(s, quarter=args.quarter)
        refused = bool(withdrawn_agreements(s, quarter=args.quarter)) and not args.anyway
        for line in filter(None, warning.splitlines()):
            print(f"{'错误' if refused else '警告'}\t{line.strip()}", file=sys.stderr)
        if refused:
            print("错误\t未生成数据包：牵头单位将拒收它。处理后重新生成；如确要生成，请加 --anyway",
                  file=sys.stderr)  # fmt: skip
            return 2
        try:
            path = make_data_package(
                s, quarter=args.quarter, passphrase=passphrase(), out_dir=args.out
            )
        except PackageRefused as exc:
            return _refused(exc)
    print(f"已生成{args.quarter.label}数据包：{path}")
    print("请将此文件交给牵头单位（口令另行告知，不要与文件一起发送）")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from ylt_desktop.exchange import PackageRefused
    from ylt_desktop.exchange.sealed import read_file

    try:
        kinds = {read_file(f).kind for f in args.files}
    except PackageRefused as exc:
        if len(args.files) == 1:
            return _refused(exc)
        kinds = {"data"}  # several files: the preview names the bad one
    if kinds == {"roster"}:
        if len(args.files) != 1:
            print("错误\t一次只能打开一个名册包", file=sys.stderr)
            return 2
        return _open_roster(args, args.files[0])
    if "roster" in kinds:
        print("错误\t名册包和数据包不能一起打开", file=sys.stderr)
        return 2
    return _open_data(args)


def _open_roster(args: argparse.Namespace, path: Path) -> int:
    from ylt_desktop.cli.common import password_from_env_or_prompt, sign_in_user
    from ylt_desktop.exchange import PackageRefused, open_roster
    from ylt_desktop.store import users
    from ylt_desktop.store.institutions import get_consortium

    db = open_db(args, create=True, sign_in=False)
    with db.session() as s:
        first = get_consortium(s) is None
    if not first:
        sign_in_user(db, args)
    with db.session() as s:
        try:
            result = open_roster(s, path, passphrase=passphrase())
        except PackageRefused as exc:
            return _refused(exc)
    if result.unchanged:
        print("这个名册包已经打开过，没有改动")
        return 0
    if result.created:
        print(f"已建立成员库：{result.consortium} — {result.member}（{db.location}）")
    else:
        print(f"已用新的名册包更新成员库：{result.consortium} — {result.member}")
    print(
        f"成员单位 {result.counts.get('institutions', 0)} 个，协议 "
        f"{result.counts.get('agreements', 0)} 份，来本单位流动的外单位人员 "
        f"{result.counts.get('staff', 0)} 人"
    )
    for quarter in result.locked:
        print(f"{quarter}\t牵头单位已接收，本季度已锁定")
    for quarter, reason in result.returned:
        print(f"{quarter}\t牵头单位已退回：{reason}（请修改后重新生成数据包）")
    for name in result.removed_units:
        print(f"已删除成员单位“{name}”（牵头单位已删除该单位）")
    for line in result.kept_units:
        print(line)
    for name in result.removed_agreements:
        print(f"已删除协议“{name}”（牵头单位已删除该协议，或本单位已不是其参与方）")
    for line in result.kept_agreements:
        print(line)
    with db.session() as s:
        has_users = users.has_users(s)
    if result.created and not has_users:
        if args.admin:
            password = password_from_env_or_prompt(args.admin, twice=True)
            with db.session() as s:
                users.create_first_admin(s, name=args.admin, password=password)
            print(f"已创建管理员“{args.admin}”")
        else:
            print(f"请创建管理员：ylt users add-admin --name 用户名 --db {db.location}")
    return 0


def _choices(args: argparse.Namespace, conflicts: list) -> dict[str, int]:
    from ylt_desktop.domain.problems import RuleViolation, error

    chosen: dict[str, int] = {}
    for text in args.choose or []:
        number, _, unit = text.partition("=")
        try:
            conflict = conflicts[int(number) - 1]
        except (ValueError, IndexError):
            raise RuleViolation(
                [error("choose", f"--choose {text}：没有编号为 {number} 的冲突")]
            ) from None
        option = next(
            (o for o in conflict.options if o.member == unit.strip() or str(o.member_id) == unit),
            None,
        )
        if option is None:
            parties = "、".join(o.member for o in conflict.options)
            raise RuleViolation(
                [error("choose", f"--choose {text}：冲突 {number} 只能选择 {parties} 之一")]
            )
        chosen[conflict.key] = option.member_id
    return chosen


def _values(conflict, values: dict) -> str:  # noqa: ANN001
    return "，".join(
        f"{conflict.labels.get(k, k)} {'（空）' if v is None else v}" for k, v in values.items()
    )


def _open_data(args: argparse.Namespace) -> int:
    from ylt_desktop.exchange import PackageRefused, apply_packages, preview_packages

    db = open_db(args)
    try:
        previews = preview_packages(db, args.files, passphrase=passphrase())
    except PackageRefused as exc:
        return _refused(exc)
    conflicts = []
    for p in previews:
        print(f"== {p.file_name}")
        if p.member:
            made = f"{p.created_at:%Y-%m-%d %H:%M}" if p.created_at else ""
            print(f"单位：{p.member}\t季度：{p.quarter}\t生成：{made}\t制作人：{p.made_by}")
        if p.refusal:
            print(f"拒绝：{p.refusal}")
            continue
        if p.duplicate:
            print("这个数据包已经接收过：不会重复接收，没有改动")
            continue
        for line in p.summary_lines():
            print(line)
        for change in p.changes:
            if change.action != "不变" and args.details:
                detail = "；".join(f"{a}：{b} → {c}" for a, b, c in change.fields)
                print(f"  {change.action}\t{change.label}\t{detail}")
        for c in p.conflicts:
            conflicts.append(c)
            print(f"冲突 {len(conflicts)}：{c.label}")
            for o in c.options:
                print(f"  {o.member}：{_values(c, o.values)}")
    refused = [p for p in previews if p.refusal]
    if not args.apply:
        print("以上为预览，未做任何改动。确认无误后加 --apply 接收（全部接收或全部不接收）")
        return 1 if refused else 0
    if refused:
        print("错误\t有数据包不能接收（见上），未接收任何数据包", file=sys.stderr)
        return 1
    chosen = _choices(args, conflicts)
    try:
        result = apply_packages(db, previews, choices=chosen)
    except PackageRefused as exc:
        return _refused(exc)
    if result.applied:
        print(f"已接收 {len(result.applied)} 个数据包（接收前已备份数据库：{result.backup}）")
    else:
        print("没有需要接收的数据包，没有改动")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ylt_desktop.store import exchange

    db = open_db(args)
    with db.session() as s:
        rows = [
            {
                "member": m.name,
                "status": m.status,
                "at": m.at,
                "by": m.by,
                "made_by": m.made_by,
                "file": m.file_name,
                "reason": m.reason,
            }
            for m in exchange.report_status(s, args.quarter)
        ]
    headings = {"member": "成员单位", "status": "状态", "at": "时间", "by": "经办人",
                "made_by": "制作人", "file": "数据包", "reason": "退回原因"}  # fmt: skip
    emit(rows, args.json, headings)
    missing = [r["member"] for r in rows if r["status"] != exchange.REPORTED]
    if not args.json:
        print(f"共 {len(rows)} 个成员单位，未报送或已退回 {len(missing)} 个")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    from ylt_desktop.store import exchange

    db = open_db(args)
    with db.session() as s:
        member = _member_id(s, args.member)
        exchange.return_quarter(s, member_id=member, quarter=args.quarter, reason=args.reason)
    print(f"已退回{args.quarter.label}的数据（已记入操作日志）；成员单位将在下一次名册包中看到原因")
    return 0


def add_package_commands(
    sub: argparse._SubParsersAction, add: Callable[..., argparse.ArgumentParser]
) -> None:
    helptext = "成员单位与牵头单位之间的名册包和数据包"
    group = sub.add_parser("package", help=helptext, description=helptext)
    pkg = group.add_subparsers(dest="action", required=True, title="操作", metavar="操作")
    add("passphrase", cmd_passphrase, parent=pkg,
        help=f"设置数据交换口令（管理员；口令取自 {PASSPHRASE_ENV} 或提示输入两次）")  # fmt: skip
    p = add("roster", cmd_roster, parent=pkg, help="为成员单位生成名册包（牵头单位）")
    p.add_argument("--member", required=True, action="append", metavar="单位",
                   help="成员单位名称或统一社会信用代码（可重复，为多个单位各生成一个）")  # fmt: skip
    p.add_argument("--out", type=Path, required=True, metavar="文件夹", help="写入的文件夹")
    p = add("make", cmd_make, parent=pkg, help="生成本单位某季度的数据包（成员单位）")
    p.add_argument("--quarter", type=quarter_arg, required=True, metavar="季度", help="如 2026Q3")
    p.add_argument("--out", type=Path, required=True, metavar="文件夹", help="写入的文件夹")
    p.add_argument("--anyway", action="store_true",
                   help="牵头单位将拒收时（含有牵头单位已删除的协议的服务量）仍然生成")  # fmt: skip
    p = add("open", cmd_open, parent=pkg,
            help="打开名册包（建立或更新成员库）或成员单位的数据包（牵头单位：先预览）")  # fmt: skip
    p.add_argument("files", nargs="+", type=Path, metavar="文件", help="一个或多个 .ylt 文件")
    p.add_argument("--apply", action="store_true", help="确认接收（不加则只预览）")
    p.add_argument("--details", action="store_true", help="逐条列出新增和修改的记录")
    p.add_argument("--choose", action="append", metavar="编号=单位",
                   help="冲突时采用哪个单位的数据，如 --choose 1=示例县青山镇卫生院（可重复）")  # fmt: skip
    p.add_argument("--admin", metavar="用户名",
                   help="用名册包新建成员库时创建的管理员（密码取自 YLT_PASSWORD 或提示输入）")  # fmt: skip
    p = add("status", cmd_status, parent=pkg, help="各成员单位某季度的报送情况（牵头单位）")
    p.add_argument("--quarter", type=quarter_arg, required=True, metavar="季度", help="如 2026Q3")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p = add("return", cmd_return, parent=pkg, help="退回某成员单位已接收的季度数据（写明原因）")
    p.add_argument("--member", required=True, metavar="单位", help="成员单位名称或统一社会信用代码")
    p.add_argument("--quarter", type=quarter_arg, required=True, metavar="季度", help="如 2026Q3")
    p.add_argument("--reason", required=True, metavar="原因", help="退回原因（成员单位会看到）")
