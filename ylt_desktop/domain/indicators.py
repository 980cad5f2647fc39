"""The indicators of 表7 (DESIGN.md §5) from the quarters' figures: pure arithmetic.

Every value is ``None`` when a figure it needs is missing ("—" on paper), never 0 %. Ratios
over several quarters (本年累计, 上年同期) divide the summed numerators by the summed
denominators; stock figures (contracts, population) take the period's last quarter; the
growth of 下转 compares the period with the same quarters a year earlier.

Columns of 表7: 本季度 (Q alone), 本年累计 (Q1 … Q of Q's year), 上年同期 (the same quarters a
year earlier), 同比 (本年累计 against 上年同期: percentage points for a percentage, else a
relative change in %), 目标 and 达标 (本年累计 against the target; "—" without a value or
without a numeric target, or before the target's year).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ylt_desktop.domain.figures import (
    CONTRACT_CATEGORIES,
    TCM_CATEGORIES,
    CountyFigures,
    MemberFigures,
    Unit,
    is_grassroots,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.targets import IndicatorSpec

DASH = "—"
MEMBERS_BASIS = "医联体内口径"
UNIT_BASIS = "本单位口径"
NOT_A_UNITS_BASIS = "不适用：由牵头单位填报"
# Indicators of the consortium or the county as a whole: a share of all visits in the county,
# a rate of the county's inpatients, doctors per 10,000 of the county's residents. A member
# unit's own return leaves them "—" (its own numbers would pass for them: 100 % 基层诊疗量占比).
CONSORTIUM_ONLY = frozenset({"primary_share", "county_rate", "posted_doctors"})


@dataclass
class QuarterInputs:
    """What one quarter's indicators rest on (made by the store from the database)."""

    quarter: Quarter
    units: list[Unit]
    figures: dict[int, MemberFigures]  # by unit id; a member without a row is missing
    county: CountyFigures | None = None
    posted_doctor_ids: frozenset[int] = frozenset()  # 派驻 中级及以上 doctors, 下沉, in Q
    promotion_done: int | None = None  # persons with ≥ 365 days of 晋升前基层服务 by Q's end


Inputs = dict[Quarter, QuarterInputs]


@dataclass(frozen=True)
class Measure:
    value: float
    basis: str = ""  # e.g. 医联体内口径 when the county's visits are missing


@dataclass
class IndicatorResult:
    spec: IndicatorSpec
    quarter: Measure | None
    ytd: Measure | None
    last_year: Measure | None
    yoy: float | None
    applies: bool = True  # False before the target's year
    notes: list[str] = field(default_factory=list)
    not_applicable: str = ""  # why a member unit's own return leaves it out (CONSORTIUM_ONLY)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def met(self) -> bool | None:
        target = self.spec.target
        if target is None or not self.applies or self.ytd is None:
            return None
        # Judged on the value printed beside it: 64.96 % is printed "65.0%" and meets "≥65%".
        return target.met(shown_value(self.ytd.value, self.spec.unit))

    @property
    def met_text(self) -> str:
        return DASH if self.met is None else ("是" if self.met else "否")

    @property
    def target_text(self) -> str:
        target = self.spec.target
        return DASH if target is None else target.text(self.spec.unit)

    @property
    def yoy_text(self) -> str:
        if self.yoy is None:
            return DASH
        yoy = round(self.yoy, 1) + 0.0  # no "-0.0%": Excel's format says "+0.0%" then
        if self.spec.unit == "%":
            return f"{yoy:+.1f}个百分点"
        return f"{yoy:+.1f}%"

    @property
    def basis(self) -> str:
        if self.not_applicable:
            return self.not_applicable
        found = {m.basis for m in (self.quarter, self.ytd, self.last_year) if m and m.basis}
        return "、".join(sorted(found))


def _digits(value: float, unit: str) -> str:
    places = 1 if unit == "%" else 0 if unit == "人" else 2
    # A value that rounds to nothing is printed "0.0", never "-0.0" (Excel has no -0).
    return f"{round(value, places) + 0.0:.{places}f}"


def shown_value(value: float, unit: str) -> float:
    """``value`` rounded as it is printed (the same digits as ``fmt``)."""
    return float(_digits(value, unit))


def fmt(measure: Measure | float | None, unit: str) -> str:
    """A value as printed: "65.2%", "1.35", "12"; "—" when missing."""
    if measure is None:
        return DASH
    value = measure.value if isinstance(measure, Measure) else measure
    return _digits(value, unit) + ("%" if unit == "%" else "")


