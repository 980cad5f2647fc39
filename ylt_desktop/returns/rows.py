"""Assembling one quarter's return (表1–表5, cover, notes) from the database: pure figures.

Every figure follows DESIGN.md §4 "How each figure is counted". Records become dicts keyed by
the template's source keys (``templates.SOURCES``); the template then picks and orders the
columns. No layout here and no writing: ``xlsx.py`` and ``pdf.py`` do that.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import measures_for, status_on
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import (
    QuarterFigures,
    calendar_days,
    default_days,
)
from ylt_desktop.domain.staff import is_senior
from ylt_desktop.domain.tiers import LevelHistory, direction_on, purpose
from ylt_desktop.returns import query
from ylt_desktop.returns.model import (
    COVER_LABELS,
    ChartData,
    Cover,
    QuarterReturn,
    Table,
    Value,
)
from ylt_desktop.returns.rows_figures import KEYS as figure_keys
from ylt_desktop.returns.rows_figures import figure_parts
from ylt_desktop.returns.templates import SOURCES, VOLUME_PREFIX, TableSpec, Template, load_template
from ylt_desktop.store.models import Agreement, Institution, Rotation

Record = dict[str, Any]
TOTAL_LABEL = "合计"
_VOLUME_ATTRS = ("outpatient", "procedures", "trainees", "rounds", "lectures")


def quarter_rows(
    session: Session,
    quarter: Quarter,
    *,
    cover_fields: dict[str, Any],
    full_ids: bool = False,
    template: Template | None = None,
) -> QuarterReturn:
    """The whole return of ``quarter``; ``cover_fields`` holds the typed cover fields."""
    from ylt_desktop.returns import snapshot

    template = template or load_template()
    frozen = snapshot.load(session, quarter)
    if frozen is None:
        records = collect_records(session, quarter, full_ids=full_ids)
    else:  # a submitted quarter: exactly the figures that were signed
        records = frozen if full_ids else snapshot.masked(frozen)
        if any(key not in records for key in figure_keys):  # submitted before 表6/表7 existed
            records = {**figure_parts(session, quarter), **records}
    tables = [
        make_table(spec, records[spec.key], records.get(f"{spec.key}_total"))
        for spec in template.tables
    ]
    notes = list(template.notes)
    id_note = template.id_note_full if full_ids else template.id_note_masked
    if id_note:
        notes.append(id_note)
    notes += records["indicator_notes"]
    cover = make_cover(session, quarter, template, cover_fields, facts=records["cover"])
    return QuarterReturn(
        quarter=quarter,
        cover=cover,
        tables=tables,
        notes=notes,
        notes_title=template.notes_sheet,
        cover_sheet_name=template.cover_sheet,
        marks=list(template.marks.items()),
        header_breaks=dict(template.header_breaks),
        charts=[ChartData(**c) for c in records["charts"]],
    )


def collect_records(session: Session, quarter: Quarter, *, full_ids: bool) -> dict[str, Any]:
    """Every figure of the quarter as records keyed by table, plus the cover's database facts."""
    institutions = query.all_institutions(session)
    members = query.members_in_quarter(session, quarter)
    rotations = query.rotations_in_quarter(session, quarter)
    histories = query.level_histories(session)
    kinds = {r.id: kind_of(r, histories) for r in rotations}
    agreements = query.agreements_in_force(session, quarter)
    consortium = query.consortium(session)
    lead = next((i for i in members if _is_lead(i)), None)
    return {
        "cover": {
            "consortium_name": consortium.name if consortium else "",
            "consortium_kind": consortium.kind if consortium else "",
            "lead_unit": lead.name if lead else "",
        },
        "members": member_records(members),
        "rotations": rotation_records(rotations, quarter, kinds, full_ids=full_ids),
        **dict(
            zip(
                ("rotation_summary", "rotation_summary_total"),
                rotation_summary(rotations, quarter, kinds),
                strict=True,
            )
        ),
        "agreements": agreement_records(agreements, quarter, institutions),
        "agreement_summary": agreement_summary(agreements, quarter),
        **figure_parts(session, quarter),
    }


