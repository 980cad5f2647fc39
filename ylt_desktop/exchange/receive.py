"""The lead opens members' data packages: a preview per package, then all or nothing.

``preview_packages(db, paths, passphrase=…)`` reads every file and says per package what it
would change (new / changed / deleted / unchanged per kind) and where two units disagree
(conflicts), or why it is refused; it writes the packages as the apply would, in a
transaction it rolls back, so the store's rules refuse a package here already. ``apply_packages(db, previews, choices=…)`` writes every usable package
in one transaction after a backup, through the store commands (their rules and locks hold),
and logs each as accepted (``PackageEvent``); nothing is written when anything is refused.

Refused, nothing changed: another consortium's package, a damaged, truncated or altered file,
a wrong passphrase, a package older than the newest one accepted from that member (any
quarter), a newer one for a quarter already accepted (the lead returns the quarter first), a
quarter the lead has submitted. The same package twice is a duplicate: nothing to do.

Conflicts: a rotation is reported by both its units, an agreement's volumes by its provider
and its recipients; the lead unit's own data are those it typed into this database. When the
values another unit reported (or the lead unit's own) differ from the package's, the caller
gets both (``Conflict.options``) and chooses (``choices={conflict.key: member_id}``); apply
refuses while a conflict is unchosen. The choice is logged in the package's accept entry
(``PackageEvent.summary``, audited like every row).

Deletions: what the member reported in its last accepted package and no longer does (a
rotation, the quarter's volumes or figures; its own persons, against its newest accepted
package) is deleted here, unless another unit still reports it (kept, and said so).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation, error
from ylt_desktop.domain.roles import Permission
from ylt_desktop.domain.rotation import VOLUME_LABELS, QuarterFigures, RotationData
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.exchange.content import (
    DATA,
    FIGURE_FIELDS,
    INSTITUTION_FIELDS,
    PART_LABELS,
    STAFF_FIELDS,
    VOLUMES,
    day,
    institution_row,
    quarter_row,
)
from ylt_desktop.exchange.package import Package, read_package
from ylt_desktop.exchange.sealed import BAD_CONTENT, Keys, PackageRefused
from ylt_desktop.store import exchange as store
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    Institution,
    InstitutionLevel,
    MemberQuarterFigures,
    PackageEvent,
    Rotation,
    Staff,
)

NEW, CHANGED, REMOVED, UNCHANGED = "新增", "修改", "删除", "不变"
ACTIONS = (NEW, CHANGED, REMOVED, UNCHANGED)
KINDS = ("profile", "staff", "rotations", "volumes", "figures")
# Profile fields a member may not change: membership is the lead's.
LEAD_OWNED = ("role", "joined", "left")
ROTATION_VALUES = ("form", "end", "note", "days", *VOLUMES)
VALUE_LABELS = {"form": "流动形式", "end": "结束日期", "note": "备注", "days": "工作天数",
                **VOLUME_LABELS}  # fmt: skip


@dataclass
class Change:
    kind: str  # a part of DATA_PARTS
    action: str  # NEW / CHANGED / REMOVED / UNCHANGED
    label: str  # what record, in words, identity numbers masked
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)


@dataclass
class Option:
    member_id: int
    member: str
    values: dict[str, Any]


@dataclass
class Conflict:
    """Two units disagree about one record; the caller chooses whose values stand."""

    key: str  # stable across preview and apply; pass it in ``choices``
    kind: str  # "rotations" or "volumes"
    label: str
    options: list[Option]  # this package's first, then the other units'
    current: dict[str, Any] | None  # the lead's values now (None: not yet in this database)
    labels: dict[str, str] = field(default_factory=dict)  # value key → Chinese label


@dataclass
class PackagePreview:
    path: Path
    file_name: str
    refusal: str | None = None  # why it cannot be applied (Chinese)
    duplicate: bool = False  # accepted before: nothing to do
    member_id: int | None = None
    member: str = ""
    quarter: Quarter | None = None
    created_at: dt.datetime | None = None
    made_by: str = ""
    package_id: str = ""
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    package: Package | None = field(default=None, repr=False)

    @property
    def usable(self) -> bool:
        return self.refusal is None and not self.duplicate

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind: how many records are new, changed, unchanged."""
        return _count(self.changes)

    def summary_lines(self) -> list[str]:
        lines = []
        for kind, n in self.counts().items():
            removed = f"，删除 {n[REMOVED]}" if n[REMOVED] else ""
            lines.append(
                f"{PART_LABELS[kind]}：新增 {n[NEW]}，修改 {n[CHANGED]}{removed}，不变 {n[UNCHANGED]}"
            )
        if self.conflicts:
            lines.append(f"冲突 {len(self.conflicts)} 处（须选择采用哪一方的数据）")
        return lines