def year_to_date(quarter: Quarter) -> list[Quarter]:
    return [Quarter(quarter.year, q) for q in range(1, quarter.q + 1)]


def year_earlier(quarters: list[Quarter]) -> list[Quarter]:
    return [Quarter(q.year - 1, q.q) for q in quarters]


# --- the parts of each indicator, one quarter at a time ---------------------------------


def _sum(values: list[int | None]) -> int | None:
    return None if any(v is None for v in values) else sum(v for v in values if v is not None)


def _field(qi: QuarterInputs, units: list[Unit], key: str) -> int | None:
    return _sum([getattr(qi.figures.get(u.id) or MemberFigures(), key) for u in units])


def _primary_parts(qi: QuarterInputs) -> tuple[int | None, int | None, str]:
    grass = [u for u in qi.units if is_grassroots(u.category)]
    top = _field(qi, grass, "visits")
    if qi.county is not None and qi.county.county_visits is not None:
        return top, qi.county.county_visits, ""
    return top, _field(qi, qi.units, "visits"), MEMBERS_BASIS


def _is_upper_hospital(unit: Unit) -> bool:
    level = unit.level or ""
    return not is_grassroots(unit.category) and level.startswith(("三级", "二级"))


def down_referrals(qi: QuarterInputs) -> int | None:
    """下转人次 sent by the 三级/二级 hospitals (门诊 + 住院)."""
    upper = [u for u in qi.units if _is_upper_hospital(u)]
    return _sum([(qi.figures.get(u.id) or MemberFigures()).sent_down for u in upper])


def _tcm_parts(qi: QuarterInputs) -> tuple[int | None, int | None]:
    tcm: list[int | None] = []
    entered = False
    for u in qi.units:
        f = qi.figures.get(u.id) or MemberFigures()
        if f.tcm_visits is not None:
            entered = True
            tcm.append(f.tcm_visits)
        elif u.category in TCM_CATEGORIES:
            tcm.append(None)  # required of a TCM hospital
        else:
            tcm.append(0)  # optional elsewhere
    return (_sum(tcm) if entered else None), _field(qi, qi.units, "visits")


# --- over a period (one or more quarters) ---------------------------------------------------


def _get(inputs: Inputs, quarters: list[Quarter]) -> list[QuarterInputs] | None:
    found = [inputs.get(q) for q in quarters]
    return None if not found or any(f is None for f in found) else found  # type: ignore[return-value]


def _ratio(parts: list[tuple[int | None, int | None]], scale: float = 100.0) -> float | None:
    tops = _sum([p[0] for p in parts])
    bottoms = _sum([p[1] for p in parts])
    if tops is None or not bottoms:
        return None
    return tops / bottoms * scale


def _flow(part: Callable[[QuarterInputs], tuple[int | None, int | None]]):  # noqa: ANN202
    def measure(inputs: Inputs, quarters: list[Quarter]) -> Measure | None:
        found = _get(inputs, quarters)
        if found is None:
            return None
        value = _ratio([part(qi) for qi in found])
        return None if value is None else Measure(value)

    return measure


def primary_share(inputs: Inputs, quarters: list[Quarter]) -> Measure | None:
    found = _get(inputs, quarters)
    if found is None:
        return None
    parts = [_primary_parts(qi) for qi in found]
    if any(basis for _t, _b, basis in parts):  # one basis for the whole period
        parts = [
            (t, _field(qi, qi.units, "visits"), MEMBERS_BASIS)
            for (t, _b, _x), qi in zip(parts, found, strict=True)
        ]
    value = _ratio([(t, b) for t, b, _x in parts])
    return None if value is None else Measure(value, parts[0][2])


def _county_parts(qi: QuarterInputs) -> tuple[int | None, int | None]:
    c = qi.county or CountyFigures()
    return c.inpatients_in, _sum([c.inpatients_in, c.inpatients_out])


county_rate = _flow(_county_parts)
tcm_share = _flow(_tcm_parts)


def down_growth(inputs: Inputs, quarters: list[Quarter]) -> Measure | None:
    now, before = _get(inputs, quarters), _get(inputs, year_earlier(quarters))
    if now is None or before is None:
        return None
    a, b = _sum([down_referrals(qi) for qi in now]), _sum([down_referrals(qi) for qi in before])
    if a is None or not b:
        return None
    return Measure((a - b) / b * 100)


def _stock(part: Callable[[QuarterInputs], tuple[int | None, int | None]]):  # noqa: ANN202
    def measure(inputs: Inputs, quarters: list[Quarter]) -> Measure | None:
        last = inputs.get(quarters[-1]) if quarters else None
        if last is None:
            return None
        value = _ratio([part(last)])
        return None if value is None else Measure(value)

    return measure


