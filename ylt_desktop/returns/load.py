"""Everything one quarter's return and its pre-export check read, in one query per table.

Plain rows become light records with the attribute names of the ORM classes the figures read
(``rotation.staff.name``, ``rotation.from_inst``, ``rotation.quarters``,
``agreement.recipients``, ``agreement.volumes`` …), so ``rows.py`` and ``check.py`` count
exactly as they did from ORM objects, without the ORM's per-object cost (a quarter of the
bench consortium: 6,000 rotations, 3,000 agreements; ~4× faster to read this way).
The assembly and the check share one :class:`QuarterData` (``files.export_quarter``).
Read-only: these records are not attached to the session and cannot be edited.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import in_force_in
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.tiers import LevelHistory
from ylt_desktop.store.levels import histories
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    Consortium,
    Institution,
    Rotation,
    RotationQuarter,
    Staff,
    by_codepoint,
)

Record = Any  # a SimpleNamespace with the ORM class's attribute names


@dataclass
class QuarterData:
    quarter: Quarter
    consortium: Record | None
    institutions: dict[int, Record]  # every unit, by id
    members: list[Record]  # members on any day of the quarter, the lead first
    rotations: list[Record]  # touching the quarter, by (start, id)
    agreements: list[Record]  # in force on a day of the quarter, by (number, id)
    histories: dict[int, LevelHistory] = field(default_factory=dict)


def load_quarter(session: Session, quarter: Quarter) -> QuarterData:
    institutions = _institutions(session)
    return QuarterData(
        quarter=quarter,
        consortium=_consortium(session),
        institutions=institutions,
        members=_members(institutions, quarter),
        rotations=_rotations(session, quarter, institutions),
        agreements=_agreements(session, quarter, institutions),
        histories=histories(session),
    )


def _consortium(session: Session) -> Record | None:
    t = Consortium.__table__
    row = session.connection().execute(select(t).order_by(t.c.id).limit(1)).first()
    return SimpleNamespace(**row._mapping) if row is not None else None


def _institutions(session: Session) -> dict[int, Record]:
    t = Institution.__table__
    return {
        row.id: SimpleNamespace(**row._mapping)
        for row in session.connection().execute(select(t).order_by(t.c.id))
    }


def _members(institutions: dict[int, Record], quarter: Quarter) -> list[Record]:
    """Members on any day of Q: joined ≤ last day and (left empty or left ≥ first day); the
    lead unit first, then the others in the order they were entered (as ``query`` does)."""
    first, last = quarter.first_day, quarter.last_day
    found = [
        i for i in institutions.values() if i.joined <= last and (i.left is None or i.left >= first)
    ]
    return sorted(found, key=lambda i: i.role != lists.ROLE_LEAD)


_ROTATION_COLS = ("id", "staff_id", "from_id", "to_id", "form", "direction", "start", "end",
                  "note")  # fmt: skip
_STAFF_COLS = ("name", "sex", "id_type", "id_number", "licence_code", "title", "specialty",
               "home_id")  # fmt: skip
_FIGURE_COLS = ("quarter", "days", "outpatient", "procedures", "trainees", "rounds", "lectures")


def _touching(cols: Any, quarter: Quarter) -> Any:
    return (cols.start <= quarter.last_day, or_(cols.end.is_(None), cols.end >= quarter.first_day))


def _rotations(session: Session, quarter: Quarter, units: dict[int, Record]) -> list[Record]:
    """Rotations whose dates touch Q (an open end counts as ongoing), with their person, both
    units and Q's own figures (``rotation.quarters`` holds only Q's row, when entered)."""
    rt, st = Rotation.__table__, Staff.__table__
    r, s, f = rt.c, st.c, RotationQuarter.__table__.c
    conn = session.connection()  # Core rows: no ORM row processing
    figures: dict[int, list[Record]] = defaultdict(list)
    stmt = (
        select(f.rotation_id, *(f[c] for c in _FIGURE_COLS))
        .join(rt, r.id == f.rotation_id)
        .where(f.quarter == str(quarter), *_touching(r, quarter))
        .order_by(f.id)
    )
    for row in conn.execute(stmt):
        figures[row[0]].append(SimpleNamespace(**dict(zip(_FIGURE_COLS, row[1:], strict=True))))
    people: dict[int, Record] = {}
    out = []
    stmt = (
        select(*(r[c] for c in _ROTATION_COLS), *(s[c] for c in _STAFF_COLS))
        .join(st, s.id == r.staff_id)
        .where(*_touching(r, quarter))
        .order_by(r.start, r.id)
    )
    n = len(_ROTATION_COLS)
    for row in conn.execute(stmt):
        rot = SimpleNamespace(**dict(zip(_ROTATION_COLS, row[:n], strict=True)))
        person = people.get(rot.staff_id)
        if person is None:
            person = people[rot.staff_id] = SimpleNamespace(
                id=rot.staff_id, **dict(zip(_STAFF_COLS, row[n:], strict=True))
            )
            person.home = units[person.home_id]
        rot.staff = person
        rot.from_inst, rot.to_inst = units[rot.from_id], units[rot.to_id]
        rot.quarters = figures.get(rot.id, [])
        out.append(rot)
    return out


_AGREEMENT_COLS = ("id", "number", "title", "kind", "other_measure", "provider_id",
                   "provider_share", "signed", "effective_from", "effective_to",
                   "terminated_on")  # fmt: skip


def _agreements(session: Session, quarter: Quarter, units: dict[int, Record]) -> list[Record]:
    """Agreements 生效 on at least one day of Q, with provider, recipients and Q's volumes
    (``agreement.volumes`` holds only Q's)."""
    at = Agreement.__table__
    a = at.c
    conn = session.connection()  # Core rows: no ORM row processing
    window = (
        a.effective_from.is_not(None),
        a.effective_from <= quarter.last_day,
        or_(a.effective_to.is_(None), a.effective_to >= quarter.first_day),
    )
    stmt = (
        select(*(a[c] for c in _AGREEMENT_COLS))
        .where(*window)
        .order_by(by_codepoint(a.number), a.id)
    )
    found = []
    for row in conn.execute(stmt):
        ag = SimpleNamespace(**row._mapping)
        if in_force_in(
            quarter,
            effective_from=ag.effective_from,
            effective_to=ag.effective_to,
            terminated_on=ag.terminated_on,
        ):
            ag.provider = units[ag.provider_id]
            ag.recipients, ag.volumes = [], []
            found.append(ag)
    by_id = {ag.id: ag for ag in found}
    rc = AgreementRecipient.__table__.c
    stmt = (
        select(rc.agreement_id, rc.institution_id, rc.share)
        .join(at, a.id == rc.agreement_id)
        .where(*window)
        .order_by(rc.agreement_id, rc.institution_id)
    )
    for agreement_id, institution_id, share in conn.execute(stmt):
        ag = by_id.get(agreement_id)
        if ag is not None:
            ag.recipients.append(SimpleNamespace(institution_id=institution_id, share=share))
    vc = AgreementVolume.__table__.c
    stmt = (
        select(vc.agreement_id, vc.measure, vc.value)
        .join(at, a.id == vc.agreement_id)
        .where(vc.quarter == str(quarter), *window)
        .order_by(vc.id)
    )
    key = str(quarter)
    for agreement_id, measure, value in conn.execute(stmt):
        ag = by_id.get(agreement_id)
        if ag is not None:
            ag.volumes.append(SimpleNamespace(quarter=key, measure=measure, value=value))
    return found
