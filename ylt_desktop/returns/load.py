"""Everything one quarter's return and its pre-export check read, in one query per table.

Plain rows become light records (``__slots__`` classes with the ORM classes' attribute names:
``rotation.staff.name``, ``rotation.from_inst``, ``agreement.recipients`` …), so ``rows*.py``
and ``check.py`` count as they did from ORM objects, without the ORM's per-object cost (a
quarter of the bench consortium: 6,000 rotations, 3,000 agreements). What every figure of
a record needs about the quarter is worked out here, once, for the assembly and the check
alike (DESIGN.md §4):

- a rotation's ``direction`` (流动方向 from both units' tiers on its start date, their 等级变更记录)
  and ``purpose`` (流动性质); its ``calendar_days`` in the quarter; and the quarter's own
  figures: ``days`` (entered, else the calendar days for a full-time form, else ``None``) and
  the volumes ``outpatient`` … ``lectures`` (0 when not entered);
- an agreement's ``status`` on the quarter's last day, its ``measures`` (the kind's, or the
  one named for 其他) and ``volumes`` (measure → the quarter's value, as entered).

The assembly and the check share one :class:`QuarterData` (``files.export_quarter``).
Read-only: these records are not attached to the session and cannot be edited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import in_force_in, measures_for, status_on
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.tiers import Directions, LevelHistory, purpose
from ylt_desktop.store.exchange import MEMBER
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
    unindexed,
)

Record = Any  # an institution: a SimpleNamespace with the ORM class's attribute names


@dataclass
class QuarterData:
    quarter: Quarter
    consortium: Record | None
    institutions: dict[int, Record]  # every unit, by id
    members: list[Record]  # members on any day of the quarter, the lead first
    rotations: list[RotationRecord]  # touching the quarter, by (start, id)
    agreements: list[AgreementRecord]  # in force on a day of the quarter, by (number, id)
    histories: dict[int, LevelHistory] = field(default_factory=dict)
    # A member's database (成员库): its own unit; ``members``, ``rotations`` and ``agreements``
    # then hold only its own part (``own_part``) and ``consortium_members`` every member.
    own_unit: Record | None = None
    consortium_members: list[Record] | None = None

    @property
    def every_member(self) -> list[Record]:
        """The consortium's members in the quarter (in a member's database too)."""
        return self.members if self.consortium_members is None else self.consortium_members


def load_quarter(session: Session, quarter: Quarter) -> QuarterData:
    """The quarter's records; in a member's database (成员库) its own part (``own_part``)."""
    institutions = _institutions(session)
    levels = histories(session)
    data = QuarterData(
        quarter=quarter,
        consortium=_consortium(session),
        institutions=institutions,
        members=_members(institutions, quarter),
        rotations=_rotations(session, quarter, institutions, levels),
        agreements=_agreements(session, quarter, institutions),
        histories=levels,
    )
    own = own_unit_of(data.consortium, institutions)
    return data if own is None else own_part(data, own)


def own_unit_of(consortium: Record | None, institutions: dict[int, Record]) -> Record | None:
    """The unit a member's database (成员库) belongs to; None in the lead's (汇总库)."""
    if consortium is None or getattr(consortium, "db_kind", None) != MEMBER:
        return None
    return institutions.get(consortium.member_id)


def own_part(data: QuarterData, own: Record) -> QuarterData:
    """A member unit's own part of the quarter (its own return, DESIGN §7): its own row in
    表1 (when it was a member in the quarter), the rotations it sends or receives, the
    agreements it provides or receives; the other units stay known by id (names of the other
    end of a rotation, of an agreement's parties) and ``consortium_members`` keeps every
    member (a rotation's other end is checked to be one)."""
    unit = own.id
    return replace(
        data,
        members=[m for m in data.members if m.id == unit],
        rotations=[r for r in data.rotations if unit in (r.from_id, r.to_id)],
        agreements=[
            a
            for a in data.agreements
            if a.provider_id == unit or any(i == unit for i, _share in a.recipients)
        ],  # fmt: skip
        own_unit=own,
        consortium_members=data.members,
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
    lead unit first, then the others in the order they were entered."""
    first, last = quarter.first_day, quarter.last_day
    found = [
        i for i in institutions.values() if i.joined <= last and (i.left is None or i.left >= first)
    ]
    return sorted(found, key=lambda i: i.role != lists.ROLE_LEAD)


# --- rotations ---------------------------------------------------------------------------

_ROTATION_COLS = ("id", "staff_id", "from_id", "to_id", "form", "start", "end", "note")
_STAFF_COLS = ("name", "sex", "id_type", "id_number", "licence_code", "title", "specialty",
               "home_id")  # fmt: skip
_VOLUME_COLS = ("outpatient", "procedures", "trainees", "rounds", "lectures")


class Person:
    """A rotation's person (``rotation.staff``); ``home`` is their unit's record."""

    __slots__ = ("id", *_STAFF_COLS, "home")

    def __init__(self, id: int, row: Any, home: Record) -> None:  # noqa: A002 - the ORM's name
        self.id = id
        (self.name, self.sex, self.id_type, self.id_number, self.licence_code, self.title,
         self.specialty, self.home_id) = row  # fmt: skip
        self.home = home


class RotationRecord:
    """One rotation touching the quarter: its columns, person and units, and its figures of
    the quarter worked out once (the module's doc says which)."""

    __slots__ = (*_ROTATION_COLS, "staff", "from_inst", "to_inst", "direction", "purpose",
                 "calendar_days", "days", *_VOLUME_COLS)  # fmt: skip

    id: int
    staff_id: int
    from_id: int
    to_id: int
    form: str
    start: dt.date
    end: dt.date | None
    note: str | None
    staff: Person
    from_inst: Record
    to_inst: Record
    direction: str
    purpose: str
    calendar_days: int
    days: int | None
    outpatient: int
    procedures: int
    trainees: int
    rounds: int
    lectures: int

    def figures(self) -> tuple[int | None, int, int, int, int, int]:
        """(days, outpatient, procedures, trainees, rounds, lectures) of the quarter."""
        return (self.days, self.outpatient, self.procedures, self.trainees, self.rounds,
                self.lectures)  # fmt: skip


def _touching(cols: Any, quarter: Quarter) -> Any:
    # Most rotations start before a recent quarter ends: reading the table in order beats
    # walking the start index (``unindexed``).
    return (
        unindexed(cols.start) <= quarter.last_day,
        or_(cols.end.is_(None), cols.end >= quarter.first_day),
    )


def _rotations(
    session: Session,
    quarter: Quarter,
    units: dict[int, Record],
    levels: dict[int, LevelHistory],
) -> list[RotationRecord]:
    """Rotations whose dates touch Q (an open end counts as ongoing), with their person, both
    units and Q's own figures (entered or not)."""
    rt, st = Rotation.__table__, Staff.__table__
    r, s, f = rt.c, st.c, RotationQuarter.__table__.c
    conn = session.connection()  # Core rows: no ORM row processing
    stmt = (
        select(*(r[c] for c in _ROTATION_COLS), *(s[c] for c in _STAFF_COLS))
        .join(st, s.id == r.staff_id)
        .where(*_touching(r, quarter))
        .order_by(unindexed(r.start), r.id)
    )
    first, last = quarter.first_day, quarter.last_day
    full_time = lists.FULL_TIME_FORMS
    directions = Directions(levels)
    people: dict[int, Person] = {}
    out: list[RotationRecord] = []
    by_id: dict[int, RotationRecord] = {}
    n = len(_ROTATION_COLS)
    for row in conn.execute(stmt):
        rot = RotationRecord()
        (rot.id, rot.staff_id, rot.from_id, rot.to_id, rot.form, rot.start, rot.end,
         rot.note) = row[:n]  # fmt: skip
        person = people.get(rot.staff_id)
        if person is None:
            values = row[n:]
            person = people[rot.staff_id] = Person(rot.staff_id, values, units[values[-1]])
        rot.staff = person
        rot.from_inst, rot.to_inst = units[rot.from_id], units[rot.to_id]
        start, end = rot.start, rot.end
        rot.direction = directions.on(rot.from_id, rot.to_id, start)
        rot.purpose = purpose(rot.direction, rot.form)
        # domain.periods.overlap_days, inline (one call per rotation adds up)
        lo = start if start > first else first
        hi = last if end is None or end > last else end
        rot.calendar_days = days = max(0, (hi - lo).days + 1)
        rot.days = days if rot.form in full_time else None
        rot.outpatient = rot.procedures = rot.trainees = rot.rounds = rot.lectures = 0
        out.append(rot)
        by_id[rot.id] = rot
    # Q's figures of the rotations read (a row of Q always belongs to one touching Q; the
    # look-up by id keeps any other out, as a join would)
    stmt = select(f.rotation_id, f.days, *(f[c] for c in _VOLUME_COLS)).where(
        f.quarter == str(quarter)
    )
    for rotation_id, days, outpatient, procedures, trainees, rounds, lectures in conn.execute(stmt):
        rot = by_id.get(rotation_id)
        if rot is None:
            continue
        if days is not None:
            rot.days = days
        rot.outpatient, rot.procedures, rot.trainees = (
            outpatient or 0,
            procedures or 0,
            trainees or 0,
        )
        rot.rounds, rot.lectures = rounds or 0, lectures or 0
    return out


# --- agreements --------------------------------------------------------------------------

_AGREEMENT_COLS = ("id", "number", "title", "kind", "other_measure", "provider_id",
                   "provider_share", "signed", "effective_from", "effective_to",
                   "terminated_on")  # fmt: skip


class AgreementRecord:
    """One agreement in force in the quarter: its columns, provider, recipients as
    ``(institution_id, share)`` in institution order, and the quarter's status, measures and
    volumes (the module's doc)."""

    __slots__ = (*_AGREEMENT_COLS, "provider", "recipients", "status", "measures", "volumes")

    id: int
    number: str
    title: str
    kind: str
    other_measure: str | None
    provider_id: int
    provider_share: float | None
    signed: dt.date | None
    effective_from: dt.date
    effective_to: dt.date | None
    terminated_on: dt.date | None
    provider: Record
    recipients: list[tuple[int, float | None]]
    status: str
    measures: tuple[str, ...]
    volumes: dict[str, float]


def _agreements(
    session: Session, quarter: Quarter, units: dict[int, Record]
) -> list[AgreementRecord]:
    """Agreements 生效 on at least one day of Q, with provider, recipients and Q's volumes."""
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
    last = quarter.last_day
    for row in conn.execute(stmt):
        ag = AgreementRecord()
        (ag.id, ag.number, ag.title, ag.kind, ag.other_measure, ag.provider_id,
         ag.provider_share, ag.signed, ag.effective_from, ag.effective_to,
         ag.terminated_on) = row  # fmt: skip
        start, end, stop = ag.effective_from, ag.effective_to, ag.terminated_on
        if in_force_in(quarter, effective_from=start, effective_to=end, terminated_on=stop):
            ag.provider = units[ag.provider_id]
            ag.recipients, ag.volumes = [], {}
            ag.status = status_on(last, effective_from=start, effective_to=end, terminated_on=stop)
            ag.measures = measures_for(ag.kind, ag.other_measure)
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
            ag.recipients.append((institution_id, share))
    vc = AgreementVolume.__table__.c
    stmt = (
        select(vc.agreement_id, vc.measure, vc.value)
        .join(at, a.id == vc.agreement_id)
        .where(vc.quarter == str(quarter), *window)
        .order_by(vc.id)
    )
    for agreement_id, measure, value in conn.execute(stmt):
        ag = by_id.get(agreement_id)
        if ag is not None:
            ag.volumes[measure] = value
    return found
