"""Queries and one-transaction commands for institutions, and ``initialize`` (the consortium
with its lead unit, checked by the institution rules). The consortium's settings and lead unit
live in ``consortium``; their names are importable from here too."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.institution import (
    InstitutionData,
    validate_consortium,
    validate_normalized,
)
from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.domain.text import normalize_code, normalize_name
from ylt_desktop.domain.tiers import LevelEntry, check_level_change
from ylt_desktop.store import levels, versions
from ylt_desktop.store.consortium import (  # noqa: F401 - known here too
    MEMBER_DB_UNITS,
    _refuse_in_member_database,
    check_consortium,
    get_consortium,
    lead_institution,
    other_units_profile,
    update_consortium,
)
from ylt_desktop.store.levels import rederive_directions  # noqa: F401 - known here too
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    Consortium,
    Institution,
    MemberQuarterFigures,
    Rotation,
    Staff,
)
from ylt_desktop.store.tx import transaction


def initialize(
    session: Session,
    *,
    name: str,
    kind: str,
    division: str,
    founded: dt.date | None = None,
    lead: InstitutionData,
) -> Consortium:
    """Create the consortium and its lead unit together, in one transaction (first run)."""
    with transaction(session):
        problems = validate_consortium(name=name, kind=kind, division=division)
        if get_consortium(session) is not None:
            problems.append(error("name", "本数据库已有医联体，一个数据库只能保存一个医联体"))
        lead.role = lists.ROLE_LEAD
        problems += [
            type(p)(f"lead.{p.field}", p.level, p.message) for p in check_institution(session, lead)
        ]
        if has_errors(problems):
            raise RuleViolation(problems)
        consortium = Consortium(
            name=normalize_name(name), kind=kind, division=normalize_code(division), founded=founded
        )
        session.add(consortium)
        _insert(session, lead)
    return consortium


def list_institutions(session: Session) -> list[Institution]:
    return list(session.scalars(select(Institution).order_by(Institution.id)))


def count_institutions(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Institution)) or 0


def to_data(inst: Institution) -> InstitutionData:
    data = InstitutionData(**{f.name: getattr(inst, f.name) for f in fields(InstitutionData)})
    data.uscc = inst.uscc or ""
    return data


def _store_checks(session: Session, d: InstitutionData, own_id: int | None) -> list:
    """Rules that need other records: unique name and USCC, exactly one lead unit."""
    problems = []
    others = (
        select(Institution.id).where(Institution.id != own_id) if own_id else select(Institution.id)
    )
    if d.name and session.scalar(others.where(Institution.name_key == d.name).limit(1)):
        problems.append(name_taken(d.name))
    if d.uscc and session.scalar(others.where(Institution.uscc == d.uscc).limit(1)):
        problems.append(uscc_taken(d.uscc))
    if d.role == lists.ROLE_LEAD:
        lead = lead_institution(session)
        if lead is not None and lead.id != own_id:
            problems.append(second_lead(lead.name))
    return problems


def name_taken(name: str) -> Problem:
    return error("name", f"机构名称“{name}”已存在，同一医联体内不得重名")


def uscc_taken(uscc: str) -> Problem:
    return error("uscc", f"统一社会信用代码 {uscc} 已被其他机构使用")


def second_lead(lead_name: str) -> Problem:
    return error("role", f"医联体只能有一个牵头单位，现为“{lead_name}”；请先将其改为成员单位")


_FIELDS = tuple(f.name for f in fields(InstitutionData))


def _apply(inst: Institution, d: InstitutionData) -> None:
    for key in _FIELDS:
        setattr(inst, key, getattr(d, key))
    inst.uscc = d.uscc or None
    inst.name_key = d.name


def check_institution(
    session: Session,
    data: InstitutionData,
    *,
    own_id: int | None = None,
    level_since: dt.date | None = None,
    today: dt.date | None = None,
) -> list:
    """All problems of ``data`` as the form shows them: domain rules plus store rules.
    ``level_since``: the date a change of level or category took effect (see ``levels``)."""
    d = data.normalized()
    problems = validate_normalized(d) + _store_checks(session, d, own_id)
    if own_id is not None and level_since is not None:
        problems += _level_change_problems(session, own_id, d, level_since, today)
    return problems


def _level_change_problems(
    session: Session, inst_id: int, d: InstitutionData, since: dt.date, today: dt.date | None
) -> list:
    inst = session.get(Institution, inst_id)
    if inst is None or (inst.level, inst.category) == (d.level, d.category):
        return []
    if since > (today or dt.date.today()):
        return [error("level_since", "等级变更日期不得晚于今天")]
    entries = [
        LevelEntry(e.since, e.level, e.category) for e in levels.entries_of(session, inst_id)
    ]
    return check_level_change(entries, since, joined=d.joined)


def create_institution(session: Session, *, data: InstitutionData) -> Institution:
    """Validate and insert in one transaction; raises RuleViolation when errors stand."""
    with transaction(session):
        _refuse_in_member_database(session)
        problems = check_institution(session, data)
        if has_errors(problems):
            raise RuleViolation(problems)
        inst = _insert(session, data)
    return inst


def _insert(session: Session, data: InstitutionData) -> Institution:
    inst = Institution()
    _apply(inst, data.normalized())
    session.add(inst)
    levels.add_first_entry(session, inst)
    session.flush()
    return inst


def update_institution(
    session: Session,
    *,
    institution_id: int,
    data: InstitutionData,
    level_since: dt.date | None = None,
    today: dt.date | None = None,
    version: int | None = None,
) -> Institution:
    """Validate and update in one transaction. A changed level or category is a dated change
    from ``level_since`` on, or a correction of the entry in force when it is None (see
    ``store/levels.py``); the unit's rotations' directions follow either way. ``version``: the
    one the form loaded; another's save since is refused (``versions.RecordChanged``)."""
    with versions.refusing(session, versions.INSTITUTION, institution_id), transaction(session):
        inst = session.get(Institution, institution_id)
        if inst is None:
            raise RuleViolation([error("name", "该机构已被删除")])
        refused = other_units_profile(session, institution_id)
        if refused:
            raise RuleViolation([error("name", refused)])
        versions.expect_version(session, inst, version, kind=versions.INSTITUTION)
        problems = check_institution(
            session, data, own_id=institution_id, level_since=level_since, today=today
        )
        if has_errors(problems):
            raise RuleViolation(problems)
        ranked = (inst.level, inst.category)
        _apply(inst, data.normalized())
        if (inst.level, inst.category) != ranked:
            levels.record_change(session, inst, since=level_since, before=ranked)
    return inst


