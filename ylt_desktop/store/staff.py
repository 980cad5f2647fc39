"""Queries and one-transaction commands for the staff register (人员)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import fields, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import Problem, RuleViolation, error, has_errors
from ylt_desktop.domain.rotation import PROMOTION_FORM, promotion_service_days
from ylt_desktop.domain.staff import StaffData, validate_staff
from ylt_desktop.domain.text import normalize_code, normalize_name
from ylt_desktop.store import audit, bulk_write, versions
from ylt_desktop.store.models import Institution, Rotation, Staff
from ylt_desktop.store.tx import transaction


def list_staff(session: Session) -> list[Staff]:
    """Everyone on the register with their home institution, by id."""
    return list(session.scalars(select(Staff).order_by(Staff.id)))


def count_staff(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Staff)) or 0


def normalized(data: StaffData) -> StaffData:
    """A copy as it will be stored: names trimmed, codes half-width and upper-case."""
    return replace(
        data,
        name=normalize_name(data.name),
        sex=(data.sex or "").strip(),
        id_type=(data.id_type or "").strip(),
        id_number=normalize_code(data.id_number),
        licence_code=normalize_code(data.licence_code),
        title=(data.title or "").strip(),
        specialty=normalize_name(data.specialty),
    )


def to_data(staff: Staff) -> StaffData:
    return StaffData(**{f.name: getattr(staff, f.name) for f in fields(StaffData)})


def _store_checks(session: Session, d: StaffData, own_id: int | None) -> list[Problem]:
    """Rules that need other records: the ID number unique per type, the home exists."""
    problems = []
    if d.id_number and d.id_type:
        stmt = select(Staff.name).where(Staff.id_type == d.id_type, Staff.id_number == d.id_number)
        if own_id is not None:
            stmt = stmt.where(Staff.id != own_id)
        other = session.scalars(stmt.limit(1)).first()
        if other is not None:
            problems.append(
                error("id_number", f"该{d.id_type}号码已登记在人员“{other}”名下，不得重复")
            )
    if d.home_id is not None and session.get(Institution, d.home_id) is None:
        problems.append(error("home_id", "所属机构不存在，请重新选择"))
    return problems


def check_staff(
    session: Session,
    data: StaffData,
    *,
    own_id: int | None = None,
    today: dt.date | None = None,
) -> list[Problem]:
    """All problems of ``data`` as the form shows them: domain rules plus store rules."""
    d = normalized(data)
    return validate_staff(d, today=today) + _store_checks(session, d, own_id)


def _apply(staff: Staff, d: StaffData) -> None:
    for f in fields(StaffData):
        setattr(staff, f.name, getattr(d, f.name))


def create_staff(session: Session, *, data: StaffData) -> Staff:
    """Validate and insert in one transaction; raises RuleViolation when errors stand."""
    with transaction(session):
        problems = check_staff(session, data)
        if has_errors(problems):
            raise RuleViolation(problems)
        staff = Staff()
        _apply(staff, normalized(data))
        session.add(staff)
        session.flush()
    return staff


def check_many_staff(session: Session, rows: Sequence[StaffData]) -> list[list[Problem]]:
    """The problems of each new row as if each were created in turn (so a row clashing with an
    earlier valid row of ``rows`` fails as it would alone), with a few queries in all."""
    return _check_normalized(session, [normalized(d) for d in rows])


def _check_normalized(session: Session, rows: list[StaffData]) -> list[list[Problem]]:
    taken: dict[tuple[str, str], str] = {}
    numbers = sorted({d.id_number for d in rows if d.id_number and d.id_type})
    for i in range(0, len(numbers), 500):
        stmt = select(Staff.id_type, Staff.id_number, Staff.name).where(
            Staff.id_number.in_(numbers[i : i + 500])
        )
        for id_type, id_number, name in session.execute(stmt):
            taken.setdefault((id_type, id_number), name)
    homes = sorted({d.home_id for d in rows if d.home_id is not None})
    known: set[int] = set()
    for i in range(0, len(homes), 500):
        chunk = homes[i : i + 500]
        known.update(session.scalars(select(Institution.id).where(Institution.id.in_(chunk))))
    out = []
    for d in rows:
        problems = validate_staff(d, today=None)
        key = (d.id_type, d.id_number)
        if d.id_number and d.id_type and key in taken:
            problems.append(
                error("id_number", f"该{d.id_type}号码已登记在人员“{taken[key]}”名下，不得重复")
            )
        if d.home_id is not None and d.home_id not in known:
            problems.append(error("home_id", "所属机构不存在，请重新选择"))
        if not has_errors(problems) and d.id_number and d.id_type:
            taken[key] = d.name
        out.append(problems)
    return out


def create_many_staff(session: Session, *, rows: Sequence[StaffData]) -> list[int]:
    """Validate every row (the rules of ``create_staff``), then insert them all, in one
    transaction; returns the new ids in the order of ``rows``. Raises RuleViolation with the
    first bad row's problems (its index in ``rows`` as ``.row``) and inserts nothing when any
    row has errors. The rows and their audit entries are written with a few bulk statements
    (``store/bulk_write.py``): the same records and entries as one flush of the same rows."""
    with transaction(session), session.no_autoflush:
        rows = [normalized(d) for d in rows]
        for i, problems in enumerate(_check_normalized(session, rows)):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        session.flush()  # what the session holds comes first in the audit log, as it would
        made = bulk_write.insert_rows(
            session, Staff, [{f.name: getattr(d, f.name) for f in fields(StaffData)}
                             for d in rows], key=None
        )  # fmt: skip
        at = audit.now()
        audit.write_entries(
            session, [audit.insert_entry("staff", row["id"], row, at) for row in made]
        )
    return [row["id"] for row in made]


def update_staff(
    session: Session, *, staff_id: int, data: StaffData, version: int | None = None
) -> Staff:
    """Validate and update in one transaction; ``version``: the one the form loaded (another's
    save since is refused, ``versions.RecordChanged``)."""
    with versions.refusing(session, versions.STAFF, staff_id), transaction(session):
        staff = session.get(Staff, staff_id)
        if staff is None:
            raise RuleViolation([error("name", "该人员已被删除")])
        versions.expect_version(session, staff, version, kind=versions.STAFF)
        problems = check_staff(session, data, own_id=staff_id)
        if has_errors(problems):
            raise RuleViolation(problems)
        _apply(staff, normalized(data))
    return staff


def rotation_count(session: Session, staff_id: int) -> int:
    stmt = select(func.count()).where(Rotation.staff_id == staff_id)
    return session.scalar(stmt) or 0


def delete_problems(session: Session, staff_id: int) -> list[Problem]:
    """Why the person cannot be deleted (rotations point at them); [] when they can."""
    n = rotation_count(session, staff_id)
    if not n:
        return []
    return [error("name", f"不能删除：该人员仍有人员流动记录 {n} 条，请先删除这些记录")]


def delete_staff(session: Session, *, staff_id: int, version: int | None = None) -> None:
    """Delete in one transaction; refused while rotations point at the person, and when the
    record changed since ``version``."""
    kind = versions.STAFF
    with versions.refusing(session, kind, staff_id, deleting=True), transaction(session):
        problems = delete_problems(session, staff_id)
        if problems:
            raise RuleViolation(problems)
        staff = session.get(Staff, staff_id)
        if staff is not None:
            versions.expect_version(session, staff, version, kind=kind, deleting=True)
            session.delete(staff)


def promotion_days_by_staff(
    session: Session, *, today: dt.date, ids: tuple[int, int] | None = None
) -> dict[int, int]:
    """晋升前基层服务 days served up to ``today``, per person who has any (of the people
    whose id lies in ``ids``, both ends included, when given: a list read in parts)."""
    stmt = select(Rotation.staff_id, Rotation.form, Rotation.start, Rotation.end).where(
        Rotation.form == PROMOTION_FORM
    )
    if ids is not None:
        stmt = stmt.where(Rotation.staff_id.between(*ids))
    spans: dict[int, list[tuple[str, dt.date, dt.date | None]]] = {}
    for staff_id, form, start, end in session.connection().execute(stmt):  # Core rows
        spans.setdefault(staff_id, []).append((form, start, end))
    return {sid: promotion_service_days(r, today=today) for sid, r in spans.items()}


def home_choices(session: Session, *, keep_id: int | None = None) -> list[Institution]:
    """Institutions a person may belong to: current members, plus ``keep_id`` if it left."""
    stmt = select(Institution).order_by(Institution.id)
    return [i for i in session.scalars(stmt) if i.left is None or i.id == keep_id]


def update_many_staff(session: Session, *, rows: Sequence[tuple[int, StaffData]]) -> list[Staff]:
    """Update many people (``(id, data)`` pairs) with the rules of ``update_staff``, checked as
    if each were updated in turn, with a few queries and (mostly) one flush, in one
    transaction. Raises RuleViolation with the first bad row's problems (its index in ``rows``
    as ``.row``) and changes nothing, not even in the session, when any row has errors: every
    row is checked before any is applied."""
    with transaction(session), session.no_autoflush:
        rows = [(staff_id, normalized(d)) for staff_id, d in rows]
        found: dict[int, Staff] = {}
        ids = sorted({staff_id for staff_id, _ in rows})
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            found.update(
                (s.id, s) for s in session.scalars(select(Staff).where(Staff.id.in_(chunk)))
            )
        _check_updates(session, rows, found)
        # A flush sends its UPDATEs in primary-key order and SQLite checks UNIQUE per
        # statement: a row taking an ID number an earlier row gave up is flushed after it.
        freed: set[tuple[str, str]] = set()
        for staff_id, d in rows:
            staff = found[staff_id]
            if (d.id_type, d.id_number) in freed:
                session.flush()
                freed.clear()
            if (staff.id_type, staff.id_number) != (d.id_type, d.id_number):
                freed.add((staff.id_type, staff.id_number))
            _apply(staff, d)
    return [found[staff_id] for staff_id, _ in rows]


def _check_updates(
    session: Session, rows: list[tuple[int, StaffData]], found: dict[int, Staff]
) -> None:
    """Raise for the first row ``update_staff`` would refuse after the rows before it."""
    # Who holds each ID number the rows ask for, and each person's name and number, as the
    # rows before it leave them.
    holders: dict[tuple[str, str], int] = {}
    numbers = sorted({d.id_number for _, d in rows if d.id_number and d.id_type})
    for i in range(0, len(numbers), 500):
        stmt = select(Staff.id_type, Staff.id_number, Staff.id).where(
            Staff.id_number.in_(numbers[i : i + 500])
        )
        for id_type, id_number, staff_id in session.execute(stmt):
            holders.setdefault((id_type, id_number), staff_id)
    now = {i: (x.name, (x.id_type, x.id_number)) for i, x in found.items()}
    homes = sorted({d.home_id for _, d in rows if d.home_id is not None})
    known: set[int] = set()
    for i in range(0, len(homes), 500):
        chunk = homes[i : i + 500]
        known.update(session.scalars(select(Institution.id).where(Institution.id.in_(chunk))))
    for i, (staff_id, d) in enumerate(rows):
        if staff_id not in found:
            problems = [error("name", "该人员已被删除")]
        else:
            problems = validate_staff(d, today=None)
            key = (d.id_type, d.id_number)
            holder = holders.get(key, staff_id) if d.id_number and d.id_type else staff_id
            if holder != staff_id:
                other = now[holder][0] if holder in now else _name_of(session, holder)
                problems.append(
                    error("id_number", f"该{d.id_type}号码已登记在人员“{other}”名下，不得重复")
                )
            if d.home_id is not None and d.home_id not in known:
                problems.append(error("home_id", "所属机构不存在，请重新选择"))
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        old = now[staff_id][1]
        if holders.get(old) == staff_id:
            del holders[old]
        if d.id_number and d.id_type:
            holders[(d.id_type, d.id_number)] = staff_id
        now[staff_id] = (d.name, (d.id_type, d.id_number))


def _name_of(session: Session, staff_id: int) -> str:
    return session.scalar(select(Staff.name).where(Staff.id == staff_id)) or ""
