"""The indicators of one quarter (表7), their last quarters for charts, and what is missing.

Reads the database once per call (``store/indicator_inputs.py``) and computes with
``domain/indicators.py``: the overview page, ``ylt indicators``, 表6/表7 of the return and
the pre-export check all use these functions, so they show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from ylt_desktop.domain.figures import CountyFigures, MemberFigures, Unit, missing_fields
from ylt_desktop.domain.indicators import (
    CONSORTIUM_ONLY,
    IndicatorResult,
    Inputs,
    compute,
    fmt,
    last_quarters,
    own_unit_results,
    series,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.targets import IndicatorSpec
from ylt_desktop.store.indicator_inputs import inputs_for_quarter
from ylt_desktop.store.targets import indicator_specs

CHART_QUARTERS = 8


@dataclass
class Chart:
    spec: IndicatorSpec
    labels: list[str]
    values: list[float | None]

    @property
    def target(self) -> float | None:
        return None if self.spec.target is None else self.spec.target.value

    @property
    def target_label(self) -> str:
        t = self.spec.target
        return "" if t is None else f"目标 {t.text(self.spec.unit)}"


@dataclass
class QuarterIndicators:
    quarter: Quarter
    results: list[IndicatorResult]
    charts: list[Chart] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    figures: dict[int, MemberFigures] = field(default_factory=dict)
    county: CountyFigures | None = None
    own_unit: int | None = None  # a member's database (成员库) enters its own figures only

    def missing(self) -> list[tuple[Unit, list[str]]]:
        """Members whose required figures of the quarter are not all entered, with what."""
        out = []
        for unit in self.units:
            if self.own_unit is not None and unit.id != self.own_unit:
                continue
            gaps = missing_fields(unit, self.figures.get(unit.id))
            if gaps:
                out.append((unit, gaps))
        return out

    def county_missing(self) -> list[str]:
        from ylt_desktop.domain.figures import COUNTY_FIELDS

        if self.own_unit is not None:
            return []  # the lead's to enter
        values = self.county.values() if self.county is not None else {}
        return [f.label for f in COUNTY_FIELDS[:4] if values.get(f.key) is None]


def quarter_indicators(
    session: Session, quarter: Quarter, *, chart_quarters: int = 0, own_part: bool = False
) -> QuarterIndicators:
    """``own_part``: in a member's database (成员库), its own unit's part as its own return
    shows it (``domain.indicators.own_unit_results``); in the lead's it changes nothing."""
    specs = indicator_specs(session)
    from ylt_desktop.store.exchange import own_member_id

    own = own_member_id(session)
    unit = own if own_part else None
    inputs = inputs_for_quarter(session, quarter, chart_quarters=chart_quarters, unit=unit)
    out = build(specs, inputs, quarter, chart_quarters=chart_quarters, unit_part=unit is not None)
    out.own_unit = own
    return out


def build(
    specs: list[IndicatorSpec],
    inputs: Inputs,
    quarter: Quarter,
    *,
    chart_quarters: int = 0,
    unit_part: bool = False,
) -> QuarterIndicators:
    """``unit_part``: ``inputs`` are one member unit's own (``quarter_indicators``)."""
    here = inputs.get(quarter)
    results = compute(specs, inputs, quarter)
    out = QuarterIndicators(
        quarter=quarter,
        results=own_unit_results(results) if unit_part else results,
        units=list(here.units) if here else [],
        figures=dict(here.figures) if here else {},
        county=here.county if here else None,
    )
    if chart_quarters:
        quarters = last_quarters(quarter, chart_quarters)
        labels = [f"{str(q.year)[2:]}Q{q.q}" for q in quarters]
        # A member unit's own return draws no chart of the consortium's or county's indicators
        out.charts = [
            Chart(s, labels, series(s, inputs, quarters))
            for s in specs
            if not (unit_part and s.key in CONSORTIUM_ONLY)
        ]
    return out


def result_rows(results: list[IndicatorResult]) -> list[dict[str, str]]:
    """表7 as text: one dict per indicator (what the CLI prints and the return shows)."""
    rows = []
    for r in results:
        unit = r.spec.unit
        rows.append(
            {
                "key": r.key,
                "name": r.spec.name,
                "unit": unit,
                "quarter": fmt(r.quarter, unit),
                "ytd": fmt(r.ytd, unit),
                "last_year": fmt(r.last_year, unit),
                "yoy": r.yoy_text,
                "target": r.target_text,
                "met": r.met_text,
                "basis": r.basis,
            }
        )
    return rows