def make_cover(
    session: Session,
    quarter: Quarter,
    template: Template,
    cover_fields: dict[str, Any],
    *,
    facts: dict[str, str],
) -> Cover:
    unknown = set(cover_fields) - set(COVER_LABELS)
    if unknown:
        raise ValueError(f"未知的封面字段：{', '.join(sorted(unknown))}")
    cover = Cover(
        report_name=template.report_name,
        period=quarter.label,
        filler_unit=facts["lead_unit"],
        **facts,
    )
    for key, value in cover_fields.items():
        if value not in (None, ""):
            setattr(cover, key, format_date(value) if isinstance(value, dt.date) else str(value))
    return cover


def format_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _is_lead(inst: Institution) -> bool:
    return inst.role == lists.ROLE_LEAD


# --- 表1 ---------------------------------------------------------------------------


def member_records(members: Iterable[Institution]) -> list[Record]:
    # The template's member keys, less the two made here.
    keys = [k for k in SOURCES["members"] if k not in ("seq", "uscc")]
    return [
        {"seq": n, "uscc": inst.uscc or "", **{k: getattr(inst, k) for k in keys}}
        for n, inst in enumerate(members, 1)
    ]


# --- 表2 ---------------------------------------------------------------------------


def rotation_figures(rotation: Rotation, quarter: Quarter) -> QuarterFigures:
    """Q's own figures of one rotation; full-time forms default to the calendar days."""
    row = next((r for r in rotation.quarters if r.quarter == str(quarter)), None)
    figures = QuarterFigures()
    if row is not None:
        figures = QuarterFigures(row.days, *(getattr(row, a) or 0 for a in _VOLUME_ATTRS))
    if figures.days is None:
        figures.days = default_days(rotation.form, rotation.start, rotation.end, quarter)
    return figures


Kind = tuple[str, str]
"""A rotation's (流动方向, 流动性质)."""


def kind_of(rotation: Rotation, histories: dict[int, LevelHistory]) -> Kind:
    """流动方向 from both units' tiers on the rotation's start date (their 等级变更记录, so a
    later upgrade does not change it), and 流动性质 from that and the form (DESIGN.md §1)."""
    direction = direction_on(histories[rotation.from_id], histories[rotation.to_id], rotation.start)
    return direction, purpose(direction, rotation.form)


def rotation_records(
    rotations: Iterable[Rotation],
    quarter: Quarter,
    kinds: dict[int, Kind],
    *,
    full_ids: bool = False,
) -> list[Record]:
    records = []
    for n, r in enumerate(rotations, 1):
        f = rotation_figures(r, quarter)
        person = r.staff
        records.append(
            {
                "seq": n,
                "staff_name": person.name,
                "sex": person.sex,
                "id_type": person.id_type,
                "id_number": person.id_number if full_ids else mask_id(person.id_number),
                "licence_code": person.licence_code,
                "title": person.title,
                "specialty": person.specialty,
                "home_name": person.home.name,
                "from_name": r.from_inst.name,
                "to_name": r.to_inst.name,
                "direction": kinds[r.id][0],
                "purpose": kinds[r.id][1],
                "form": r.form,
                "start": r.start,
                "end": r.end,
                "calendar_days": calendar_days(r.start, r.end, quarter),
                "days": f.days,
                **{a: getattr(f, a) for a in _VOLUME_ATTRS},
                "note": r.note,
            }
        )
    return records


# --- 表3 ---------------------------------------------------------------------------


POSTED_FORMS = frozenset({"派驻", "晋升前基层服务"})
MID_DOCTOR_TITLES = frozenset({"主治医师", "副主任医师", "主任医师"})
SENIOR_SPLIT = (("down_senior_doctors", "医师"), ("down_senior_nurses", "护师"),
                ("down_senior_techs", "技师"))  # fmt: skip
PERSON_KEYS = ("down_persons", "down_posted", "down_mid_doctors", "down_senior",
               *(k for k, _ in SENIOR_SPLIT), "up_persons")  # fmt: skip
"""The 表3 columns that count persons: their 合计 counts each person once (DESIGN.md §4)."""


def _persons(went: list[Rotation]) -> dict[str, set[int]]:
    """The persons behind each person column of 表3, for some 下沉 rotations."""
    titles = {r.staff_id: r.staff.title or "" for r in went}
    posted = {r.staff_id for r in went if r.form in POSTED_FORMS}
    senior = {s for s, t in titles.items() if is_senior(t)}
    found = {
        "down_persons": set(titles),
        "down_posted": posted,
        "down_mid_doctors": {s for s in posted if titles[s] in MID_DOCTOR_TITLES},
        "down_senior": senior,
    }
    for key, ending in SENIOR_SPLIT:
        found[key] = {s for s in senior if titles[s].endswith(ending)}
    return found


