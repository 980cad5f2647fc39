"""表6 运行指标 and 表7 主要监测指标 of the return, and the data of its chart page.

Records keyed by the template's source keys (``templates.SOURCES["figures"]`` …), like the
other tables in ``rows.py``; the charts as plain dicts (they go into a submitted quarter's
snapshot with the rest). A missing figure is an empty cell in 表6; a missing indicator is
"—" in 表7, never 0 %.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.figures import COUNTY_FIELDS, MEMBER_FIELDS
from ylt_desktop.domain.indicators import shown_value
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.indicators import CHART_QUARTERS, QuarterIndicators, quarter_indicators
from ylt_desktop.returns.indicators import result_rows as _result_rows
from ylt_desktop.returns.model import Shown

Record = dict[str, Any]
KEYS = ("figures", "county_figures", "indicators", "charts", "indicator_notes")
COUNTY_LABEL = "县域"


def figure_parts(session: Session, quarter: Quarter, *, own_part: bool = False) -> dict[str, Any]:
    """Every record of 表6 and 表7 and the charts, from one read of the database.
    ``own_part``: a member unit's own return (its row only, no county line, 表7 from its own
    figures: ``quarter_indicators``)."""
    data = quarter_indicators(session, quarter, chart_quarters=CHART_QUARTERS, own_part=own_part)
    return {
        "figures": figure_records(data),
        "county_figures": [] if own_part else county_records(data),
        "indicators": indicator_records(data),
        "charts": chart_records(data),
        "indicator_notes": indicator_notes(data),
    }


def figure_records(data: QuarterIndicators) -> list[Record]:
    records = []
    for n, unit in enumerate(data.units, 1):
        values = data.figures.get(unit.id)
        row: Record = {"seq": n, "name": unit.name, "category": unit.category}
        for f in MEMBER_FIELDS:
            row[f.key] = getattr(values, f.key) if values is not None else None
        records.append(row)
    return records


def county_records(data: QuarterIndicators) -> list[Record]:
    values = data.county.values() if data.county is not None else {}
    return [{"label": COUNTY_LABEL, **{f.key: values.get(f.key) for f in COUNTY_FIELDS}}]


# Excel number formats of 表7 that show what ``domain.indicators.fmt`` and ``yoy_text`` print.
PERCENT = "0.0%"
BY_UNIT = {"人": "0"}
OTHER = "0.00"
POINTS = '+0.0"个百分点";-0.0"个百分点";+0.0"个百分点"'
GROWTH = "+0.0%;-0.0%;+0.0%"


def indicator_records(data: QuarterIndicators) -> list[Record]:
    """表7: the figures as ``Shown`` numbers (text in the PDF, numbers in Excel), "—" where a
    value is missing; the target, 达标 and 口径 as text."""
    records = []
    for n, (r, row) in enumerate(zip(data.results, _result_rows(data.results), strict=True), 1):
        unit = r.spec.unit
        record = {"seq": n, **row}
        for key, measure in (("quarter", r.quarter), ("ytd", r.ytd), ("last_year", r.last_year)):
            if measure is not None:
                record[key] = _measure(measure.value, unit, row[key])
        if r.yoy is not None:
            yoy = round(r.yoy, 1) + 0.0  # never -0.0: the PDF prints "+0.0"
            record["yoy"] = (
                Shown(yoy, POINTS, row["yoy"])
                if unit == "%"
                else Shown(yoy / 100, GROWTH, row["yoy"])
            )
        records.append(record)
    return records


def _measure(value: float, unit: str, text: str) -> Shown:
    value = shown_value(value, unit)  # the digits printed, never -0.0
    if unit == "%":
        return Shown(value / 100, PERCENT, text)
    if unit in BY_UNIT:
        return Shown(value, BY_UNIT[unit], text)
    return Shown(value, OTHER, text)


def chart_records(data: QuarterIndicators) -> list[Record]:
    return [
        {
            "title": c.spec.name,
            "unit": c.spec.unit,
            "labels": c.labels,
            "values": c.values,
            "target": c.target,
            "target_label": c.target_label,
        }
        for c in data.charts
    ]


def indicator_notes(data: QuarterIndicators) -> list[str]:
    """The 填报说明's line on 表7's targets (the formulas are in the template's notes)."""
    parts = []
    for r in data.results:
        target = r.spec.target
        if target is not None:
            where = f"{target.place}，" if target.place else ""
            parts.append(f"{r.spec.name}{target.text(r.spec.unit)}（{where}{target.year}年起）")
    return ["十一、表7 目标：" + "；".join(parts) + "；其余指标无数值目标，不判断达标。"]
