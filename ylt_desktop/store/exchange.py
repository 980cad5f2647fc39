"""The storage side of member and lead databases (DESIGN.md §7): the database's kind, the
exchange passphrase's check value, and the lead's log of members' packages (who has reported).

- ``database_kind``: ``LEAD`` (汇总库; every database made before #16) or ``MEMBER`` (成员库).
- The exchange passphrase is never stored: the lead sets it (管理员, ``set_passphrase``) and the
  database keeps its scrypt hash (``exchange_check``) to tell a mistyped passphrase at once;
  a member's database takes the hash when it opens the roster with the passphrase.
- ``PackageEvent`` rows: ``accept`` (a data package applied: when, by whom, which file) and
  ``return`` (已退回, with the lead's reason, which the member gets in its next roster).
  ``report_status`` gives each member's 未报送 / 已报送 / 已退回 for a quarter.

Permission checks are here (store commands), not in the UI: receiving and returning need
``Permission.RECEIVE_PACKAGE``, setting the passphrase ``Permission.MANAGE_EXCHANGE``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.models import Consortium, Institution, PackageEvent
from ylt_desktop.store.tx import transaction
from ylt_desktop.store.users import require

LEAD, MEMBER = "lead", "member"
KIND_LABELS = {LEAD: "汇总库", MEMBER: "成员库"}
ACCEPT, RETURN = "accept", "return"
NOT_REPORTED, REPORTED, RETURNED = "未报送", "已报送", "已退回"
MIN_PASSPHRASE = 8


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _consortium(session: Session) -> Consortium | None:
    return session.scalars(select(Consortium).limit(1)).first()


def database_kind(session: Session) -> str:
    """``LEAD`` or ``MEMBER``; a database without a consortium yet counts as the lead's."""
    c = _consortium(session)
    return c.db_kind if c is not None and c.db_kind else LEAD


def is_member_database(session: Session) -> bool:
    return database_kind(session) == MEMBER


def own_member_id(session: Session) -> int | None:
    """The unit a member's database belongs to (None in the lead's)."""
    c = _consortium(session)
    return c.member_id if c is not None and c.db_kind == MEMBER else None


def exchange_id(session: Session) -> str | None:
    c = _consortium(session)
    return c.exchange_id if c is not None else None


def exchange_in_use(session: Session) -> bool:
    """The lead has set an exchange passphrase (so members are expected to report)."""
    c = _consortium(session)
    return c is not None and c.db_kind == LEAD and bool(c.exchange_id)


def passphrase_problems(passphrase: str) -> list:
    if len(passphrase or "") < MIN_PASSPHRASE:
        return [error("passphrase", f"交换口令至少 {MIN_PASSPHRASE} 个字符")]
    return []


def set_passphrase(session: Session, *, passphrase: str) -> str:
    """Set (or change) the lead's exchange passphrase (管理员); returns the exchange id.

    The first setting also gives the consortium its exchange id (the key's salt). After a
    change, members need a new roster opened with the new passphrase."""
    with transaction(session):
        require(session, Permission.MANAGE_EXCHANGE)
        c = _consortium(session)
        if c is None:
            raise RuleViolation([error("name", "尚未创建医联体：请先完成首次使用设置")])
        if c.db_kind == MEMBER:
            raise RuleViolation(
                [error("passphrase", "成员库的交换口令随牵头单位的名册包设置，不能在此修改")]
            )
        problems = passphrase_problems(passphrase)
        if problems:
            raise RuleViolation(problems)
        from ylt_desktop.store.passwords import hash_password

        if not c.exchange_id:
            c.exchange_id = str(uuid.uuid4())
        c.exchange_check = hash_password(passphrase)
        return c.exchange_id


def passphrase_matches(session: Session, passphrase: str) -> bool | None:
    """True/False against the stored check value; None when none is stored yet."""
    c = _consortium(session)
    if c is None or not c.exchange_check:
        return None
    from ylt_desktop.store.passwords import verify_password

    return verify_password(passphrase or "", c.exchange_check)


# ---------------------------------------------------------------- who has reported


@dataclass(frozen=True)
class MemberStatus:
    """One member's report for one quarter, as the lead's 季度报表 page lists it."""

    member_id: int
    name: str
    status: str  # NOT_REPORTED / REPORTED / RETURNED
    at: dt.datetime | None = None  # accepted or returned at
    by: str = ""  # the lead's user who accepted or returned
    made_by: str = ""  # the member's user who made the package
    package_created: dt.datetime | None = None
    file_name: str = ""
    reason: str = ""  # 已退回: the lead's reason


def member_units(session: Session, quarter: Quarter) -> list[Institution]:
    """The units expected to report for ``quarter``: members on any day of it, the lead unit
    (whose data the lead's database holds itself) left out."""
    stmt = (
        select(Institution)
        .where(Institution.role != lists.ROLE_LEAD)
        .where(Institution.joined <= quarter.last_day)
        .where((Institution.left.is_(None)) | (Institution.left >= quarter.first_day))
        .order_by(Institution.id)
    )
    return list(session.scalars(stmt))