def capped_days(went: list[Rotation], quarter: Quarter) -> tuple[int, dict[int, int]]:
    """下沉总天数 at one unit: each person's days there summed, capped at the quarter's calendar
    days; and the raw sums above the cap, by person (the pre-export check warns of them)."""
    raw: dict[int, int] = defaultdict(int)
    for r in went:
        raw[r.staff_id] += rotation_figures(r, quarter).days or 0
    cap = quarter.days
    return sum(min(d, cap) for d in raw.values()), {s: d for s, d in raw.items() if d > cap}


def summary_groups(
    rotations: Iterable[Rotation], kinds: dict[int, Kind]
) -> tuple[dict[int, list[Rotation]], dict[int, list[Rotation]], dict[int, Institution]]:
    """The 下沉 rotations by receiving unit, the 上派进修 rotations by sending unit, the units."""
    units: dict[int, Institution] = {}
    down: dict[int, list[Rotation]] = defaultdict(list)
    up: dict[int, list[Rotation]] = defaultdict(list)
    for r in rotations:
        kind = kinds[r.id][1]
        if kind == lists.PURPOSE_DOWN:
            down[r.to_id].append(r)
            units[r.to_id] = r.to_inst
        elif kind == lists.PURPOSE_TRAINING:
            up[r.from_id].append(r)
            units[r.from_id] = r.from_inst
    return down, up, units


def rotation_summary(
    rotations: Iterable[Rotation], quarter: Quarter, kinds: dict[int, Kind]
) -> tuple[list[Record], Record]:
    """表3: per receiving unit over 下沉, then per sending unit over 上派进修 (one row per unit);
    and its 合计, where the person columns count distinct persons over the whole consortium."""
    down, up, units = summary_groups(rotations, kinds)
    order = sorted(units.values(), key=lambda i: (not _is_lead(i), i.id))
    records = []
    everyone: dict[str, set[int]] = defaultdict(set)
    total: Record = defaultdict(int)
    for n, inst in enumerate(order, 1):
        went = down.get(inst.id, [])
        sent = up.get(inst.id, [])
        persons = _persons(went)
        persons["up_persons"] = {r.staff_id for r in sent}
        record: Record = {"seq": n, "name": inst.name}
        for key, found in persons.items():
            record[key] = len(found)
            everyone[key] |= found
        record["down_days"] = capped_days(went, quarter)[0]
        figures = [rotation_figures(r, quarter) for r in went]
        for attr in _VOLUME_ATTRS:
            record[f"down_{attr}"] = sum(getattr(f, attr) for f in figures)
        record["up_days"] = sum(rotation_figures(r, quarter).days or 0 for r in sent)
        for key, value in record.items():
            if key not in ("seq", "name") and key not in persons:
                total[key] += value
        records.append(record)
    total.update({key: len(everyone[key]) for key in PERSON_KEYS})
    return records, dict(total)


# --- 表4 ---------------------------------------------------------------------------


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def exact_sum(values: Iterable[int | float | None]) -> int | float:
    """The sum a clerk gets on paper: each value taken as the decimal it shows (``None`` is 0).

    Binary floats would print 1.1 + 2.2 as 3.3000000000000003 on the signed return.
    """
    values = list(values)
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        return sum(v or 0 for v in values)  # refused as input (domain rules); never raises
    total = sum(
        (Decimal(repr(v)) if isinstance(v, float) else Decimal(v or 0) for v in values),
        Decimal(0),
    )
    return int(total) if total == total.to_integral_value() else float(total)


def agreement_measures(agreement: Agreement) -> tuple[str, ...]:
    return measures_for(agreement.kind, agreement.other_measure)


def volumes_text(agreement: Agreement, quarter: Quarter) -> str:
    """``指标：数量；…`` in the kind's measure order; measures not entered are left out."""
    volumes = query.quarter_volumes(agreement, quarter)
    order = list(agreement_measures(agreement))
    order += sorted(m for m in volumes if m not in order)
    return "；".join(f"{m}：{_number(volumes[m]):.15g}" for m in order if m in volumes)


