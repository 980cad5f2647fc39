"""``ylt audit``: the audit log (Chinese columns; ``--json`` keeps the stored values)."""

from __future__ import annotations

import argparse

from ylt_desktop.cli.common import emit, open_db
from ylt_desktop.store.audit import ACTION_LABELS, TABLE_LABELS
from ylt_desktop.store.audit_text import masked_values, read_names

AUDIT_TABLES: tuple[str, ...] = tuple(TABLE_LABELS.values())
AUDIT_ACTIONS: tuple[str, ...] = tuple(ACTION_LABELS.values())
HEADINGS = {
    "id": "编号",
    "at": "时间",
    "user": "操作人",
    "action": "操作",
    "table": "数据类别",
    "record_id": "记录编号",
    "change": "内容",
}


def _lookup(text: str, labels: dict[str, str], what: str) -> str:
    """A Chinese label (成员单位) or the stored name (institution) → the stored name."""
    for key, label in labels.items():
        if text in (key, label):
            return key
    raise argparse.ArgumentTypeError(f"没有{what}“{text}”，可选：{'、'.join(labels.values())}")


def audit_table_arg(text: str) -> str:
    return _lookup(text.strip(), TABLE_LABELS, "记录类别")


def audit_action_arg(text: str) -> str:
    return _lookup(text.strip(), ACTION_LABELS, "操作类型")


def cmd_verify(args: argparse.Namespace) -> int:
    """``ylt audit verify``: 0 when the chain holds, 1 naming the first entry that does not."""
    import sys

    from ylt_desktop.store.audit_verify import verify_chain

    db = open_db(args)
    with db.session() as s:
        report = verify_chain(s)
    for problem in report.problems:
        print(f"错误\t{problem}", file=sys.stderr)
    if report.ok:
        print(f"操作日志完整：{report.entries} 条记录的哈希链无误，协议附件与日志一致")
        return 0
    return 1


def cmd_audit(args: argparse.Namespace) -> int:
    from ylt_desktop.store import audit

    if getattr(args, "check", None) == "verify":
        return cmd_verify(args)
    db = open_db(args)
    with db.session() as s:
        entries = audit.list_entries(
            s, since=args.since, until=args.until, table=args.table, action=args.action
        )
        if args.json:
            rows = [
                {
                    "id": e.id,
                    "at": e.at.isoformat(sep=" "),
                    "user": e.user,
                    "action": e.action,
                    "table": e.table_name,
                    "record_id": e.record_id,
                    "old": masked_values(e.old_values),
                    "new": masked_values(e.new_values),
                }
                for e in entries
            ]
        else:
            names = read_names(s, entries)
            rows = [
                {
                    "id": e.id,
                    "at": f"{e.at:%Y-%m-%d %H:%M:%S}",
                    "user": e.user,
                    "action": ACTION_LABELS.get(e.action, e.action),
                    "table": TABLE_LABELS.get(e.table_name, e.table_name),
                    "record_id": e.record_id,
                    "change": audit.describe(e, names),
                }
                for e in entries
            ]
    emit(rows, args.json, HEADINGS)
    return 0
