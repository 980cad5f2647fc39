"""Planning one data package against the lead's database (``plan_package``): per kind what
is new, changed, unchanged, and where two units disagree; refusals before planning
(``refuse_early``). Deletions and removed rotations: ``plan_deletions.py``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.exchange.content import (
    FIGURE_FIELDS,
    INSTITUTION_FIELDS,
    STAFF_FIELDS,
    day,
    institution_row,
)
from ylt_desktop.exchange.package import CLOCK_TOLERANCE, Package
from ylt_desktop.exchange.plan_deletions import (
    _gone_at_lead,
    _member_agreements,
    _plan_deletions,
    _plan_removals,
    _refuse_if_locked,
)
from ylt_desktop.exchange.preview_model import (
    CHANGED,
    LEAD_OWNED,
    NEW,
    UNCHANGED,
    VALUE_LABELS,
    Change,
    Conflict,
    Option,
    _differs,
    _figures_row,
    _iso,
    _key,
    _people,
    _person_label,
    _Plan,
    _rotation_values,
    _same,
    _shown,
    _stored_rotation_values,
)
from ylt_desktop.exchange.sealed import PackageRefused
from ylt_desktop.store import exchange as store
from ylt_desktop.store.models import (
    Agreement,
    Institution,
    InstitutionLevel,
    PackageEvent,
    Rotation,
)


def _refuse_early(session: Session, pkg: Package, batch: dict) -> str | None:
    """Why the package cannot be applied at all (None: it can), before planning."""
    quarter = pkg.quarter
    inst = session.get(Institution, pkg.member_id)
    if inst is None:
        return f"数据包来自“{pkg.member}”，但汇总库中没有这个成员单位（编号 {pkg.member_id}）"
    if inst.role == lists.ROLE_LEAD:
        return "数据包来自牵头单位本身：牵头单位的数据直接录入汇总库"
    from ylt_desktop.store.quarters import is_locked

    if is_locked(session, quarter):
        return (
            f"汇总库的{quarter.label}已报送并锁定，不能再接收数据包；如需接收，请先重新打开该季度"
        )
    last = store.last_accepted(session, pkg.member_id, quarter)
    # Packages are ordered by the time they were made: one dated ahead of this PC's clock
    # (the member's date is wrong) would make every later package "older" until that date.
    if pkg.created_at > dt.datetime.now() + CLOCK_TOLERANCE:
        return (
            f"这个数据包的生成时间（{pkg.created_at:%Y-%m-%d %H:%M}）晚于本机的当前时间："
            f"“{inst.name}”电脑的日期（或本机的日期）不对。请校正电脑日期后重新生成数据包"
        )
    # Per member, any quarter (DESIGN §7): a package's profile and persons are not a
    # quarter's, so an older one would take back what a newer accepted one brought.
    newest = store.newest_accepted(session, pkg.member_id)
    if newest is not None and pkg.created_at < newest.package_created:
        other = Quarter.parse(newest.quarter)
        again = "" if other == quarter else f"；请让该单位重新生成{quarter.label}的数据包"
        return (
            f"这个数据包（生成于 {pkg.created_at:%Y-%m-%d %H:%M}）比已接收的“{inst.name}”"
            f"{other.label}数据包（生成于 {newest.package_created:%Y-%m-%d %H:%M}）旧，"
            f"不能接收（本单位基本情况和人员以较新的数据包为准）{again}"
            f"；如果这个数据包是刚生成的，请检查该单位电脑的日期是否正确，校正后重新生成"
        )
    if store.is_accepted(session, pkg.member_id, quarter):
        return (
            f"“{inst.name}”的{quarter.label}数据已于 {last.at:%Y-%m-%d %H:%M} 接收并锁定；"
            "如需用新的数据包更新，请先退回该季度（写明原因）"
        )
    newer = batch.get((pkg.member_id, str(quarter)))
    if newer is not None and newer is not pkg:
        return f"本次打开的文件中有“{inst.name}”{quarter.label}更新的数据包，只接收最新的一个"
    return None


def _reported_by_others(session: Session, member_id: int, quarter: Quarter) -> dict[str, list]:
    """key → [(member_id, values)] of what other units' accepted packages reported."""
    found: dict[str, list] = {}
    latest: dict[int, PackageEvent] = {}
    for e in store.events(session, quarter=quarter):
        if e.action == store.ACCEPT and e.member_id != member_id:
            latest[e.member_id] = e
    for mid, e in latest.items():
        for key, values in (store.summary_of(e).get("shared") or {}).items():
            found.setdefault(key, []).append((mid, values))
    return found


