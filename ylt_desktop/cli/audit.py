"""``ylt audit``: the audit log."""

from __future__ import annotations

import argparse
import json

from ylt_desktop.cli.common import emit, open_db


def cmd_audit(args: argparse.Namespace) -> int:
    from ylt_desktop.store import audit

    db = open_db(args)
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
    emit(rows, args.json)
    return 0
