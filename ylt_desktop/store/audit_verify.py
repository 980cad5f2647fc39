"""Checking the audit log's hash chain (``ylt audit verify`` and the daily start-up check).

One pass from the first entry: each stored hash must equal the hash over the previous one and
the entry's canonical JSON (``store/chain.py``), and the ids must run without a gap. The first
entry that breaks this was altered, inserted or removed outside the program. Every stored scan
must still have the SHA-256 its newest audit entry recorded: a scan rewritten together with
its ``sha256`` column is caught here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.store.chain import entry_hash
from ylt_desktop.store.models import Attachment, AuditEntry

_COLUMNS = (
    AuditEntry.id,
    AuditEntry.at,
    AuditEntry.user,
    AuditEntry.action,
    AuditEntry.table_name,
    AuditEntry.record_id,
    AuditEntry.old_values,
    AuditEntry.new_values,
    AuditEntry.hash,
)


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problems: list[str]
    first_bad_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class CheckStopped(Exception):
    """``verify_chain`` was asked to stop (the program is closing): nothing was concluded."""


def verify_chain(session: Session, *, stop: Callable[[], bool] | None = None) -> ChainReport:
    """The first broken entry of the chain (if any) and every scan whose hash disagrees.
    ``stop`` is asked every 1,000 entries (a lead's log of a million takes ~30 s): True raises
    ``CheckStopped``."""
    previous, expected_id, count = None, None, 0
    problems: list[str] = []
    first_bad = None
    rows = session.execute(select(*_COLUMNS).order_by(AuditEntry.id)).mappings()
    for row in rows:
        count += 1
        if stop is not None and count % 1000 == 0 and stop():
            raise CheckStopped
        if first_bad is not None:
            continue
        if expected_id is not None and row["id"] != expected_id:
            first_bad = expected_id
            problems.append(
                f"操作日志第 {expected_id} 条至第 {row['id'] - 1} 条已被删除（不是由本程序删除的）"
            )
            continue
        if row["hash"] != entry_hash(previous, dict(row)):
            first_bad = row["id"]
            problems.append(
                f"操作日志第 {row['id']} 条（{row['at']:%Y-%m-%d %H:%M}）已在本程序之外被修改，"
                "其后的记录无法再证明未被改动"
            )
            continue
        previous, expected_id = row["hash"], row["id"] + 1
    problems += scan_problems(session)
    return ChainReport(entries=count, problems=problems, first_bad_id=first_bad)


def _logged_scan_hash(session: Session, attachment_id: int) -> str | None:
    stmt = (
        select(AuditEntry.new_values)
        .where(AuditEntry.table_name == Attachment.__tablename__)
        .where(AuditEntry.record_id == str(attachment_id))
        .where(AuditEntry.new_values.like('%"content"%'))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    text = session.scalar(stmt)
    content = json.loads(text).get("content") if text else None
    return content.get("sha256") if isinstance(content, dict) else None


def scan_problems(session: Session) -> list[str]:
    import hashlib

    problems = []
    for att_id, name, stored, content in session.execute(
        select(Attachment.id, Attachment.file_name, Attachment.sha256, Attachment.content)
    ):
        actual = hashlib.sha256(content or b"").hexdigest()
        logged = _logged_scan_hash(session, att_id)
        if actual != stored or (logged is not None and logged != actual):
            problems.append(f"协议附件“{name}”（附件 {att_id}）的内容与操作日志记录的不一致")
    return problems