def events(
    session: Session, *, member_id: int | None = None, quarter: Quarter | str | None = None
) -> list[PackageEvent]:
    """The log, oldest first."""
    stmt = select(PackageEvent).order_by(PackageEvent.at, PackageEvent.id)
    if member_id is not None:
        stmt = stmt.where(PackageEvent.member_id == member_id)
    if quarter is not None:
        stmt = stmt.where(PackageEvent.quarter == str(quarter))
    return list(session.scalars(stmt))


def latest_event(session: Session, member_id: int, quarter: Quarter | str) -> PackageEvent | None:
    found = events(session, member_id=member_id, quarter=quarter)
    return found[-1] if found else None


def last_accepted(session: Session, member_id: int, quarter: Quarter | str) -> PackageEvent | None:
    found = [e for e in events(session, member_id=member_id, quarter=quarter) if e.action == ACCEPT]
    return found[-1] if found else None


def newest_accepted(session: Session, member_id: int) -> PackageEvent | None:
    """The member's accepted package made last, whatever its quarter."""
    stmt = (
        select(PackageEvent)
        .where(PackageEvent.member_id == member_id, PackageEvent.action == ACCEPT)
        .where(PackageEvent.package_created.is_not(None))
        .order_by(PackageEvent.package_created.desc(), PackageEvent.id.desc())
    )
    return session.scalars(stmt.limit(1)).first()


def accepted_package(session: Session, package_id: str) -> PackageEvent | None:
    stmt = select(PackageEvent).where(
        PackageEvent.package_id == package_id, PackageEvent.action == ACCEPT
    )
    return session.scalars(stmt.limit(1)).first()


def _status_of(inst: Institution, latest: PackageEvent | None, accepted: PackageEvent | None):
    if latest is None:
        return MemberStatus(inst.id, inst.name, NOT_REPORTED)
    source = accepted or latest
    return MemberStatus(
        inst.id,
        inst.name,
        REPORTED if latest.action == ACCEPT else RETURNED,
        at=latest.at,
        by=latest.by,
        made_by=source.made_by,
        package_created=source.package_created,
        file_name=source.file_name,
        reason=latest.reason if latest.action == RETURN else "",
    )


def report_status(session: Session, quarter: Quarter) -> list[MemberStatus]:
    """Every member expected for ``quarter`` with its 未报送 / 已报送 / 已退回; in a member's
    database only its own unit (it knows no other unit's packages)."""
    own = own_member_id(session)
    latest: dict[int, PackageEvent] = {}
    accepted: dict[int, PackageEvent] = {}
    for e in events(session, quarter=quarter):
        latest[e.member_id] = e
        if e.action == ACCEPT:
            accepted[e.member_id] = e
    return [
        _status_of(inst, latest.get(inst.id), accepted.get(inst.id))
        for inst in member_units(session, quarter)
        if own is None or inst.id == own
    ]


def missing_members(session: Session, quarter: Quarter) -> list[str]:
    """Names of the members that have not reported ``quarter`` (or were returned), for the
    pre-export check; [] when the lead does not use packages."""
    if not exchange_in_use(session):
        return []
    return [s.name for s in report_status(session, quarter) if s.status != REPORTED]


def is_accepted(session: Session, member_id: int, quarter: Quarter | str) -> bool:
    latest = latest_event(session, member_id, quarter)
    return latest is not None and latest.action == ACCEPT


def return_quarter(
    session: Session, *, member_id: int, quarter: Quarter, reason: str
) -> PackageEvent:
    """退回: unlock a member's accepted quarter with a reason the member reads in its next
    roster (审核人 or 管理员); the member may then send a newer package."""
    why = (reason or "").strip()
    with transaction(session):
        actor = require(session, Permission.RECEIVE_PACKAGE)
        inst = session.get(Institution, member_id)
        problems = []
        if inst is None:
            problems.append(error("member_id", "没有这个成员单位"))
        if not why:
            problems.append(error("reason", "请填写退回的原因（成员单位会在下一次名册包中看到）"))
        if inst is not None and not is_accepted(session, member_id, quarter):
            problems.append(
                error("member_id", f"“{inst.name}”的{quarter.label}数据尚未接收，无需退回")
            )
        if problems:
            raise RuleViolation(problems)
        event = PackageEvent(
            member_id=member_id, quarter=str(quarter), action=RETURN, at=_now(),
            by=actor.name, reason=why, package_id="", summary="",
        )  # fmt: skip
        session.add(event)
    return event


def summary_of(event: PackageEvent) -> dict:
    try:
        value = json.loads(event.summary or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