def plan_package(session: Session, pkg: Package) -> _Plan:
    """What applying ``pkg`` would do to the database as it stands (earlier packages of the
    same batch written: the preview writes them too, then rolls back)."""
    plan = _Plan()
    quarter = pkg.quarter
    key_q = str(quarter)
    member_id = pkg.member_id
    parts = pkg.parts
    units = session.execute(select(Institution.id, Institution.name, Institution.role)).all()
    institutions = {i for i, _n, _r in units}
    names = {i: name for i, name, _r in units}
    lead_unit = next((i for i, _n, role in units if role == lists.ROLE_LEAD), None)
    reported = _reported_by_others(session, member_id, quarter)
    last = store.last_accepted(session, member_id, quarter)
    # What this member itself reported last time: the lead's values equal to those are the
    # member's own (applied from that package), not the lead unit's, so no conflict.
    own_before = (store.summary_of(last).get("shared") or {}) if last is not None else {}

    def unknown_unit(inst_id: Any) -> PackageRefused:
        return PackageRefused(
            f"数据包中提到的成员单位（编号 {inst_id}）在汇总库中不存在："
            "请给该成员单位发送最新的名册包后，让其重新生成数据包"
        )

    # -- profile
    (profile,) = parts["profile"] or [None]
    if profile is None or profile.get("id") != member_id:
        raise PackageRefused("数据包的本单位基本情况与文件头不符：文件已被改动或损坏")
    inst = session.get(Institution, member_id)
    entries = list(
        session.scalars(
            select(InstitutionLevel)
            .where(InstitutionLevel.institution_id == member_id)
            .order_by(InstitutionLevel.since.is_not(None), InstitutionLevel.since)
        )
    )
    current = institution_row(inst, entries)
    wanted = {k: profile.get(k) for k in INSTITUTION_FIELDS}
    for k in LEAD_OWNED:
        wanted[k] = current[k]
    diffs = [
        (k, current[k], wanted[k]) for k in INSTITUTION_FIELDS if not _same(current[k], wanted[k])
    ]
    from ylt_desktop.store.audit_text import label as field_label

    shown = [(field_label("institution", k), _shown(a), _shown(b)) for k, a, b in diffs]
    if diffs:
        plan.level_steps = _level_steps(entries, profile.get("levels") or [])
        shown += [("等级变更记录", "", f"{since} 起 {level} {category}")
                  for since, level, category in plan.level_steps]  # fmt: skip
    plan.changes.append(Change("profile", CHANGED if diffs else UNCHANGED, inst.name, shown))
    if diffs:
        values = dict(wanted)
        for k in ("joined", "left"):
            values[k] = day(values[k])
        since = None
        if (values["level"], values["category"]) != (inst.level, inst.category):
            latest = (profile.get("levels") or [{}])[-1]
            since = day(latest.get("since"))
        plan.profile = (InstitutionData(**values), since)

    # -- staff
    people = _people(session, [(r["id_type"], r["id_number"]) for r in parts["staff"]])
    for row in parts["staff"]:
        if row.get("home_id") not in institutions:
            raise unknown_unit(row.get("home_id"))
        person = people.get((row["id_type"], row["id_number"]))
        data = StaffData(**{k: row[k] for k in STAFF_FIELDS}, home_id=row["home_id"])
        label = _person_label(row)
        if person is None:
            plan.staff_new.append(data)
            plan.changes.append(Change("staff", NEW, label))
            continue
        own = row["home_id"] == member_id or person.home_id == member_id
        diffs = [
            (field_label("staff", k), getattr(person, k), row[k])
            for k in (*STAFF_FIELDS, "home_id")
            if k != "id_number" and not _same(getattr(person, k), row[k])
        ]
        if own and diffs:
            plan.staff_changed.append((person.id, data))
            shown = [
                (lab, names.get(a, a) if lab == "所属机构" else _shown(a),
                 names.get(b, b) if lab == "所属机构" else _shown(b))
                for lab, a, b in diffs
            ]  # fmt: skip
            plan.changes.append(Change("staff", CHANGED, label, shown))
        else:
            plan.changes.append(Change("staff", UNCHANGED, label))

    # -- rotations
    by_person = {(r["id_type"], r["id_number"]): r for r in parts["staff"]}
    stored: dict[tuple, Rotation] = {}
    involved = list(
        session.scalars(
            select(Rotation).where((Rotation.from_id == member_id) | (Rotation.to_id == member_id))
        )
    )
    for r in involved:
        stored.setdefault((r.staff_id, r.from_id, r.to_id, r.start), r)
    from ylt_desktop.store.quarters import locked_quarters

    locked = set(locked_quarters(session))
    for row in parts["rotations"]:
        for side in ("from_id", "to_id"):
            if row.get(side) not in institutions:
                raise unknown_unit(row.get(side))
        if member_id not in (row["from_id"], row["to_id"]):
            raise PackageRefused("数据包中有与本单位无关的人员流动：文件已被改动或损坏")
        person_row = by_person.get(tuple(row["person"]))
        if person_row is None:
            raise PackageRefused("数据包的人员流动提到了包中没有的人员：文件已被改动或损坏")
        person = people.get(tuple(row["person"]))
        start = day(row["start"])
        label = f"{person_row['name']} {names[row['from_id']]}→{names[row['to_id']]} {row['start']}"
        mine = _rotation_values(row)
        rotation = stored.get((person.id, row["from_id"], row["to_id"], start)) if person else None
        now_values = None
        if rotation is not None:
            now_values = _stored_rotation_values(rotation, key_q)
        ckey = _key("rotation", *row["person"], row["from_id"], row["to_id"], row["start"])
        plan.shared[ckey] = mine
        other = row["to_id"] if row["from_id"] == member_id else row["from_id"]
        plan.owners[ckey] = [member_id, other]
        options = _options(ckey, mine, now_values, other == lead_unit, lead_unit, names,
                           reported, own_before)  # fmt: skip
        if options:
            plan.conflicts.append(
                Conflict(
                    ckey,
                    "rotations",
                    label,
                    [Option(member_id, inst.name, mine), *options],
                    now_values,
                    {k: VALUE_LABELS[k] for k in mine},
                )  # fmt: skip
            )
        if now_values is None:
            _refuse_if_locked(locked, start, day(row["end"]), label)
            plan.changes.append(Change("rotations", NEW, label))
            plan.rotations.append((row, None))
        elif now_values != mine:
            if (rotation.form, _iso(rotation.end)) != (mine["form"], mine["end"]):
                _refuse_if_locked(locked, rotation.start, rotation.end, label)
                _refuse_if_locked(locked, start, day(mine["end"]), label)
            diffs = [(VALUE_LABELS[k], _shown(now_values[k]), _shown(mine[k]))
                     for k in mine if now_values.get(k) != mine[k]]  # fmt: skip
            plan.changes.append(Change("rotations", CHANGED, label, diffs))
            plan.rotations.append((row, rotation.id))
        else:
            plan.changes.append(Change("rotations", UNCHANGED, label))
            plan.rotations.append((row, rotation.id))  # kept: a conflict may choose others'

    _plan_removals(session, plan, member_id, quarter, involved, names, lead_unit, reported,
                   locked)  # fmt: skip

    # -- agreement volumes
    numbers = [str(row["number"]) for row in parts["volumes"]]
    agreements = {
        a.number: a
        for i in range(0, len(numbers), 500)
        for a in session.scalars(
            select(Agreement).where(Agreement.number.in_(numbers[i : i + 500]))
        )
    }
    for row in parts["volumes"]:
        a = agreements.get(row["number"])
        parties = [] if a is None else [a.provider_id, *(r.institution_id for r in a.recipients)]
        mine = {m: float(v) for m, v in row["values"].items()}
        if not mine:
            continue  # not entered by the member: not reported (its roster may be older)
        if a is None or member_id not in parties:
            # The lead deleted the agreement (or took this member out of it) after the roster
            # the member has, or the member made it itself: its volumes are refused, never an
            # agreement made up here. Which of them, the lead's audit log tells.
            number = str(row["number"])
            gone = _gone_at_lead(session, number) if a is None else None
            title = str(row.get("title") or (gone[0] if gone else ""))
            label = f"“{number} {title}”" if title else f"“{number}”"
            head = f"数据包中有协议{label}{quarter.label}的服务量，"
            if a is None and gone is None:
                raise PackageRefused(
                    f"{head}该协议不在牵头单位的协议清单中（汇总库中没有这个协议，也没有删除"
                    f"它的记录），可能是“{inst.name}”自行录入的，也可能是汇总库恢复过录入该协议之前的"
                    "备份，不能接收：如该协议确实存在，"
                    f"请牵头单位先在汇总库中录入该协议（协议编号“{number}”，参与方包括"
                    f"“{inst.name}”），再重新接收这个数据包，并把新的名册包发给该单位；"
                    "如不应有该协议，请该单位删除它后重新生成数据包"
                )
            if gone is not None and gone[2]:  # renumbered: the volumes belong under the new one
                raise PackageRefused(
                    f"{head}但汇总库中已没有这个协议（{gone[1]}）：请把最新的名册包发给该单位，"
                    f"由其把这些服务量录入协议“{gone[2]}”，再删除原协议“{number}”中的这些"
                    "服务量后重新生成数据包"
                )
            why = (
                f"汇总库中已没有这个协议（{gone[1]}）"
                if gone is not None
                else f"汇总库中“{inst.name}”已不是该协议的提供方或接收方"
            )
            raise PackageRefused(
                f"{head}但{why}：请把最新的名册包发给该单位，由其删除这些服务量后重新生成"
                "数据包；如该协议不应删除，请牵头单位先恢复该协议"
            )
        now_values = {v.measure: float(v.value) for v in a.volumes if v.quarter == key_q}
        label = f"{a.number} {a.title}"
        ckey = _key("volumes", a.number, key_q)
        plan.shared[ckey] = mine
        plan.owners[ckey] = parties
        options = _options(ckey, mine, now_values, lead_unit in parties, lead_unit, names,
                           reported, own_before)  # fmt: skip
        if options:
            plan.conflicts.append(
                Conflict(ckey, "volumes", label, [Option(member_id, inst.name, mine), *options],
                         now_values or None, {m: m for m in sorted({*mine, *now_values})})
            )  # fmt: skip
        if now_values == mine:
            plan.changes.append(Change("volumes", UNCHANGED, label))
        else:
            diffs = [(m, _shown(now_values.get(m)), _shown(mine.get(m)))
                     for m in sorted({*mine, *now_values}) if now_values.get(m) != mine.get(m)]  # fmt: skip
            plan.changes.append(Change("volumes", CHANGED if now_values else NEW, label, diffs))
        plan.volumes.append((a.id, mine))

    # -- operating figures
    (figures,) = parts["figures"] or [None]
    if figures is not None:
        row = _figures_row(session, member_id, key_q)
        mine = {k: figures.get(k) for k in FIGURE_FIELDS}
        now_values = {k: getattr(row, k) for k in FIGURE_FIELDS} if row is not None else None
        label = f"{inst.name} {quarter.label}"
        if now_values == mine:
            plan.changes.append(Change("figures", UNCHANGED, label))
        else:
            diffs = [(field_label("member_figures", k), _shown((now_values or {}).get(k)),
                      _shown(mine[k])) for k in FIGURE_FIELDS
                     if (now_values or {}).get(k) != mine[k]]  # fmt: skip
            plan.changes.append(Change("figures", CHANGED if now_values else NEW, label, diffs))
            plan.figures = MemberFigures(**mine)
    _plan_deletions(session, plan, pkg, inst, agreements_of_member=_member_agreements(
        session, member_id), lead_unit=lead_unit, reported=reported)  # fmt: skip
    return plan


