"""What a package carries, as plain JSON rows, and its manifest (DESIGN.md §7).

Records are matched across databases by keys both sides know:
- institutions by the lead's id (a member's database is made from the roster with the same
  ids, and a member database cannot add units: ``store/institutions.py`` refuses);
- persons by 证件类型 + 证件号码 (whole, inside the encrypted body only);
- rotations by person, 派出单位, 接收单位 and 开始日期;
- agreements by 协议编号.

Roster parts: ``consortium``, ``institutions`` (every unit, with its 等级变更记录),
``agreements`` (those the member takes part in, with recipients and volumes), ``staff`` (the
persons of other units who rotate to the member), ``status`` (the lead's decisions on the
member's packages: accepted, or returned with a reason).

Data parts (one quarter): ``profile`` (the member's own unit), ``staff`` (its own persons and
the others its rotations name), ``rotations`` (those it sends or receives that touch the
quarter, with that quarter's figures), ``volumes`` (the quarter's volumes of its agreements),
``figures`` (its operating figures, when entered).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ylt_desktop import __version__
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import VOLUME_LABELS
from ylt_desktop.exchange.sealed import PackageRefused, part_digest
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    Institution,
    InstitutionLevel,
    MemberQuarterFigures,
    PackageEvent,
    Rotation,
    RotationQuarter,
    Staff,
    by_codepoint,
)

VOLUMES = tuple(VOLUME_LABELS)
ROSTER, DATA = "roster", "data"
KIND_LABELS = {ROSTER: "名册包", DATA: "数据包"}
ROSTER_PARTS = ("consortium", "institutions", "agreements", "staff", "status")
DATA_PARTS = ("profile", "staff", "rotations", "volumes", "figures")
PART_LABELS = {
    "consortium": "医联体",
    "institutions": "成员单位",
    "agreements": "资源共享协议",
    "staff": "人员",
    "status": "报送情况",
    "profile": "本单位基本情况",
    "rotations": "人员流动",
    "volumes": "协议服务量",
    "figures": "运行指标",
}
INSTITUTION_FIELDS = tuple(InstitutionData.__dataclass_fields__)
STAFF_FIELDS = ("name", "sex", "id_type", "id_number", "licence_code", "title", "specialty")
FIGURE_FIELDS = (
    "visits", "tcm_visits", "discharges", "up_outpatient", "up_inpatient", "down_outpatient",
    "down_inpatient", "received_up", "received_down", "contracts", "key_contracts",
    "population", "key_population",
)  # fmt: skip


def iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def institution_row(inst: Institution, entries: list[InstitutionLevel]) -> dict[str, Any]:
    row: dict[str, Any] = {"id": inst.id}
    for name in INSTITUTION_FIELDS:
        value = getattr(inst, name)
        row[name] = iso(value) if isinstance(value, dt.date) else value
    row["uscc"] = inst.uscc or ""
    row["levels"] = [
        {"since": iso(e.since), "level": e.level, "category": e.category} for e in entries
    ]
    return row


def staff_row(person: Staff) -> dict[str, Any]:
    row = {name: getattr(person, name) or "" for name in STAFF_FIELDS}
    row["home_id"] = person.home_id
    return row


def person_key(row: dict[str, Any] | Staff) -> tuple[str, str]:
    if isinstance(row, Staff):
        return (row.id_type, row.id_number)
    return (str(row["id_type"]), str(row["id_number"]))


def _levels(session: Session, ids: list[int] | None = None) -> dict[int, list[InstitutionLevel]]:
    stmt = select(InstitutionLevel).order_by(
        InstitutionLevel.institution_id, InstitutionLevel.since.is_not(None),
        InstitutionLevel.since, InstitutionLevel.id,
    )  # fmt: skip
    if ids is not None:
        stmt = stmt.where(InstitutionLevel.institution_id.in_(ids))
    found: dict[int, list[InstitutionLevel]] = {}
    for entry in session.scalars(stmt):
        found.setdefault(entry.institution_id, []).append(entry)
    return found


def agreement_row(a: Agreement, *, quarter: str | None = None) -> dict[str, Any]:
    volumes = sorted(
        [v.quarter, v.measure, v.value]
        for v in a.volumes
        if quarter is None or v.quarter == quarter
    )
    return {
        "number": a.number,
        "title": a.title,
        "kind": a.kind,
        "other_measure": a.other_measure or "",
        "provider_id": a.provider_id,
        "provider_share": a.provider_share,
        "recipients": sorted([r.institution_id, r.share] for r in a.recipients),
        "signed": iso(a.signed),
        "effective_from": iso(a.effective_from),
        "effective_to": iso(a.effective_to),
        "terminated_on": iso(a.terminated_on),
        "termination_reason": a.termination_reason or "",
        "terms": a.terms or "",
        "volumes": volumes,
    }


def agreements_of(session: Session, member_id: int) -> list[Agreement]:
    taking_part = select(AgreementRecipient.agreement_id).where(
        AgreementRecipient.institution_id == member_id
    )
    stmt = (
        select(Agreement)
        .where(or_(Agreement.provider_id == member_id, Agreement.id.in_(taking_part)))
        .order_by(by_codepoint(Agreement.number))
    )
    return list(session.scalars(stmt))


def roster_parts(session: Session, member_id: int) -> dict[str, list]:
    """The roster for one member, read from the lead's database."""
    from ylt_desktop.store.institutions import get_consortium

    c = get_consortium(session)
    # How many agreements the member takes part in, counted apart from the list: an empty
    # list is taken as "the lead deleted them all" only with a count of 0 (an older lead
    # program's roster has none; a list the count disagrees with removes nothing).
    count = select(func.count(Agreement.id)).where(
        or_(
            Agreement.provider_id == member_id,
            Agreement.recipients.any(AgreementRecipient.institution_id == member_id),
        )
    )
    consortium = [
        {
            "name": c.name, "kind": c.kind, "division": c.division, "founded": iso(c.founded),
            "agreement_count": session.scalar(count),
        }
    ]  # fmt: skip
    levels = _levels(session)
    institutions = [
        institution_row(inst, levels.get(inst.id, []))
        for inst in session.scalars(select(Institution).order_by(Institution.id))
    ]
    agreements = [agreement_row(a) for a in agreements_of(session, member_id)]
    visiting = (
        select(Staff)
        .join(Rotation, Rotation.staff_id == Staff.id)
        .where(Rotation.to_id == member_id, Staff.home_id != member_id)
        .distinct()
        .order_by(Staff.id)
    )
    staff = [staff_row(p) for p in session.scalars(visiting)]
    status = [
        {
            "quarter": e.quarter, "action": e.action, "at": iso(e.at), "by": e.by,
            "reason": e.reason or "", "package_id": e.package_id or "",
            # When the member made the package: a volume it changed later is its own.
            "package_created": iso(e.package_created) if e.package_created else "",
        }
        for e in session.scalars(
            select(PackageEvent)
            .where(PackageEvent.member_id == member_id)
            .order_by(PackageEvent.at, PackageEvent.id)
        )
    ]  # fmt: skip
    return {
        "consortium": consortium,
        "institutions": institutions,
        "agreements": agreements,
        "staff": staff,
        "status": status,
    }