def share_text(agreement: Agreement, names: dict[int, Institution]) -> str:
    parts = []
    if agreement.provider_share is not None:
        parts.append(f"提供方{agreement.provider_share:.15g}%")
    for rec in agreement.recipients:
        if rec.share is not None:
            parts.append(f"{names[rec.institution_id].name}{rec.share:.15g}%")
    return "；".join(parts)


def agreement_records(
    agreements: Iterable[Agreement], quarter: Quarter, institutions: dict[int, Institution]
) -> list[Record]:
    records = []
    for n, a in enumerate(agreements, 1):
        volumes = query.quarter_volumes(a, quarter)
        status = status_on(
            quarter.last_day,
            effective_from=a.effective_from,
            effective_to=a.effective_to,
            terminated_on=a.terminated_on,
        )
        record: Record = {
            "seq": n,
            "number": a.number,
            "title": a.title,
            "kind": a.kind
            if a.kind != "其他" or not a.other_measure
            else f"其他（{a.other_measure}）",
            "provider": a.provider.name,
            "recipients": "、".join(institutions[r.institution_id].name for r in a.recipients),
            "signed": a.signed,
            "effective_from": a.effective_from,
            "effective_to": a.effective_to,
            "status": status,
            # 实际终止日期: only for an agreement terminated by the quarter's end
            "terminated_on": a.terminated_on if status == "终止" else None,
            "share": share_text(a, institutions),
            "volumes_text": volumes_text(a, quarter),
        }
        record.update({VOLUME_PREFIX + m: _number(v) for m, v in volumes.items()})
        records.append(record)
    return records


# --- 表5 ---------------------------------------------------------------------------


def agreement_summary(agreements: Iterable[Agreement], quarter: Quarter) -> list[Record]:
    """One row per (共享类型, 指标), every kind listed; the count stands on a kind's first row."""
    by_kind: dict[str, list[Agreement]] = defaultdict(list)
    for a in agreements:
        by_kind[a.kind].append(a)
    records: list[Record] = []
    for n, kind in enumerate(lists.AGREEMENT_KINDS, 1):
        group = by_kind.get(kind, [])
        measures = list(lists.AGREEMENT_MEASURES[kind])
        if not measures:
            measures = sorted({m for a in group for m in agreement_measures(a)}) or [""]
        for i, measure in enumerate(measures):
            total = exact_sum(query.quarter_volumes(a, quarter).get(measure, 0) for a in group)
            records.append(
                {
                    "seq": n if i == 0 else None,
                    "kind": kind,
                    "count": len(group) if i == 0 else None,
                    "measure": measure,
                    "value": _number(total) if measure else None,
                }
            )
    return records


# --- template → Table ------------------------------------------------------------------


def make_table(spec: TableSpec, records: list[Record], fixed: Record | None = None) -> Table:
    """The template's columns of ``records``, with its 合计 rows: one over every record, or
    one per ``spec.total_rows`` group. ``fixed``: 合计 values worked out with the records
    (表3's distinct persons) instead of summing the column."""
    rows: list[list[Value]] = [[rec.get(c.source) for c in spec.columns] for rec in records]
    totals = []
    if spec.total:
        label_at = next((i for i, summed in enumerate(spec.totals) if not summed), 0)
        groups = spec.total_rows or (None,)
        for group in groups:
            if group is None:
                chosen = rows
            else:
                chosen = [
                    row for row, rec in zip(rows, records, strict=True)
                    if rec.get(group.source) == group.value
                ]  # fmt: skip
            total = _total(spec, chosen, fixed if group is None else None)
            total[label_at] = TOTAL_LABEL if group is None else group.label
            totals.append(total)
    return Table(spec.key, spec.title, spec.sheet, list(spec.columns), rows, totals, unit=spec.unit)


def _total(spec: TableSpec, rows: list[list[Value]], fixed: Record | None) -> list[Value]:
    """Each summed column's sum (empty when every row leaves it empty: a frozen quarter of an
    older layout lacks the column), or its ``fixed`` value."""
    total: list[Value] = [None] * len(spec.columns)
    for i, summed in enumerate(spec.totals):
        if not summed:
            continue
        source = spec.columns[i].source
        if fixed is not None and source in fixed:
            total[i] = fixed[source]
        elif not rows or any(row[i] is not None for row in rows):
            total[i] = exact_sum(row[i] for row in rows)
    return total
