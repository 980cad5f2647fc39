"""Indicator definitions and their targets as data (``resources/templates/targets.json``).

A target carries its value, its comparison (≥, ≤, 左右), the year it applies from, the place
and its source text (DESIGN.md §5). ``parse_indicators`` validates a whole file and reports
every mistake at once; ``validate_target`` checks one target an 管理员 types.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ylt_desktop.domain.problems import Problem, error

COMPARISONS: tuple[str, ...] = ("≥", "≤", "左右")
UNITS: tuple[str, ...] = ("%", "人/万人", "人")
KEYS: tuple[str, ...] = (
    "primary_share",
    "county_rate",
    "down_growth",
    "contract_rate",
    "key_contract_rate",
    "posted_doctors",
    "tcm_share",
    "promotion_year",
)
DEFAULT_TOLERANCE = 2.0  # “65%左右” is met within ±2 (percentage points, or the unit)


class TargetsError(ValueError):
    """The targets file is unreadable or breaks the rules; the message lists every problem."""


@dataclass(frozen=True)
class Target:
    value: float
    comparison: str = "≥"
    year: int = 2017
    place: str = ""
    source: str = ""
    tolerance: float = DEFAULT_TOLERANCE

    def text(self, unit: str) -> str:
        shown = f"{self.value:g}{'%' if unit == '%' else ''}"
        return f"{shown}左右" if self.comparison == "左右" else f"{self.comparison}{shown}"

    def applies_in(self, year: int) -> bool:
        return year >= self.year

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` meets the target; None when there is no value."""
        if value is None:
            return None
        if self.comparison == "≥":
            return value >= self.value - 1e-9
        if self.comparison == "≤":
            return value <= self.value + 1e-9
        return abs(value - self.value) <= self.tolerance + 1e-9

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    name: str
    unit: str
    definition: str
    target: Target | None
    note: str = ""


COUNT_MAX = 100_000  # a count (人, 人/万人) target: any non-negative number up to this


GROWTH_KEYS: tuple[str, ...] = ("down_growth",)
"""Indicators in % that are a growth, not a share: 下转人次翻一番 is a target of 100%, more is
possible; such a target lies in 0–100000 like a count."""


def value_range(unit: str | None, key: str | None = None) -> tuple[float, float]:
    """The range a target of ``unit`` lies in: a share (%) 0–100, a count or a growth (``key``
    in ``GROWTH_KEYS``) 0–100000."""
    if unit == "%" and key not in GROWTH_KEYS:
        return (0.0, 100.0)
    return (0.0, float(COUNT_MAX))


def validate_target(
    raw: Any,
    *,
    where: str = "目标",
    name: str | None = None,
    unit: str | None = None,
    key: str | None = None,
) -> list[Problem]:
    """Problems of one target as typed or read (a dict): value, comparison, year, place.

    ``name``: the indicator's, named in every message (「基层诊疗量占比」的目标值…); ``unit``:
    its unit, which sets the value's range (``value_range``: a % target lies in 0–100), and
    ``key`` the indicator's (a growth in % may exceed 100).
    """
    if name is not None:
        where = f"「{name}」"
    if not isinstance(raw, dict):
        return [error("target", f"{where}须为对象（value、comparison、year、place、source）")]
    problems = []
    value = raw.get("value")
    low, high = value_range(unit, key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        problems.append(error("value", f"{where}的目标值须为数字（现为“{value}”）"))
    elif not low <= value <= high:
        pct = "%" if unit == "%" else ""
        shown, span = f"{value:g}{pct}", f"0{pct} 至 {high:g}{pct}"
        problems.append(error("value", f"{where}的目标值须在 {span} 之间（现为 {shown}）"))
    if raw.get("comparison", "≥") not in COMPARISONS:
        problems.append(
            error(
                "comparison",
                f"{where}的比较方式须为 {'、'.join(COMPARISONS)} 之一（现为“{raw.get('comparison')}”）",
            )
        )
    year = raw.get("year", 2017)
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        problems.append(error("year", f"{where}的起始年份须为 1990 至 2100 之间的整数"))
    for key, label, limit in (("place", "地区", 40), ("source", "来源", 500)):
        text = raw.get(key, "")
        if not isinstance(text, str) or len(text) > limit:
            problems.append(error(key, f"{where}的{label}须为不超过 {limit} 字的文字"))
    tol = raw.get("tolerance", DEFAULT_TOLERANCE)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 <= tol <= 100:
        problems.append(error("tolerance", f"{where}的“左右”容差须为 0 至 100 之间的数"))
    return problems


def make_target(raw: dict[str, Any]) -> Target:
    return Target(
        value=float(raw["value"]),
        comparison=str(raw.get("comparison", "≥")),
        year=int(raw.get("year", 2017)),
        place=str(raw.get("place", "")),
        source=str(raw.get("source", "")),
        tolerance=float(raw.get("tolerance", DEFAULT_TOLERANCE)),
    )


def parse_indicators(raw: Any, *, origin: str = "指标模板") -> list[IndicatorSpec]:
    if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list):
        raise TargetsError(f"{origin} 须为对象，含 indicators 列表")
    problems: list[str] = []
    specs: list[IndicatorSpec] = []
    for i, item in enumerate(raw["indicators"]):
        where = f"indicators[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}：须为对象")
            continue
        key = item.get("key")
        if key not in KEYS:
            problems.append(f"{where}.key：“{key}”不是已知的指标（应为 {', '.join(KEYS)} 之一）")
            continue
        name, unit = item.get("name"), item.get("unit")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}.name：须为非空文字")
        if unit not in UNITS:
            problems.append(f"{where}.unit：须为 {'、'.join(UNITS)} 之一")
        raw_target = item.get("target")
        target = None
        if raw_target is not None:
            found = validate_target(
                raw_target, where=f"{where}.target", unit=unit if unit in UNITS else None, key=key
            )
            problems += [p.message for p in found]
            if not found:
                target = make_target(raw_target)
        specs.append(
            IndicatorSpec(
                key=key,
                name=str(name or "").strip(),
                unit=str(unit),
                definition=str(item.get("definition", "")),
                target=target,
                note=str(item.get("note", "")),
            )
        )
    keys = [s.key for s in specs]
    problems += [f"指标“{k}”出现了不止一次" for k in sorted(set(keys)) if keys.count(k) > 1]
    if problems:
        raise TargetsError(f"{origin} 有误：\n" + "\n".join(problems))
    return specs


def load_indicators(path: str | Path) -> list[IndicatorSpec]:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetsError(f"无法读取指标模板 {path}：{exc}") from exc
    except json.JSONDecodeError as exc:
        raise TargetsError(
            f"指标模板 {path.name} 不是有效的 JSON（第 {exc.lineno} 行）：{exc.msg}"
        ) from exc
    return parse_indicators(raw, origin=path.name)


def with_overrides(
    specs: list[IndicatorSpec], overrides: dict[str, dict[str, Any] | None]
) -> list[IndicatorSpec]:
    """The specs with a consortium's own targets (a valid dict replaces the default's)."""
    out = []
    for spec in specs:
        raw = overrides.get(spec.key)
        if isinstance(raw, dict) and not validate_target(raw, unit=spec.unit, key=spec.key):
            spec = dataclasses.replace(spec, target=make_target(raw))
        out.append(spec)
    return out