def quarter_row(row: RotationQuarter | None) -> dict[str, Any]:
    if row is None:
        return {"days": None, **{v: 0 for v in VOLUMES}}
    return {"days": row.days, **{v: getattr(row, v) or 0 for v in VOLUMES}}


def data_parts(session: Session, member_id: int, quarter: Quarter) -> dict[str, list]:
    """What ``member_id`` owns for ``quarter``, read from any database that holds it (a
    member's; the bench reads the demo consortium's)."""
    key = str(quarter)
    inst = session.get(Institution, member_id)
    profile = [institution_row(inst, _levels(session, [member_id]).get(member_id, []))]
    stmt = (
        select(Rotation)
        .where(or_(Rotation.from_id == member_id, Rotation.to_id == member_id))
        .where(Rotation.start <= quarter.last_day)
        .where(or_(Rotation.end.is_(None), Rotation.end >= quarter.first_day))
        .order_by(Rotation.id)
    )
    rotations_found = list(session.scalars(stmt))
    people_ids = {r.staff_id for r in rotations_found}
    people = {
        p.id: p
        for p in session.scalars(
            select(Staff).where(or_(Staff.home_id == member_id, Staff.id.in_(people_ids)))
        )
    }
    people.update({p.id: p for p in _moved_away(session, member_id, people)})
    rotations = []
    for r in rotations_found:
        row = next((q for q in r.quarters if q.quarter == key), None)
        rotations.append(
            {
                "person": list(person_key(people[r.staff_id])),
                "from_id": r.from_id,
                "to_id": r.to_id,
                "form": r.form,
                "start": iso(r.start),
                "end": iso(r.end),
                "note": r.note or "",
                "quarter": quarter_row(row),
            }
        )
    volumes = []
    for a in agreements_of(session, member_id):
        values = {v.measure: v.value for v in a.volumes if v.quarter == key}
        # The title names the agreement at the lead when the lead does not have it.
        volumes.append(
            {"number": a.number, "title": a.title, "values": dict(sorted(values.items()))}
        )
    figures = []
    row = session.scalars(
        select(MemberQuarterFigures).where(
            MemberQuarterFigures.institution_id == member_id, MemberQuarterFigures.quarter == key
        )
    ).first()
    if row is not None:
        figures.append({name: getattr(row, name) for name in FIGURE_FIELDS})
    return {
        "profile": profile,
        "staff": [staff_row(p) for p in sorted(people.values(), key=lambda p: p.id)],
        "rotations": rotations,
        "volumes": volumes,
        "figures": figures,
    }


