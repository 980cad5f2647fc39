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
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.models import QuarterEvent, QuarterLock
from ylt_desktop.store.tx import transaction
from ylt_desktop.store.users import require

SUBMIT = "submit"
REOPEN = "reopen"
FULL_IDS = "full_ids"  # a return exported with whole identity numbers (logged, with a reason)
# Says who may reopen (the 审核人) and where, in the clerk's words; the CLI's `ylt reopen`
# is in its own help. In a member's database a quarter the lead accepted is reopened only by
# the lead's 退回 (``reopen_quarter`` refuses it): said too, or the advice led to a refusal.
REOPEN_HINT = (
    "如需修改，请由审核人在“季度报表”页点“重新打开…”重新打开该季度，重新打开会记入日志"
    "（成员单位已被牵头单位接收的季度，须请牵头单位退回）"
)


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


def submit_quarter(
    session: Session, *, quarter: Quarter | str, by: str | None = None
) -> QuarterLock:
    """Mark the quarter submitted (报送, 审核人 or 管理员): its data are locked from now on;
    logged under the signed-in user's name (``by`` only names a user-less script's actor)."""
    key = _key(quarter)
    with transaction(session):
        actor = require(session, Permission.SUBMIT)
        who = actor.name if actor.id is not None or not by else by.strip()
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


def reopen_quarter(
    session: Session, *, quarter: Quarter | str, reason: str, by: str | None = None
) -> None:
    """Unlock a submitted quarter (审核人 or 管理员); the reason is required and logged with
    the signed-in user's name."""
    key = _key(quarter)
    why = (reason or "").strip()
    with transaction(session):
        actor = require(session, Permission.REOPEN)
        who = actor.name if actor.id is not None or not by else by.strip()
        problems = []
        if not who:
            problems.append(error("by", "请填写重新打开该季度的审核人"))
        if not why:
            problems.append(error("reason", "请填写重新打开的原因"))
        lock = session.get(QuarterLock, key)
        if lock is None:
            problems.append(error("quarter", f"{Quarter.parse(key).label}尚未报送，无需重新打开"))
        elif _accepted_by_the_lead(session, key):
            problems.append(
                error(
                    "quarter",
                    f"{Quarter.parse(key).label}的数据包已被牵头单位接收，本单位不能重新打开；"
                    "如需修改，请联系牵头单位退回该季度（退回后导入新名册即可修改）",
                )
            )
        if problems:
            raise RuleViolation(problems)
        session.delete(lock)
        session.add(QuarterEvent(quarter=key, action=REOPEN, at=_now(), by=who, reason=why))


def _accepted_by_the_lead(session: Session, key: str) -> bool:
    """In a member's database: the lead's latest decision on the quarter is 接收 (DESIGN §7:
    only the lead's 退回, brought by the next roster, reopens it)."""
    from ylt_desktop.store import exchange

    member = exchange.own_member_id(session)
    if member is None:
        return False
    latest = exchange.latest_event(session, member, key)
    return latest is not None and latest.action == exchange.ACCEPT


def log_full_id_export(session: Session, *, quarter: Quarter | str, reason: str) -> None:
    """Allow and log an export with whole identity numbers (审核人 or 管理员, with a reason)."""
    with transaction(session):
        actor = require(session, Permission.EXPORT_FULL_IDS)
        why = (reason or "").strip()
        if not why:
            raise RuleViolation([error("id_reason", "导出完整证件号码须填写用途（原因）")])
        session.add(
            QuarterEvent(
                quarter=_key(quarter), action=FULL_IDS, at=_now(), by=actor.name, reason=why
            )
        )


def quarter_events(session: Session, quarter: Quarter | str | None = None) -> list[QuarterEvent]:
    """The submission log, oldest first (one quarter's, or all)."""
    stmt = select(QuarterEvent).order_by(QuarterEvent.at, QuarterEvent.id)
    if quarter is not None:
        stmt = stmt.where(QuarterEvent.quarter == _key(quarter))
    return list(session.scalars(stmt))


def quarters_of(start: dt.date, end: dt.date | None, *, today: dt.date) -> list[Quarter]:
    """The quarters a record dated ``[start, end]`` touches, an open end running to today."""
    return quarters_between(start, end if end is not None else max(start, today))