@dataclass
class ApplyResult:
    applied: list[PackagePreview]
    skipped: list[PackagePreview]  # duplicates: accepted before
    backup: Path | None


# ---------------------------------------------------------------- planning


@dataclass
class _Plan:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    profile: tuple[InstitutionData, dt.date | None] | None = None
    level_steps: list[tuple[dt.date, str, str]] = field(default_factory=list)  # before it
    staff_new: list[StaffData] = field(default_factory=list)
    staff_changed: list[tuple[int, StaffData]] = field(default_factory=list)
    rotations: list[tuple[dict, int | None]] = field(default_factory=list)  # row, lead id
    removed: list[int] = field(default_factory=list)  # rotations the member no longer reports
    staff_removed: list[int] = field(default_factory=list)  # its persons it no longer reports
    volumes_removed: list[int] = field(default_factory=list)  # agreements: the quarter's volumes
    figures_removed: bool = False  # its figures for the quarter, reported before, now none
    persons: list[str] = field(default_factory=list)  # keys of its own persons in the package
    volumes: list[tuple[int, dict[str, float]]] = field(default_factory=list)
    figures: MemberFigures | None = None
    shared: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → reported values
    owners: dict[str, list[int]] = field(default_factory=dict)  # key → units of the record


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    return str(value)


def _same(a: Any, b: Any) -> bool:
    """Equal, an empty text and a missing value counting alike (never 0 and empty)."""
    return a == b or (a in (None, "") and b in (None, ""))


def _key(*parts: Any) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:20]


def _person_label(row: dict) -> str:
    return f"{row['name']}（{mask_id(str(row['id_number']))}）"


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
        options = [Option(mid, names.get(mid, ""), vals)
                   for mid, vals in reported.get(ckey, []) if _differs(vals, mine)]  # fmt: skip
        if (
            other == lead_unit
            and now_values is not None
            and now_values != mine
            and _differs(own_before.get(ckey), now_values)
            and not any(o.member_id == lead_unit for o in options)
        ):
            options.append(Option(lead_unit, names[lead_unit], now_values))
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
        if a is None:
            raise PackageRefused(
                f"数据包中的协议“{row['number']}”在汇总库中不存在：请先发送最新的名册包"
            )
        parties = [a.provider_id, *(r.institution_id for r in a.recipients)]
        if member_id not in parties:
            raise PackageRefused(
                f"“{inst.name}”不是协议“{a.number}”的提供方或接收方：文件已被改动或损坏"
            )
        mine = {m: float(v) for m, v in row["values"].items()}
        if not mine:
            continue  # not entered by the member: not reported
        now_values = {v.measure: float(v.value) for v in a.volumes if v.quarter == key_q}
        label = f"{a.number} {a.title}"
        ckey = _key("volumes", a.number, key_q)
        plan.shared[ckey] = mine
        plan.owners[ckey] = parties
        options = [Option(mid, names.get(mid, ""), vals)
                   for mid, vals in reported.get(ckey, []) if _differs(vals, mine)]  # fmt: skip
        if (
            lead_unit in parties
            and now_values
            and now_values != mine
            and _differs(own_before.get(ckey), now_values)
            and not any(o.member_id == lead_unit for o in options)
        ):
            options.append(Option(lead_unit, names[lead_unit], now_values))
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
        row = session.scalars(
            select(MemberQuarterFigures).where(
                MemberQuarterFigures.institution_id == member_id,
                MemberQuarterFigures.quarter == key_q,
            )
        ).first()
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


def _member_agreements(session: Session, member_id: int) -> list[Agreement]:
    from ylt_desktop.exchange.content import agreements_of

    return agreements_of(session, member_id)


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
        row = session.scalars(
            select(MemberQuarterFigures).where(
                MemberQuarterFigures.institution_id == member_id,
                MemberQuarterFigures.quarter == key_q,
            )
        ).first()
        if row is not None:
            plan.changes.append(Change("figures", REMOVED, f"{inst.name} {pkg.quarter.label}"))
            plan.figures_removed = True