def person_hash(id_type: str, id_number: str) -> str:
    """A person's key as kept in logs and settings (never the number itself)."""
    import hashlib

    return hashlib.sha256(f"person|{id_type}|{id_number}".encode()).hexdigest()[:20]


def _moved_away(session: Session, member_id: int, people: dict[int, Staff]) -> list[Staff]:
    """In the member's own database: the persons of other units that no roster brought (the
    member moved them to another unit, or typed them so): without them the lead would read
    a moved person as deleted. Other databases (the bench reads the whole demo): none."""
    from ylt_desktop.exchange.roster import roster_persons
    from ylt_desktop.store.exchange import own_member_id

    if own_member_id(session) != member_id:
        return []
    brought = roster_persons(session)
    return [
        p
        for p in session.scalars(select(Staff).where(Staff.home_id != member_id))
        if p.id not in people and person_hash(p.id_type, p.id_number) not in brought
    ]


def manifest(header: dict[str, Any], parts: dict[str, list]) -> dict[str, Any]:
    """The manifest: what the header says, the program's version, and per part its SHA-256
    and row count."""
    return {
        **{
            k: header[k]
            for k in (
                "kind",
                "consortium_id",
                "member_id",
                "member",
                "quarter",
                "created_at",
                "package_id",
            )
        },  # fmt: skip
        "format_version": 1,
        "program_version": __version__,
        "parts": {
            name: {"sha256": part_digest(rows), "rows": len(rows)} for name, rows in parts.items()
        },
    }


def checked_parts(content: dict[str, Any], header: dict[str, Any]) -> dict[str, list]:
    """The parts of a decrypted package after its manifest is checked against the header and
    every part's SHA-256 and row count."""
    m = content.get("manifest")
    parts = content.get("parts")
    if not isinstance(m, dict) or not isinstance(parts, dict):
        raise PackageRefused("数据包缺少清单（manifest），不能使用")
    for k in ("kind", "consortium_id", "member_id", "quarter", "created_at", "package_id"):
        if m.get(k) != header.get(k):
            raise PackageRefused("数据包的清单与文件头不一致：文件已被改动或损坏")
    expected = ROSTER_PARTS if header.get("kind") == ROSTER else DATA_PARTS
    listed = m.get("parts") or {}
    for name in expected:
        rows = parts.get(name)
        entry = listed.get(name)
        if not isinstance(rows, list) or not isinstance(entry, dict):
            raise PackageRefused(f"数据包缺少“{PART_LABELS[name]}”部分，不能使用")
        if entry.get("rows") != len(rows) or entry.get("sha256") != part_digest(rows):
            raise PackageRefused(
                f"数据包的“{PART_LABELS[name]}”部分与清单不符（SHA-256 或行数不对）：文件已损坏"
            )
    return {name: parts[name] for name in expected}
