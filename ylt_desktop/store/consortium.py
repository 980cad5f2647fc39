"""The consortium record and its lead unit: the 设置 page's values, and the member database's
refusal to add or delete units. ``institutions`` re-exports these names."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.institution import validate_consortium
from ylt_desktop.domain.problems import RuleViolation, error, has_errors
from ylt_desktop.domain.text import normalize_code, normalize_name
from ylt_desktop.store.models import Consortium, Institution
from ylt_desktop.store.tx import transaction


def get_consortium(session: Session) -> Consortium | None:
    return session.scalars(select(Consortium).limit(1)).first()


def check_consortium(
    session: Session,
    *,
    name: str,
    kind: str,
    division: str,
    founded: dt.date | None,
    lead_id: int | None,
    today: dt.date | None = None,
) -> list:
    """Problems of the 设置 page's values: the consortium's rules, and a lead unit that exists
    and is still a member."""
    today = today or dt.date.today()
    problems = validate_consortium(name=name, kind=kind, division=division)
    if get_consortium(session) is None:
        problems.append(error("name", "尚未创建医联体：请先完成首次使用设置"))
    if founded is not None and founded > today:
        problems.append(error("founded", f"成立日期 {founded} 晚于今天"))
    if lead_id is None:
        problems.append(error("lead_id", "请选择牵头单位"))
        return problems
    inst = session.get(Institution, lead_id)
    if inst is None:
        problems.append(error("lead_id", "所选的牵头单位已被删除，请重新选择"))
    elif inst.left is not None and inst.left <= today:
        problems.append(
            error("lead_id", f"“{inst.name}”已于 {inst.left} 退出医联体，不能作为牵头单位")
        )
    return problems


def update_consortium(
    session: Session,
    *,
    name: str,
    kind: str,
    division: str,
    founded: dt.date | None,
    lead_id: int | None,
    today: dt.date | None = None,
) -> Consortium:
    """Correct the consortium (name, kind, division, founded) and choose its lead unit, in one
    transaction: the former lead becomes a 成员单位. Audited like every change."""
    with transaction(session):
        problems = check_consortium(
            session, name=name, kind=kind, division=division, founded=founded,
            lead_id=lead_id, today=today,
        )  # fmt: skip
        if has_errors(problems):
            raise RuleViolation(problems)
        consortium = get_consortium(session)
        consortium.name = normalize_name(name)
        consortium.kind = kind
        consortium.division = normalize_code(division)
        consortium.founded = founded
        for inst in session.scalars(select(Institution).where(Institution.role == lists.ROLE_LEAD)):
            if inst.id != lead_id:
                inst.role = lists.ROLE_MEMBER
        session.get(Institution, lead_id).role = lists.ROLE_LEAD
    return consortium


def lead_institution(session: Session) -> Institution | None:
    stmt = select(Institution).where(Institution.role == lists.ROLE_LEAD).limit(1)
    return session.scalars(stmt).first()


MEMBER_DB_UNITS = (
    "本数据库是成员库：成员单位由牵头单位的名册包维护，不能在此新增或删除；"
    "请联系牵头单位，打开其发来的最新名册包"
)


def other_units_profile(session: Session, institution_id: int) -> str | None:
    """Why ``institution_id``'s profile may not be changed here: in a member's database
    (成员库) another unit's profile is the lead's, brought by its roster; the member's data
    package carries its own profile only (DESIGN §7), so a change made here never reached the
    lead and the next roster put the lead's back, without a word. None when it may."""
    c = get_consortium(session)
    if c is None or c.db_kind != "member" or c.member_id in (None, institution_id):
        return None
    own, other = session.get(Institution, c.member_id), session.get(Institution, institution_id)
    own_name = own.name if own is not None else "本单位"
    other_name = other.name if other is not None else "该单位"
    return (
        f"本数据库是“{own_name}”的成员库：“{other_name}”的基本情况由牵头单位维护（随名册包带来），"
        "在这里修改不会报送给牵头单位，下次打开名册包还会被改回；如需更正，请联系牵头单位"
    )


def _refuse_in_member_database(session: Session, field: str = "name") -> None:
    """A member's database takes its units from the lead's roster (DESIGN.md §7): units added
    here would clash with the lead's numbering of units in the packages."""
    c = get_consortium(session)
    if c is not None and c.db_kind == "member":
        raise RuleViolation([error(field, MEMBER_DB_UNITS)])
