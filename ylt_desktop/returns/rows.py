"""Assembling one quarter's return (表1–表5, cover, notes) from the database: pure figures.

Every figure follows DESIGN.md §4 "How each figure is counted". Records become dicts keyed by
the template's source keys (``templates.SOURCES``); the template then picks and orders the
columns. No layout here and no writing: ``xlsx.py`` and ``pdf.py`` do that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.load import QuarterData, load_quarter
from ylt_desktop.returns.model import (
    COVER_LABELS,
    ChartData,
    Cover,
    QuarterReturn,
    Table,
    Value,
)
from ylt_desktop.returns.rows_agreements import (  # noqa: F401 - the return's names, here too
    agreement_records,
    agreement_summary,
    exact_sum,
)
from ylt_desktop.returns.rows_figures import KEYS as figure_keys
from ylt_desktop.returns.rows_figures import figure_parts
from ylt_desktop.returns.rows_rotations import (  # noqa: F401 - the return's names, here too
    capped_days,
    rotation_figures,
    rotation_records,
    rotation_summary,
    summary_groups,
)
from ylt_desktop.returns.templates import SOURCES, TableSpec, Template, load_template
from ylt_desktop.store.models import Institution

Record = dict[str, Any]
TOTAL_LABEL = "合计"
MEMBER_UNIT = "member_unit"  # the cover facts' key of a member unit's own return
# Tables of the consortium or the county as a whole, left out of a member unit's own return
# (the 填报说明 says so: ``member.notes`` of the template).
NOT_A_MEMBERS = frozenset({"county_figures"})


def quarter_rows(
    session: Session,
    quarter: Quarter,
    *,
    cover_fields: dict[str, Any],
    full_ids: bool = False,
    template: Template | None = None,
    data: QuarterData | None = None,
    frozen: dict[str, Any] | None = None,
) -> QuarterReturn:
    """The whole return of ``quarter``; ``cover_fields`` holds the typed cover fields.
    ``data``: the quarter's records when already read (``load.load_quarter``); ``frozen``: a
    submitted quarter's snapshot when already read (``snapshot.load``)."""
    from ylt_desktop.returns import snapshot

    template = template or load_template()
    if frozen is None:
        frozen = snapshot.load(session, quarter)
    if frozen is None:
        records = collect_records(session, quarter, full_ids=full_ids, data=data)
    else:  # a submitted quarter: exactly the figures that were signed
        records = frozen if full_ids else snapshot.masked(frozen)
        if any(key not in records for key in figure_keys):  # submitted before 表6/表7 existed
            records = {**figure_parts(session, quarter), **records}
    unit = records["cover"].get(MEMBER_UNIT)  # a member unit's own return
    tables = [
        make_table(spec, records[spec.key], records.get(f"{spec.key}_total"))
        for spec in template.tables
        if not (unit and spec.key in NOT_A_MEMBERS)
    ]
    notes = list(template.notes)
    id_note = template.id_note_full if full_ids else template.id_note_masked
    if id_note:
        notes.append(id_note)
    notes += records["indicator_notes"]
    if unit:
        notes += [note.format(unit=unit) for note in template.member.notes]
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


def collect_records(
    session: Session, quarter: Quarter, *, full_ids: bool, data: QuarterData | None = None
) -> dict[str, Any]:
    """Every figure of the quarter as records keyed by table, plus the cover's database facts."""
    data = data or load_quarter(session, quarter)
    rotations, agreements = data.rotations, data.agreements
    consortium = data.consortium
    lead = next((i for i in data.every_member if _is_lead(i)), None)
    own = data.own_unit  # a member's database: its own unit, and ``data`` its own part
    summary, summary_total = rotation_summary(rotations, quarter)
    cover = {
        "consortium_name": consortium.name if consortium else "",
        "consortium_kind": consortium.kind if consortium else "",
        "lead_unit": lead.name if lead else "",
        # 填报单位 when the clerk leaves it empty: a member's database files for its own unit
        "filler_unit": own.name if own is not None else (lead.name if lead else ""),
    }
    if own is not None:  # the lead's records (and submitted snapshots) stay as they were
        cover[MEMBER_UNIT] = own.name
    return {
        "cover": cover,
        "members": member_records(data.members),
        "rotations": rotation_records(rotations, full_ids=full_ids),
        "rotation_summary": summary,
        "rotation_summary_total": summary_total,
        "agreements": agreement_records(agreements, data.institutions),
        "agreement_summary": agreement_summary(agreements),
        **figure_parts(session, quarter, own_part=own is not None),
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
    facts = dict(facts)
    unit = facts.pop(MEMBER_UNIT, None)
    report_name = template.report_name
    if unit:  # a member unit's own return, never mistaken for the consortium's
        report_name = template.member.report_name.format(report_name=report_name, unit=unit)
    # A quarter frozen before the facts held 填报单位 files under the lead's name, as then.
    cover = Cover(
        report_name=report_name,
        period=quarter.label,
        **{"filler_unit": facts["lead_unit"], **facts},
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


# --- template → Table ------------------------------------------------------------------


def make_table(spec: TableSpec, records: list[Record], fixed: Record | None = None) -> Table:
    """The template's columns of ``records``, with its 合计 rows: one over every record, or
    one per ``spec.total_rows`` group. ``fixed``: 合计 values worked out with the records
    (表3's distinct persons) instead of summing the column."""
    rows = _rows(spec, records)
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


def _rows(spec: TableSpec, records: list[Record]) -> list[list[Value]]:
    """Each record's values of the template's columns; a key a record lacks is an empty cell
    (表4's volume of a measure not entered, a frozen record of an older layout)."""
    sources = [c.source for c in spec.columns]
    if len(sources) < 2:  # itemgetter of one key gives no tuple
        return [[rec.get(source) for source in sources] for rec in records]
    pick = itemgetter(*sources)
    rows: list[list[Value]] = []
    for rec in records:
        try:
            rows.append(list(pick(rec)))
        except KeyError:
            rows.append([rec.get(source) for source in sources])
    return rows


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