def references_to(session: Session, institution_id: int) -> dict[str, int]:
    """How many records point at an institution, by Chinese record name."""
    counts = {
        "人员（所属机构）": select(func.count()).where(Staff.home_id == institution_id),
        "人员流动（派出或接收单位）": select(func.count()).where(
            (Rotation.from_id == institution_id) | (Rotation.to_id == institution_id)
        ),
        "资源共享协议（提供方）": select(func.count()).where(
            Agreement.provider_id == institution_id
        ),
        "资源共享协议（接收方）": select(func.count()).where(
            AgreementRecipient.institution_id == institution_id
        ),
        "运行指标": select(func.count()).where(
            MemberQuarterFigures.institution_id == institution_id
        ),
    }
    found = {label: session.scalar(stmt) or 0 for label, stmt in counts.items()}
    return {label: n for label, n in found.items() if n}


def delete_problems(session: Session, institution_id: int) -> list[Problem]:
    """Why the institution cannot be deleted (other records point at it); [] when it can."""
    refs = references_to(session, institution_id)
    if not refs:
        return []
    detail = "、".join(f"{label} {n} 条" for label, n in refs.items())
    return [error("name", f"不能删除：仍有记录引用该机构（{detail}）")]


def delete_institution(
    session: Session, *, institution_id: int, version: int | None = None
) -> None:
    """Delete in one transaction; refused with a reason while other records point at it, and
    when it changed since ``version`` (the one the clerk saw)."""
    kind = versions.INSTITUTION
    with versions.refusing(session, kind, institution_id, deleting=True), transaction(session):
        _refuse_in_member_database(session)
        problems = delete_problems(session, institution_id)
        if problems:
            raise RuleViolation(problems)
        inst = session.get(Institution, institution_id)
        if inst is not None:
            versions.expect_version(session, inst, version, kind=kind, deleting=True)
            session.delete(inst)
