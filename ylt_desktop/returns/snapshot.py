"""Freezing a submitted quarter's figures, so that its re-export reproduces what was signed.

The snapshot holds the return's records (before the template lays them out) with whole
identity numbers, plus the cover facts taken from the database. ``submit`` writes it in the
same transaction as the lock; reopening the quarter deletes it (foreign key cascade).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.roles import Permission
from ylt_desktop.domain.tiers import purpose
from ylt_desktop.returns.model import Shown
from ylt_desktop.store import quarters
from ylt_desktop.store.models import QuarterLock, QuarterSnapshot
from ylt_desktop.store.tx import all_or_nothing
from ylt_desktop.store.users import require

Records = dict[str, Any]
MAX_SHOWN = 10  # errors listed in a refused submit's message
_DATE = "$date"
_SHOWN = "$shown"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, Shown):
        return {_SHOWN: [value.value, value.number_format, value.text]}
    raise TypeError(f"cannot store {type(value).__name__} in a snapshot")


def _decode(obj: dict) -> Any:
    if set(obj) == {_DATE}:
        return dt.date.fromisoformat(obj[_DATE])
    if set(obj) == {_SHOWN}:
        return Shown(*obj[_SHOWN])
    return obj


def dumps(records: Records) -> str:
    return json.dumps(records, ensure_ascii=False, default=_encode)


def loads(text: str) -> Records:
    return json.loads(text, object_hook=_decode)


def load(session: Session, quarter: Quarter) -> Records | None:
    """The frozen records of a submitted quarter, or None when it is open."""
    row = session.get(QuarterSnapshot, str(quarter))
    return upgrade(loads(row.records)) if row is not None else None


def is_frozen(session: Session, quarter: Quarter) -> bool:
    """Whether ``quarter`` has frozen records (its exports and prints read them, not today's
    records, which 检查 reads), without reading them."""
    from sqlalchemy import select

    stmt = select(QuarterSnapshot.quarter).where(QuarterSnapshot.quarter == str(quarter))
    return session.scalar(stmt) is not None


def upgrade(records: Records) -> Records:
    """A snapshot frozen before 流动性质 existed (layout 1) as the current writers read it: each
    表2 record gets its 流动性质 from its frozen direction and form (an upward move was then
    called 上派进修, whatever its form). The frozen figures are kept as they were signed; 表3
    columns added since stay empty, and its 合计 is the sum of its rows, as it was signed."""
    rotations = records.get("rotations", [])
    if all("purpose" in r for r in rotations):
        return records
    upgraded = []
    for r in rotations:
        direction = r.get("direction") or ""
        direction = lists.DIRECTION_UP if direction == "上派进修" else direction
        upgraded.append({**r, "purpose": purpose(direction, r.get("form") or "")})
    return {**records, "rotations": upgraded}


def masked(records: Records) -> Records:
    """The same records with identity numbers masked (snapshots keep them whole)."""
    out = dict(records)
    out["rotations"] = [
        {**r, "id_number": mask_id(r.get("id_number"))} for r in records.get("rotations", [])
    ]
    return out


def submit(
    session: Session, *, quarter: Quarter, by: str | None = None, today: dt.date | None = None
) -> QuarterLock:
    """Mark the quarter submitted and freeze its figures, in one transaction.

    Refused (RuleViolation) while the pre-export check finds an error: the frozen figures are
    what was signed, so they must be figures the export would have allowed."""
    from ylt_desktop.returns.check import check_quarter
    from ylt_desktop.returns.rows import collect_records

    require(session, Permission.SUBMIT)  # before the check: a clerk hears who may, not errors
    errors = [item for item in check_quarter(session, quarter, today=today) if item.is_error]
    if errors:
        shown = [f"{i}. {item.message}" for i, item in enumerate(errors[:MAX_SHOWN], 1)]
        more = f"\n……另有 {len(errors) - MAX_SHOWN} 项" if len(errors) > MAX_SHOWN else ""
        raise RuleViolation(
            [
                error(
                    "quarter",
                    f"{quarter.label}的报表检查有 {len(errors)} 项错误，更正后才能标记已报送：\n"
                    + "\n".join(shown)
                    + more,
                )
            ]
        )
    with all_or_nothing(session):
        lock = quarters.submit_quarter(session, quarter=quarter, by=by)
        records = collect_records(session, quarter, full_ids=True)
        session.add(
            QuarterSnapshot(
                quarter=str(quarter), taken_at=lock.submitted_at, records=dumps(records)
            )
        )
    return lock