def _options(
    ckey: str,
    mine: dict[str, Any],
    now_values: dict[str, Any] | None,
    lead_party: bool,
    lead_unit: int | None,
    names: dict[int, str],
    reported: dict[str, list],
    own_before: dict[str, Any],
) -> list[Option]:
    """The other units' values for the record ``ckey`` that differ from this package's
    (``mine``), and the lead unit's own when it is a party (``lead_party``): the lead's values
    now, unless they are the ones this member itself reported last time (applied from it)."""
    options = [Option(mid, names.get(mid, ""), vals)
               for mid, vals in reported.get(ckey, []) if _differs(vals, mine)]  # fmt: skip
    if (
        lead_party
        and now_values
        and now_values != mine
        and _differs(own_before.get(ckey), now_values)
        and not any(o.member_id == lead_unit for o in options)
    ):
        options.append(Option(lead_unit, names[lead_unit], now_values))
    return options


def _level_steps(stored: list[InstitutionLevel], rows: list[dict]) -> list[tuple]:
    """The member's dated level changes after the lead's latest, but for its last one (the
    profile's own change): made one by one before it, so the lead's 等级变更记录 has each."""
    have = {(e.since, e.level, e.category) for e in stored}
    after = max((e.since for e in stored if e.since is not None), default=None)
    entries = [(day(r.get("since")), r["level"], r["category"]) for r in rows]
    return [
        e for e in entries[:-1]
        if e not in have and e[0] is not None and (after is None or e[0] > after)
    ]  # fmt: skip
