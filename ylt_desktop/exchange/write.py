"""Writing one planned data package at the lead (``_write``): through the store commands,
the conflicts' choices applied, then the package's accept entry (``PackageEvent``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.exchange.content import VOLUMES, day
from ylt_desktop.exchange.preview_model import (
    PackagePreview,
    _count,
    _key,
    _people,
    _Plan,
    _rotation_values,
    _stored_rotation_values,
)
from ylt_desktop.store import exchange as store
from ylt_desktop.store.models import Agreement, AgreementRecipient, PackageEvent, Rotation


def _context(p: PackagePreview, what: str, exc: RuleViolation) -> RuleViolation:
    from ylt_desktop.domain.masking import mask_id_numbers

    problems = [
        type(x)(
            x.field, x.level, mask_id_numbers(f"{p.file_name}（{p.member}，{what}）：{x.message}")
        )
        for x in exc.problems
    ]
    return RuleViolation(problems)


def _write(
    session: Session,
    p: PackagePreview,
    plan: _Plan,
    choices: dict[str, int],
    by: str,
    today: dt.date,
) -> None:
    from ylt_desktop.store import (
        agreements_bulk,
        figures,
        institutions,
        rotations,
        rotations_bulk,
        staff,
    )
    from ylt_desktop.store.agreements import to_data as agreement_data
    from ylt_desktop.store.rotations import to_data as rotation_data

    pkg = p.package
    key_q = str(pkg.quarter)
    chosen: list[dict] = []
    overrides: dict[str, dict] = {}
    for c in plan.conflicts:
        pick = choices[c.key]
        option = next((o for o in c.options if o.member_id == pick), None)
        if option is None:
            raise RuleViolation(
                [error("choices", f"冲突“{c.label}”的选择无效：只能选择其中一方的数据")]
            )
        overrides[c.key] = option.values
        chosen.append({"record": c.label, "kind": c.kind, "chosen": option.member,
                       "options": {o.member: o.values for o in c.options}})  # fmt: skip
    try:
        if plan.profile is not None:
            data, since = plan.profile
            for step_since, level, category in plan.level_steps:
                institutions.update_institution(
                    session, institution_id=pkg.member_id, today=today, level_since=step_since,
                    data=dataclasses.replace(data, level=level, category=category),
                )  # fmt: skip
            institutions.update_institution(
                session, institution_id=pkg.member_id, data=data, level_since=since, today=today
            )
        if plan.staff_new:
            staff.create_many_staff(session, rows=plan.staff_new)
        if plan.staff_changed:
            staff.update_many_staff(session, rows=plan.staff_changed)
    except RuleViolation as exc:
        raise _context(p, "人员与本单位情况", exc) from None
    session.flush()
    wanted = [tuple(row["person"]) for row, _rid in plan.rotations]
    people = {k: person.id for k, person in _people(session, wanted).items()}
    new_rows, changed_rows = [], []
    existing = {
        r.id: r
        for r in session.scalars(
            select(Rotation).where(Rotation.id.in_([rid for _r, rid in plan.rotations if rid]))
        )
    }
    for row, rid in plan.rotations:
        ckey = _key("rotation", *row["person"], row["from_id"], row["to_id"], row["start"])
        values = {**_rotation_values(row), **(overrides.get(ckey) or {})}
        figures_q = QuarterFigures(days=values["days"], **{v: values[v] or 0 for v in VOLUMES})
        if rid is None:
            data = RotationData(
                staff_id=people[tuple(row["person"])], from_id=row["from_id"],
                to_id=row["to_id"], form=values["form"], start=day(row["start"]),
                end=day(values["end"]), quarters={key_q: figures_q},
            )  # fmt: skip
            new_rows.append((data, values["note"]))
            continue
        rotation = existing[rid]
        if _stored_rotation_values(rotation, key_q) == values:
            continue
        data = rotation_data(rotation)
        data.form, data.end = values["form"], day(values["end"])
        data.quarters[key_q] = figures_q
        # Quarters the new dates no longer touch go, as they did at the member.
        first = Quarter.containing(data.start)
        data.quarters = {
            k: v for k, v in data.quarters.items()
            if first <= Quarter.parse(k) and (data.end is None or Quarter.parse(k).first_day <= data.end)
        }  # fmt: skip
        changed_rows.append((rid, data, values["note"]))
    try:
        if new_rows:
            rotations_bulk.create_rotations(session, rows=new_rows, today=today)
        if changed_rows:
            rotations_bulk.update_rotations(session, rows=changed_rows, today=today)
        for rid in plan.removed:
            rotations.delete_rotation(session, rotation_id=rid)
        session.flush()
        for sid in plan.staff_removed:
            staff.delete_staff(session, staff_id=sid)
    except RuleViolation as exc:
        raise _context(p, "人员流动", exc) from None
    agreement_rows = []
    for aid, mine in plan.volumes:
        a = session.get(Agreement, aid)
        values = overrides.get(_key("volumes", a.number, key_q)) or mine
        now = {v.measure: float(v.value) for v in a.volumes if v.quarter == key_q}
        if now == values:
            continue
        data = agreement_data(a)
        data.volumes = {k: v for k, v in data.volumes.items() if k[0] != key_q}
        data.volumes.update({(key_q, m): v for m, v in values.items()})
        agreement_rows.append((aid, data, None))
    for aid in plan.volumes_removed:
        data = agreement_data(session.get(Agreement, aid))
        data.volumes = {k: v for k, v in data.volumes.items() if k[0] != key_q}
        agreement_rows.append((aid, data, None))
    try:
        if agreement_rows:
            agreements_bulk.update_agreements(session, rows=agreement_rows)
        if plan.figures is not None or plan.figures_removed:
            figures.save_figures(
                session,
                quarter=pkg.quarter,
                members={pkg.member_id: plan.figures or MemberFigures()},
            )
    except RuleViolation as exc:
        raise _context(p, "协议服务量与运行指标", exc) from None
    summary = {
        "counts": _count(plan.changes), "shared": plan.shared, "choices": chosen,
        "persons": plan.persons, "figures": bool(pkg.parts["figures"]),
    }  # fmt: skip
    session.add(
        PackageEvent(
            member_id=pkg.member_id, quarter=key_q, action=store.ACCEPT,
            at=dt.datetime.now().replace(microsecond=0), by=by, reason="",
            package_id=pkg.package_id, package_created=pkg.created_at,
            made_by=pkg.made_by[:30], file_name=p.file_name[:255], sha256=pkg.sha256,
            summary=json.dumps(summary, ensure_ascii=False, sort_keys=True),
        )
    )  # fmt: skip


def recipients_of(session: Session, agreement_id: int) -> list[int]:
    stmt = select(AgreementRecipient.institution_id).where(
        AgreementRecipient.agreement_id == agreement_id
    )
    return list(session.scalars(stmt))