def _contract_parts(key: str, of: str) -> Callable[[QuarterInputs], tuple]:
    def part(qi: QuarterInputs) -> tuple[int | None, int | None]:
        units = [u for u in qi.units if u.category in CONTRACT_CATEGORIES]
        return _field(qi, units, key), _field(qi, units, of)

    return part


contract_rate = _stock(_contract_parts("contracts", "population"))
key_contract_rate = _stock(_contract_parts("key_contracts", "key_population"))


def posted_doctors(inputs: Inputs, quarters: list[Quarter]) -> Measure | None:
    """Distinct persons over the period ÷ the period's last 常住人口 × 10,000."""
    found = _get(inputs, quarters)
    if found is None:
        return None
    population = (found[-1].county or CountyFigures()).resident_population
    if not population:
        return None
    persons = frozenset().union(*(qi.posted_doctor_ids for qi in found))
    return Measure(len(persons) / population * 10_000)


def promotion_year(inputs: Inputs, quarters: list[Quarter]) -> Measure | None:
    last = inputs.get(quarters[-1]) if quarters else None
    if last is None or last.promotion_done is None:
        return None
    return Measure(float(last.promotion_done))


MEASURES: dict[str, Callable[[Inputs, list[Quarter]], Measure | None]] = {
    "primary_share": primary_share,
    "county_rate": county_rate,
    "down_growth": down_growth,
    "contract_rate": contract_rate,
    "key_contract_rate": key_contract_rate,
    "posted_doctors": posted_doctors,
    "tcm_share": tcm_share,
    "promotion_year": promotion_year,
}


def quarters_needed(quarter: Quarter) -> list[Quarter]:
    """Every quarter whose inputs 表7 of ``quarter`` reads (two years back, for 下转 growth)."""
    ytd = year_to_date(quarter)
    return sorted({*ytd, *year_earlier(ytd), *year_earlier(year_earlier(ytd))})


def yoy(unit: str, now: Measure | None, before: Measure | None) -> float | None:
    if now is None or before is None:
        return None
    if unit == "%":  # in points, between the two values as printed beside it
        return round(shown_value(now.value, unit) - shown_value(before.value, unit), 1)
    if before.value == 0:
        return None
    return (now.value - before.value) / before.value * 100


def compute(specs: list[IndicatorSpec], inputs: Inputs, quarter: Quarter) -> list[IndicatorResult]:
    """Every indicator of 表7 for ``quarter`` (its rows in ``specs`` order)."""
    ytd = year_to_date(quarter)
    results = []
    for spec in specs:
        measure = MEASURES[spec.key]
        now, before = measure(inputs, ytd), measure(inputs, year_earlier(ytd))
        applies = spec.target is None or spec.target.applies_in(quarter.year)
        results.append(
            IndicatorResult(
                spec=spec,
                quarter=measure(inputs, [quarter]),
                ytd=now,
                last_year=before,
                yoy=yoy(spec.unit, now, before),
                applies=applies,
            )
        )
    return results


def own_unit_results(results: list[IndicatorResult]) -> list[IndicatorResult]:
    """Results computed over one member unit's own inputs, as its own return shows them: the
    consortium's and the county's indicators (``CONSORTIUM_ONLY``) without a value and said
    not to apply, the others marked 本单位口径."""
    out = []
    for r in results:
        if r.key in CONSORTIUM_ONLY:
            out.append(
                IndicatorResult(
                    r.spec, None, None, None, None, r.applies, r.notes, NOT_A_UNITS_BASIS
                )
            )
            continue
        mark = [
            None if m is None else Measure(m.value, UNIT_BASIS)
            for m in (r.quarter, r.ytd, r.last_year)
        ]  # fmt: skip
        out.append(IndicatorResult(r.spec, *mark, r.yoy, r.applies, r.notes))
    return out


def series(spec: IndicatorSpec, inputs: Inputs, quarters: list[Quarter]) -> list[float | None]:
    """One value per quarter (each quarter alone): what the overview's charts draw."""
    measure = MEASURES[spec.key]
    values = []
    for q in quarters:
        m = measure(inputs, [q])
        values.append(None if m is None else m.value)
    return values


def last_quarters(quarter: Quarter, count: int = 8) -> list[Quarter]:
    out = [quarter]
    while len(out) < count:
        out.append(out[-1].prev())
    return out[::-1]
