"""Queries and one-transaction commands for institutions, and ``initialize`` (the consortium
with its lead unit, checked by the institution rules). The consortium's settings and lead unit
live in ``consortium``; their names are importable from here too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
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
from ylt_desktop.store import audit, bulk_write, levels, versions
from ylt_desktop.store.consortium import (  # noqa: F401 - known here too
    MEMBER_DB_UNITS,
    _refuse_in_member_database,
    check_consortium,
    get_consortium,
    lead_institution,
    update_consortium,
)
from ylt_desktop.store.levels import rederive_directions  # noqa: F401 - known here too
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    Consortium,
    Institution,
    InstitutionLevel,
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
        problems.append(error("name", f"机构名称“{d.name}”已存在，同一医联体内不得重名"))
    if d.uscc and session.scalar(others.where(Institution.uscc == d.uscc).limit(1)):
        problems.append(error("uscc", f"统一社会信用代码 {d.uscc} 已被其他机构使用"))
    if d.role == lists.ROLE_LEAD:
        lead = lead_institution(session)
        if lead is not None and lead.id != own_id:
            problems.append(
                error("role", f"医联体只能有一个牵头单位，现为“{lead.name}”；请先将其改为成员单位")
            )
    return problems


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


def check_institutions(session: Session, rows: Sequence[InstitutionData]) -> list[list]:
    """The problems of each new row as if each were created in turn (so a row clashing with an
    earlier valid row of ``rows`` fails as it would alone), with a few queries in all."""
    return _check_normalized(session, [d.normalized() for d in rows])


def _check_normalized(session: Session, rows: list[InstitutionData]) -> list[list]:
    names = set(_holders(session, Institution.name_key, {d.name for d in rows if d.name}))
    usccs = set(_holders(session, Institution.uscc, {d.uscc for d in rows if d.uscc}))
    lead = lead_institution(session)
    lead_name = lead.name if lead is not None else None
    out = []
    for d in rows:
        problems = validate_normalized(d)
        if d.name and d.name in names:
            problems.append(error("name", f"机构名称“{d.name}”已存在，同一医联体内不得重名"))
        if d.uscc and d.uscc in usccs:
            problems.append(error("uscc", f"统一社会信用代码 {d.uscc} 已被其他机构使用"))
        if d.role == lists.ROLE_LEAD and lead_name is not None:
            problems.append(
                error("role", f"医联体只能有一个牵头单位，现为“{lead_name}”；请先将其改为成员单位")
            )
        if not has_errors(problems):
            names.add(d.name)
            if d.uscc:
                usccs.add(d.uscc)
            if d.role == lists.ROLE_LEAD:
                lead_name = d.name
        out.append(problems)
    return out


def create_institutions(session: Session, *, rows: Sequence[InstitutionData]) -> list[int]:
    """Validate every row (the rules of ``create_institution``), then insert them all, in one
    transaction; returns the new ids in the order of ``rows``. Raises RuleViolation with the
    first bad row's problems (its index in ``rows`` as ``.row``) and inserts nothing when any
    row has errors. The rows, their first 等级变更记录 entries and the audit entries are written
    with a few bulk statements (``store/bulk_write.py``): the same records, versions and audit
    entries as one ORM flush of the same rows wrote (per row its first level entry, then the
    unit; ``create_institution`` alone logs the unit first)."""
    with transaction(session), session.no_autoflush:
        _refuse_in_member_database(session)
        rows = [d.normalized() for d in rows]
        for i, problems in enumerate(_check_normalized(session, rows)):
            if has_errors(problems):
                exc = RuleViolation(problems)
                exc.row = i
                raise exc
        session.flush()  # what the session holds comes first in the audit log, as it would
        made = bulk_write.insert_rows(session, Institution, [_row(d) for d in rows], key="name_key")
        firsts = bulk_write.insert_rows(
            session,
            InstitutionLevel,
            [levels.first_entry(v["id"], v["level"], v["category"]) for v in made],
            key="institution_id",
        )
        at = audit.now()
        entries = []
        for inst, first in zip(made, firsts, strict=True):  # a flush logs the entry first
            entries.append(audit.insert_entry("institution_level", first["id"], first, at))
            entries.append(audit.insert_entry("institution", inst["id"], inst, at))
        audit.write_entries(session, entries)
    return [v["id"] for v in made]


def _row(d: InstitutionData) -> dict:
    """The columns ``_apply`` sets, for a Core INSERT."""
    row = {key: getattr(d, key) for key in _FIELDS}
    row["uscc"] = d.uscc or None
    row["name_key"] = d.name
    return row


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


def update_institutions(
    session: Session, *, rows: Sequence[tuple[int, InstitutionData]]
) -> list[int]:
    """Update many institutions (``(id, data)`` pairs) with the rules of
    ``update_institution``, checked as if each were updated in turn, with a few queries and
    bulk statements (``store/bulk_write.py``), in one transaction; returns the ids. Raises
    RuleViolation with the first bad row's problems (its index in ``rows`` as ``.row``) and
    changes nothing when any row has errors: every row is checked before any is written.
    Each changed row's version and ``updated_at`` move and its audit entry (the changed
    columns, in the order of ``rows``) is written as a flush would; a changed level or
    category corrects the entry in force (an import row carries no change date), logged and
    followed by the units' rotations through the ORM as ``update_institution`` does."""
    with transaction(session), session.no_autoflush:
        rows = [(inst_id, d.normalized()) for inst_id, d in rows]
        found = _current(session, {inst_id for inst_id, _ in rows})
        _check_updates(session, rows, found)
        session.flush()  # what the session holds comes first in the audit log, as it would
        at = audit.now()
        entries, segment = [], []
        # SQLite checks UNIQUE per UPDATE: a row taking a name or code an earlier row gave
        # up is written after it (the rows before it go first).
        freed: set[tuple[str, str | None]] = set()
        reranked: dict[int, tuple[str, str]] = {}
        for inst_id, d in rows:
            old, new = found[inst_id], _row(d)
            changed = [col for col, value in new.items() if old[col] != value]
            if not changed:
                continue
            if (
                ("name", new["name_key"]) in freed
                or ("uscc", new["uscc"]) in freed
                or any(item[0] == inst_id for item in segment)  # a row changed twice: in turn
            ):
                _update_segment(session, segment)
                segment, freed = [], set()
            if old["name_key"] != new["name_key"]:
                freed.add(("name", old["name_key"]))
            if old["uscc"] and old["uscc"] != new["uscc"]:
                freed.add(("uscc", old["uscc"]))
            if (old["level"], old["category"]) != (d.level, d.category):
                reranked.setdefault(inst_id, (old["level"], old["category"]))
            values = {col: new[col] for col in changed}
            segment.append((inst_id, old["version"], values))
            before = {col: old[col] for col in changed}
            entries.append(audit.update_entry("institution", inst_id, before, values, at))
            old.update(values)
            old["version"] += 1
        _update_segment(session, segment)
        audit.write_entries(session, entries)
        _forget(session, [inst_id for inst_id, _ in rows])
        for inst_id in sorted(reranked):  # corrections: an import row carries no change date
            inst = session.get(Institution, inst_id)
            levels.record_change(session, inst, since=None, before=reranked[inst_id])
    return [inst_id for inst_id, _ in rows]