def _rotation_values(row: dict) -> dict[str, Any]:
    """A packaged rotation's values for the quarter (what two units may disagree on)."""
    return {"form": row["form"], "end": row["end"], "note": row.get("note") or "",
            **row["quarter"]}  # fmt: skip


def _stored_rotation_values(rotation: Rotation, key_q: str) -> dict[str, Any]:
    q = next((x for x in rotation.quarters if x.quarter == key_q), None)
    return {"form": rotation.form, "end": _iso(rotation.end), "note": rotation.note or "",
            **quarter_row(q)}  # fmt: skip


def _differs(before: dict | None, values: dict) -> bool:
    """``before`` (a unit's reported values, possibly from a package made before a value was
    carried) is not the same as ``values``; a key ``before`` lacks is not a difference."""
    if before is None:
        return True
    return any(k in before and not _same(before[k], v) for k, v in values.items()) or any(
        k not in values for k in before
    )


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


def _count(changes: list[Change]) -> dict[str, dict[str, int]]:
    found = {k: dict.fromkeys(ACTIONS, 0) for k in KINDS}
    for c in changes:
        found[c.kind][c.action] += 1
    return found


def _people(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Staff]:
    """The stored persons of ``keys`` (证件类型, 证件号码), read by number in chunks."""
    numbers = sorted({str(number) for _t, number in keys})
    found: dict[tuple[str, str], Staff] = {}
    for i in range(0, len(numbers), 500):
        stmt = select(Staff).where(Staff.id_number.in_(numbers[i : i + 500]))
        found.update(((p.id_type, p.id_number), p) for p in session.scalars(stmt))
    return found


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# ---------------------------------------------------------------- preview


def _receiving(session: Session) -> str:
    """The lead's exchange id; refuses a member's database and a lead without a passphrase."""
    from ylt_desktop.store.institutions import get_consortium

    c = get_consortium(session)
    if c is None:
        raise PackageRefused("尚未创建医联体：请先完成首次使用设置")
    if c.db_kind == store.MEMBER:
        raise PackageRefused(
            "本数据库是成员库：成员单位的数据包只能由牵头单位的汇总库打开（成员库可以打开名册包）"
        )
    if not c.exchange_id:
        raise PackageRefused(
            "尚未设置数据交换口令：请由管理员先设置（命令行 ylt package passphrase）"
        )
    return c.exchange_id


def preview_packages(
    db: Any, paths: list[str | Path], *, passphrase: str, today: dt.date | None = None
) -> list[PackagePreview]:
    """Read and check each file and plan it against the lead's database; nothing is written.

    A wrong passphrase (it does not match the one set in this database) refuses the whole
    opening; a file's own problems refuse that file only (``PackagePreview.refusal``).

    Each usable package is then written as ``apply_packages`` writes it (the same planning,
    the same store commands and rules, oldest first, each conflict taking the package's own
    values), inside one transaction that is rolled back: a package that a store rule would
    refuse at 应用 is refused here already, naming the file, the record and the rule."""
    with db.session() as session:
        exchange_id = _receiving(session)
        from ylt_desktop.store.users import require

        require(session, Permission.RECEIVE_PACKAGE)
        if store.passphrase_matches(session, passphrase) is False:
            raise PackageRefused("交换口令不正确，请重新输入（与本汇总库设置的交换口令不符）")
        keys = Keys(passphrase)
        previews: list[PackagePreview] = []
        for path in paths:
            preview = PackagePreview(Path(path), Path(path).name)
            try:
                pkg = read_package(path, keys, kind=DATA, exchange_id=exchange_id)
            except PackageRefused as exc:
                preview.refusal = str(exc)
            else:
                _describe(preview, pkg)
            previews.append(preview)
        newest: dict[tuple[int, str], Package] = {}
        for p in previews:
            if p.package is not None:
                k = (p.member_id, str(p.quarter))
                if k not in newest or newest[k].created_at < p.package.created_at:
                    newest[k] = p.package
        readable = sorted(
            (p for p in previews if p.package is not None), key=lambda p: p.package.created_at
        )
        from ylt_desktop.store.tx import rolled_back

        with rolled_back(session):
            actor = require(session, Permission.RECEIVE_PACKAGE)
            for p in readable:
                _try_package(session, p, newest, actor.name, today or dt.date.today())
    return previews


