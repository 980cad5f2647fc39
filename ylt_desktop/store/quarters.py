"""Submitting (报送) and reopening quarters, and the lock other commands must respect.

A quarter is locked while its ``QuarterLock`` row exists. Every submission and reopening is
logged in ``QuarterEvent``. Commands that change data dated in a quarter call
``lock_problems(session, start, end)`` (or ``refuse_if_locked``) and refuse with its message,
which says how to reopen the quarter (DESIGN.md §3: the 审核人 reopens it, and that is logged).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter, quarters_between
from ylt_desktop.domain.problems import Problem, RuleViolation, error
from ylt_desktop.store.models import QuarterEvent, QuarterLock
from ylt_desktop.store.tx import transaction

SUBMIT = "submit"
REOPEN = "reopen"
# Says who may reopen (the 审核人) and where, in the clerk's words; the CLI's `ylt reopen`
# is in its own help.
REOPEN_HINT = "如需修改，请由审核人在“季度报表”页点“重新打开…”重新打开该季度，重新打开会记入日志"


def _key(quarter: Quarter | str) -> str:
    return str(quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter))


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def is_locked(session: Session, quarter: Quarter | str) -> bool:
    return session.get(QuarterLock, _key(quarter)) is not None


def locked_quarters(session: Session) -> list[Quarter]:
    return [Quarter.parse(k) for k in session.scalars(select(QuarterLock.quarter))]


def locked_quarters_touching(
    session: Session, start: dt.date, end: dt.date | None
) -> list[Quarter]:
    """Locked quarters that share a day with ``[start, end]``; ``end=None`` reaches on forever."""
    first = Quarter.containing(start)
    last = Quarter.containing(end) if end is not None else None
    return sorted(q for q in locked_quarters(session) if first <= q and (last is None or q <= last))


def lock_problems(
    session: Session, start: dt.date | None, end: dt.date | None, *, field: str = "start"
) -> list[Problem]:
    """One error per locked quarter the dates touch, worded for the form; [] when free."""
    if start is None:
        return []
    return [
        error(field, f"{q.label}已报送并锁定，不能修改涉及该季度的数据。{REOPEN_HINT}")
        for q in locked_quarters_touching(session, start, end)
    ]


def refuse_if_locked(
    session: Session, start: dt.date | None, end: dt.date | None, *, field: str = "start"
) -> None:
    """Raise ``RuleViolation`` when the dates touch a locked quarter."""
    problems = lock_problems(session, start, end, field=field)
    if problems:
        raise RuleViolation(problems)


def quarter_keys_locked(session: Session, keys: list[str]) -> list[Quarter]:
    """Which of the quarters named ``2026Q3`` (figures being edited) are locked."""
    locked = set(locked_quarters(session))
    return sorted({Quarter.parse(k) for k in keys} & locked)


def submit_quarter(session: Session, *, quarter: Quarter | str, by: str) -> QuarterLock:
    """Mark the quarter submitted (报送): its data are locked from now on; logged."""
    key = _key(quarter)
    who = (by or "").strip()
    with transaction(session):
        if not who:
            raise RuleViolation([error("by", "请填写报送人")])
        if session.get(QuarterLock, key) is not None:
            label = Quarter.parse(key).label
            raise RuleViolation([error("quarter", f"{label}已经报送，无需重复报送")])
        at = _now()
        lock = QuarterLock(quarter=key, submitted_at=at, submitted_by=who)
        session.add(lock)
        session.add(QuarterEvent(quarter=key, action=SUBMIT, at=at, by=who, reason=""))
    return lock


def reopen_quarter(session: Session, *, quarter: Quarter | str, by: str, reason: str) -> None:
    """Unlock a submitted quarter (审核人); the reason is required and logged."""
    key = _key(quarter)
    who, why = (by or "").strip(), (reason or "").strip()
    with transaction(session):
        problems = []
        if not who:
            problems.append(error("by", "请填写重新打开该季度的审核人"))
        if not why:
            problems.append(error("reason", "请填写重新打开的原因"))
        lock = session.get(QuarterLock, key)
        if lock is None:
            problems.append(error("quarter", f"{Quarter.parse(key).label}尚未报送，无需重新打开"))
        if problems:
            raise RuleViolation(problems)
        session.delete(lock)
        session.add(QuarterEvent(quarter=key, action=REOPEN, at=_now(), by=who, reason=why))


def quarter_events(session: Session, quarter: Quarter | str | None = None) -> list[QuarterEvent]:
    """The submission log, oldest first (one quarter's, or all)."""
    stmt = select(QuarterEvent).order_by(QuarterEvent.at, QuarterEvent.id)
    if quarter is not None:
        stmt = stmt.where(QuarterEvent.quarter == _key(quarter))
    return list(session.scalars(stmt))


def quarters_of(start: dt.date, end: dt.date | None, *, today: dt.date) -> list[Quarter]:
    """The quarters a record dated ``[start, end]`` touches, an open end running to today."""
    return quarters_between(start, end if end is not None else max(start, today))