_CURRENT = (Institution.__table__.c.id, Institution.__table__.c.version,
            *(Institution.__table__.c[key] for key in (*_FIELDS, "name_key")))  # fmt: skip


def _current(session: Session, ids: set[int]) -> dict[int, dict]:
    """The stored columns of each institution in ``ids`` (column → value, read in this
    transaction: what an UPDATE changes from)."""
    found = {}
    for chunk in levels._chunks(ids):
        stmt = select(*_CURRENT).where(Institution.__table__.c.id.in_(chunk))
        found.update((row.id, row._asdict()) for row in session.execute(stmt))
    return found


def _update_segment(session: Session, segment: list[tuple[int, int, dict]]) -> None:
    """One executemany per set of changed columns."""
    groups: dict[tuple[str, ...], list] = {}
    for item in segment:
        groups.setdefault(tuple(item[2]), []).append(item)
    for group in groups.values():
        bulk_write.update_rows(session, Institution, group)


def _forget(session: Session, ids: list[int]) -> None:
    """Institutions of the session's identity map that a Core UPDATE changed are read again
    when next used (their loaded values and version are the old ones)."""
    for inst_id in ids:
        obj = session.identity_map.get(session.identity_key(Institution, inst_id))
        if obj is not None:
            session.expire(obj)


def _check_updates(session: Session, rows: list[tuple[int, InstitutionData]], found: dict) -> None:
    """Raise for the first row ``update_institution`` would refuse after the rows before it."""
    # Who holds each name and USCC the rows ask for, and each row's values, as the rows before
    # it leave them.
    names = _holders(session, Institution.name_key, {d.name for _, d in rows if d.name})
    usccs = _holders(session, Institution.uscc, {d.uscc for _, d in rows if d.uscc})
    now = {i: (x["name_key"], x["uscc"]) for i, x in found.items()}
    lead = lead_institution(session)
    lead_id, lead_name = (lead.id, lead.name) if lead is not None else (None, None)
    for i, (inst_id, d) in enumerate(rows):
        if inst_id not in found:
            problems = [error("name", "该机构已被删除")]
        else:
            problems = validate_normalized(d)
            if d.name and names.get(d.name, inst_id) != inst_id:
                problems.append(error("name", f"机构名称“{d.name}”已存在，同一医联体内不得重名"))
            if d.uscc and usccs.get(d.uscc, inst_id) != inst_id:
                problems.append(error("uscc", f"统一社会信用代码 {d.uscc} 已被其他机构使用"))
            if d.role == lists.ROLE_LEAD and lead_id not in (None, inst_id):
                problems.append(
                    error(
                        "role",
                        f"医联体只能有一个牵头单位，现为“{lead_name}”；请先将其改为成员单位",
                    )
                )
        if has_errors(problems):
            exc = RuleViolation(problems)
            exc.row = i
            raise exc
        old_name, old_uscc = now[inst_id]
        if names.get(old_name) == inst_id:
            del names[old_name]
        if old_uscc and usccs.get(old_uscc) == inst_id:
            del usccs[old_uscc]
        names[d.name] = inst_id
        if d.uscc:
            usccs[d.uscc] = inst_id
        now[inst_id] = (d.name, d.uscc or None)
        if d.role == lists.ROLE_LEAD:
            lead_id, lead_name = inst_id, d.name
        elif lead_id == inst_id:
            lead_id, lead_name = None, None


def _holders(session: Session, column, values: set[str]) -> dict[str, int]:  # noqa: ANN001
    """Which institution holds each of ``values`` in ``column``: one query per 500 values."""
    found: dict[str, int] = {}
    ordered = sorted(values)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        stmt = select(column, Institution.id).where(column.in_(chunk))
        found.update((value, inst_id) for value, inst_id in session.execute(stmt))
    return found


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