def _try_package(session: Session, p: PackagePreview, batch: dict, by: str, today: dt.date) -> None:
    """Plan ``p`` and write it inside a savepoint that is always rolled back to (the outer
    transaction is rolled back too): fills ``p.changes``/``p.conflicts`` or ``p.refusal``.
    A package that passes stays written for the packages after it, as at 应用."""
    if store.accepted_package(session, p.package_id) is not None:
        p.duplicate = True
        return
    p.refusal = _refuse_early(session, p.package, batch)
    if p.refusal:
        return
    savepoint = session.begin_nested()
    try:
        plan = plan_package(session, p.package)
        p.changes, p.conflicts = plan.changes, plan.conflicts
        own = {c.key: c.options[0].member_id for c in plan.conflicts}
        _write(session, p, plan, own, by, today)
        session.flush()
    except PackageRefused as exc:
        p.refusal = str(exc)
    except RuleViolation as exc:
        p.refusal = "；".join(x.message for x in exc.problems if x.is_error) or str(exc)
    except (KeyError, TypeError, ValueError, AttributeError):
        p.refusal = BAD_CONTENT
    if p.refusal:
        savepoint.rollback()
    else:
        savepoint.commit()  # released into the outer transaction, which is rolled back


def _describe(preview: PackagePreview, pkg: Package) -> None:
    preview.package = pkg
    preview.member_id, preview.member = pkg.member_id, pkg.member
    preview.quarter, preview.created_at = pkg.quarter, pkg.created_at
    preview.made_by, preview.package_id = pkg.made_by, pkg.package_id


# ---------------------------------------------------------------- apply


def unresolved(previews: list[PackagePreview], choices: dict[str, int] | None) -> list[Conflict]:
    choices = choices or {}
    return [c for p in previews if p.usable for c in p.conflicts if c.key not in choices]


def apply_packages(
    db: Any,
    previews: list[PackagePreview],
    *,
    choices: dict[str, int] | None = None,
    today: dt.date | None = None,
) -> ApplyResult:
    """Write every usable package of ``previews`` in one transaction, after a backup.

    Refused (nothing written): any preview refused (``PackageRefused`` naming the files), a
    conflict without a choice, the store's rules (``RuleViolation``). ``choices``: conflict
    key → the member id whose values stand."""
    from ylt_desktop.store.backup import backup_before
    from ylt_desktop.store.tx import all_or_nothing
    from ylt_desktop.store.users import require

    choices = dict(choices or {})
    refused = [p for p in previews if p.refusal]
    if refused:
        raise PackageRefused(
            "；".join(f"{p.file_name}：{p.refusal}" for p in refused) + "。未接收任何数据包"
        )
    usable = sorted((p for p in previews if p.usable), key=lambda p: p.created_at)
    skipped = [p for p in previews if p.duplicate]
    if not usable:
        return ApplyResult([], skipped, None)
    with db.session() as session:
        require(session, Permission.RECEIVE_PACKAGE)
    open_ = unresolved(usable, choices)
    if open_:
        raise RuleViolation([_unchosen(open_)])
    backup = backup_before(db, "package")
    with db.session() as session, all_or_nothing(session):
        actor = require(session, Permission.RECEIVE_PACKAGE)
        batch = {(p.member_id, str(p.quarter)): p.package for p in usable}
        for p in usable:
            why = _refuse_early(session, p.package, batch)
            if store.accepted_package(session, p.package_id) is not None:
                why = "该数据包已接收过"
            if why:
                raise PackageRefused(f"{p.file_name}：{why}。未接收任何数据包")
            try:
                plan = plan_package(session, p.package)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise PackageRefused(f"{p.file_name}：{BAD_CONTENT}。未接收任何数据包") from None
            missing = [c for c in plan.conflicts if c.key not in choices]
            if missing:
                raise RuleViolation([_unchosen(missing)])
            _write(session, p, plan, choices, actor.name, today or dt.date.today())
            session.flush()
    return ApplyResult(usable, skipped, backup)


def _unchosen(conflicts: list[Conflict]):  # noqa: ANN202
    shown = "；".join(c.label for c in conflicts[:5])
    more = f" 等 {len(conflicts)} 处" if len(conflicts) > 5 else ""
    return error("choices", f"有数据冲突尚未选择采用哪一方的数据：{shown}{more}")


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
