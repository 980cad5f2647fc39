"""The records one quarter's return reads, loaded eagerly (relationships are ``lazy="raise"``).

Only reads; the pure assembly in ``rows.py`` and the pre-export check in ``check.py`` share it.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import in_force_in
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.tiers import LevelHistory
from ylt_desktop.store.agreements import quarter_volumes  # noqa: F401 - the return's callers use it here
from ylt_desktop.store.levels import histories
from ylt_desktop.store.models import (
    Agreement,
    AgreementVolume,
    Consortium,
    Institution,
    Rotation,
    RotationQuarter,
    by_codepoint,
)


def consortium(session: Session) -> Consortium | None:
    return session.scalars(select(Consortium).order_by(Consortium.id).limit(1)).first()


def all_institutions(session: Session) -> dict[int, Institution]:
    return {i.id: i for i in session.scalars(select(Institution).order_by(Institution.id))}


def level_histories(session: Session) -> dict[int, LevelHistory]:
    """Every unit's 等级变更记录 (a rotation's direction follows them on its start date)."""
    return histories(session)


def members_in_quarter(session: Session, quarter: Quarter) -> list[Institution]:
    """Members on any day of Q: joined ≤ last day and (left empty or left ≥ first day).

    The lead unit comes first, then the others in the order they were entered.
    """
    stmt = (
        select(Institution)
        .where(Institution.joined <= quarter.last_day)
        .where(or_(Institution.left.is_(None), Institution.left >= quarter.first_day))
        .order_by(Institution.id)
    )
    found = list(session.scalars(stmt))
    return sorted(found, key=lambda i: i.role != lists.ROLE_LEAD)


def rotations_in_quarter(session: Session, quarter: Quarter) -> list[Rotation]:
    """Rotations whose dates touch Q (an open end counts as ongoing), people and units loaded.

    Only Q's own figures are loaded into ``rotation.quarters`` (the return needs no other):
    use these objects for the return, not for editing.
    """
    stmt = (
        select(Rotation)
        .where(Rotation.start <= quarter.last_day)
        .where(or_(Rotation.end.is_(None), Rotation.end >= quarter.first_day))
        .options(
            selectinload(Rotation.staff),
            selectinload(Rotation.from_inst),
            selectinload(Rotation.to_inst),
            selectinload(Rotation.quarters.and_(RotationQuarter.quarter == str(quarter))),
        )
        .order_by(Rotation.start, Rotation.id)
    )
    return list(session.scalars(stmt))


def agreements_in_force(session: Session, quarter: Quarter) -> list[Agreement]:
    """Agreements 生效 on at least one day of Q, provider, recipients and Q's volumes loaded.

    Only Q's volumes are loaded into ``agreement.volumes``: use these objects for the return.
    """
    stmt = (
        select(Agreement)
        .where(Agreement.effective_from.is_not(None))
        .where(Agreement.effective_from <= quarter.last_day)
        .where(or_(Agreement.effective_to.is_(None), Agreement.effective_to >= quarter.first_day))
        .options(
            selectinload(Agreement.provider),
            selectinload(Agreement.recipients),
            selectinload(Agreement.volumes.and_(AgreementVolume.quarter == str(quarter))),
        )
        .order_by(by_codepoint(Agreement.number), Agreement.id)
    )
    return [
        a
        for a in session.scalars(stmt)
        if in_force_in(
            quarter,
            effective_from=a.effective_from,
            effective_to=a.effective_to,
            terminated_on=a.terminated_on,
        )
    ]
