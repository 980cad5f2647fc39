"""Planning what a member deleted since its last accepted package (DESIGN.md §7): its
persons, the quarter's agreement volumes and figures (``_plan_deletions``), the rotations it no
longer reports (``_plan_removals``); each kept, and said so, while another unit reports it."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.exchange.package import Package
from ylt_desktop.exchange.preview_model import (
    REMOVED,
    UNCHANGED,
    Change,
    _differs,
    _figures_row,
    _key,
    _Plan,
    _shown,
)
from ylt_desktop.exchange.sealed import PackageRefused
from ylt_desktop.store import exchange as store
from ylt_desktop.store.models import Agreement, Institution, Rotation, Staff


def _member_agreements(session: Session, member_id: int) -> list[Agreement]:
    from ylt_desktop.exchange.content import agreements_of

    return agreements_of(session, member_id)


def _gone_at_lead(session: Session, number: str) -> tuple[str, str, str | None] | None:
    """An agreement number the lead's database no longer has: (its title, what became of it,
    its new number when renumbered) when the audit log shows the lead deleted or renumbered
    it; ``None`` when the lead never had it (an agreement the member made itself)."""
    from ylt_desktop.store.audit import DELETE, UPDATE
    from ylt_desktop.store.models import AuditEntry

    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.table_name == Agreement.__tablename__,
            AuditEntry.action.in_((DELETE, UPDATE)),
            AuditEntry.old_values.contains(json.dumps(number, ensure_ascii=False), autoescape=True),
        )
        .order_by(AuditEntry.id.desc())
    )
    for e in entries:
        old = json.loads(e.old_values or "{}")
        if old.get("number") != number:
            continue
        if e.action == DELETE:
            return str(old.get("title") or ""), "牵头单位已删除", None
        new = json.loads(e.new_values or "{}").get("number")
        return str(old.get("title") or ""), f"牵头单位已把它的编号改为“{new}”", str(new)
    return None


def _person_key(id_type: str, id_number: str) -> str:
    from ylt_desktop.exchange.content import person_hash

    return person_hash(id_type, id_number)


def _plan_deletions(
    session: Session,
    plan: _Plan,
    pkg: Package,
    inst: Institution,
    *,
    agreements_of_member: list[Agreement],
    lead_unit: int | None,
    reported: dict[str, list],
) -> None:
    """What the member deleted since it last reported: its persons (against its newest
    accepted package, any quarter: persons are not a quarter's), the quarter's agreement
    volumes and operating figures (against its last accepted package for the quarter).
    Deleted at the lead too, unless another unit still reports the record (or, for
    volumes, the lead's values are not the ones the member reported): then kept, and said."""
    member_id, key_q = pkg.member_id, str(pkg.quarter)
    plan.persons = sorted(
        _person_key(r["id_type"], r["id_number"])
        for r in pkg.parts["staff"]
        if r.get("home_id") == member_id
    )
    in_package = {_person_key(r["id_type"], r["id_number"]) for r in pkg.parts["staff"]}
    newest = store.newest_accepted(session, member_id)
    before_persons = set(store.summary_of(newest).get("persons") or []) if newest else set()
    if before_persons:
        from ylt_desktop.store.staff import rotation_count

        for person in session.scalars(select(Staff).where(Staff.home_id == member_id)):
            k = _person_key(person.id_type, person.id_number)
            if k not in before_persons or k in in_package:
                continue
            label = f"{person.name}（{mask_id(person.id_number)}）"
            going = sum(
                1 for rid in plan.removed if session.get(Rotation, rid).staff_id == person.id
            )
            if rotation_count(session, person.id) > going:
                plan.changes.append(Change("staff", UNCHANGED,
                    f"{label}（本单位已删除，但汇总库中仍有其人员流动记录，未删除）"))  # fmt: skip
            else:
                plan.changes.append(Change("staff", REMOVED, label))
                plan.staff_removed.append(person.id)
    last = store.last_accepted(session, member_id, pkg.quarter)
    if last is None:
        return
    summary = store.summary_of(last)
    before = summary.get("shared") or {}
    for a in agreements_of_member:
        ckey = _key("volumes", a.number, key_q)
        if ckey not in before or ckey in plan.shared:
            continue
        now_values = {v.measure: float(v.value) for v in a.volumes if v.quarter == key_q}
        if not now_values:
            continue
        label = f"{a.number} {a.title}"
        if ckey in reported or _differs(before[ckey], now_values):
            who = "其他参与单位仍有报告" if ckey in reported else "汇总库中的数值不是本单位所报"
            plan.changes.append(
                Change(
                    "volumes", UNCHANGED, f"{label}（本单位已删除本季度服务量，但{who}，未删除）"
                )
            )
        else:
            plan.changes.append(Change("volumes", REMOVED, label,
                [(m, _shown(v), _shown(None)) for m, v in sorted(now_values.items())]))  # fmt: skip
            plan.volumes_removed.append(a.id)
    had_figures = summary.get("figures")
    if had_figures is None:  # accepted before the flag was kept: its counts say
        had_figures = sum((summary.get("counts") or {}).get("figures", {}).values()) > 0
    if had_figures and not pkg.parts["figures"]:
        row = _figures_row(session, member_id, key_q)
        if row is not None:
            plan.changes.append(Change("figures", REMOVED, f"{inst.name} {pkg.quarter.label}"))
            plan.figures_removed = True


def _refuse_if_locked(
    locked: set[Quarter], start: dt.date, end: dt.date | None, label: str
) -> None:
    """The store refuses a rotation written into a submitted quarter (DESIGN §3): say so in
    the preview, naming the record and the quarter, rather than at apply."""
    first = Quarter.containing(start)
    last = Quarter.containing(end) if end is not None else None
    hit = sorted(q for q in locked if first <= q and (last is None or q <= last))
    if hit:
        raise PackageRefused(
            f"数据包中的人员流动“{label}”涉及汇总库已报送并锁定的{hit[0].label}，不能接收；"
            "如需接收，请先由审核人重新打开该季度"
        )


def _plan_removals(
    session: Session,
    plan: _Plan,
    member_id: int,
    quarter: Quarter,
    involved: list[Rotation],
    names: dict[int, str],
    lead_unit: int | None,
    reported: dict[str, list],
    locked: set[Quarter],
) -> None:
    """Rotations the member's last accepted package for the quarter reported and this one
    no longer does (deleted at the member): removed, unless the other unit reports them too
    (or is the lead unit, whose own entry it is) — then kept, and said so."""
    last = store.last_accepted(session, member_id, quarter)
    before = (
        {k for k, v in store.summary_of(last).get("shared", {}).items() if "form" in v}
        if last
        else set()
    )
    if not before:
        return
    touching = [
        r for r in involved
        if r.start <= quarter.last_day and (r.end is None or r.end >= quarter.first_day)
    ]  # fmt: skip
    people = {p.id: p for p in session.scalars(
        select(Staff).where(Staff.id.in_([r.staff_id for r in touching])))}  # fmt: skip
    for r in touching:
        person = people[r.staff_id]
        ckey = _key("rotation", person.id_type, person.id_number, r.from_id, r.to_id,
                    r.start.isoformat())  # fmt: skip
        if ckey not in before or ckey in plan.shared:
            continue
        label = f"{person.name} {names[r.from_id]}→{names[r.to_id]} {r.start.isoformat()}"
        other = r.to_id if r.from_id == member_id else r.from_id
        if other == lead_unit or ckey in reported:
            plan.changes.append(
                Change(
                    "rotations",
                    UNCHANGED,
                    f"{label}（本单位已不再报告，但{names[other]}仍有此记录，未删除）",
                )
            )
        else:
            _refuse_if_locked(locked, r.start, r.end, label)
            plan.changes.append(Change("rotations", REMOVED, label))
            plan.removed.append(r.id)
