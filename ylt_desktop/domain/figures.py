"""Operating figures (运行指标, DESIGN.md §5): what each member and the county report per quarter.

Counts only, no patients. A figure not entered is ``None`` (never 0): the indicators then show
"—". The rules return ``Problem``s whose ``field`` is the figure's attribute name; the messages
name the figure and the rule. Rules across the members of a consortium (sent ≈ received
referrals, the county's visits ≥ the members') are in ``consortium_problems``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ylt_desktop.domain import lists
from ylt_desktop.domain.problems import Problem, error, warning

# Beyond these a figure is a typing mistake (a county of 100 million, a unit with 20 million
# visits a quarter): refused with a message naming the bound.
MAX_COUNT = 20_000_000
MAX_POPULATION = 100_000_000
REFERRAL_TOLERANCE = 0.10  # Σ sent vs Σ received: more than 10 % apart is a warning

# Units that sign family-doctor contracts and serve a resident population (DESIGN.md §5).
CONTRACT_CATEGORIES: frozenset[str] = frozenset(
    {"乡镇卫生院", "社区卫生服务中心", "社区卫生服务站", "村卫生室"}
)
TCM_CATEGORIES: frozenset[str] = frozenset({"中医医院", "中西医结合医院"})
VILLAGE_CATEGORIES: frozenset[str] = frozenset({"村卫生室"})


@dataclass(frozen=True)
class FigureField:
    key: str
    label: str
    maximum: int = MAX_COUNT


MEMBER_FIELDS: tuple[FigureField, ...] = (
    FigureField("visits", "诊疗人次"),
    FigureField("tcm_visits", "其中中医类诊疗人次"),
    FigureField("discharges", "出院人次"),
    FigureField("up_outpatient", "上转人次(门诊)"),
    FigureField("up_inpatient", "上转人次(住院)"),
    FigureField("down_outpatient", "下转人次(门诊)"),
    FigureField("down_inpatient", "下转人次(住院)"),
    FigureField("received_up", "接收上转人次"),
    FigureField("received_down", "接收下转人次"),
    FigureField("contracts", "家庭医生签约人数"),
    FigureField("key_contracts", "其中重点人群签约人数"),
    FigureField("population", "服务常住人口", MAX_POPULATION),
    FigureField("key_population", "其中重点人群人数", MAX_POPULATION),
)
COUNTY_FIELDS: tuple[FigureField, ...] = (
    FigureField("resident_population", "常住人口", MAX_POPULATION),
    FigureField("county_visits", "县域总诊疗人次", 10 * MAX_COUNT),
    FigureField("inpatients_in", "县域内住院人次"),
    FigureField("inpatients_out", "县外住院人次"),
    FigureField("key_population", "重点人群人数", MAX_POPULATION),
)
MEMBER_LABELS = {f.key: f.label for f in MEMBER_FIELDS}
COUNTY_LABELS = {f.key: f.label for f in COUNTY_FIELDS}


@dataclass
class MemberFigures:
    """One member's figures for one quarter; ``None`` = not entered."""

    visits: int | None = None
    tcm_visits: int | None = None
    discharges: int | None = None
    up_outpatient: int | None = None
    up_inpatient: int | None = None
    down_outpatient: int | None = None
    down_inpatient: int | None = None
    received_up: int | None = None
    received_down: int | None = None
    contracts: int | None = None
    key_contracts: int | None = None
    population: int | None = None
    key_population: int | None = None

    def values(self) -> dict[str, int | None]:
        # The fields in order (asdict's deep copy cost 0.1 ms a row: 3,000 units on a page).
        return dict(vars(self))

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in self.values().values())

    @property
    def sent_up(self) -> int | None:
        return _sum_or_none(self.up_outpatient, self.up_inpatient)

    @property
    def sent_down(self) -> int | None:
        return _sum_or_none(self.down_outpatient, self.down_inpatient)


@dataclass
class CountyFigures:
    """The county's (or the city grid's) figures for one quarter; ``None`` = not entered."""

    resident_population: int | None = None
    county_visits: int | None = None
    inpatients_in: int | None = None
    inpatients_out: int | None = None
    key_population: int | None = None

    def values(self) -> dict[str, int | None]:
        # The fields in order (asdict's deep copy cost 0.1 ms a row: 3,000 units on a page).
        return dict(vars(self))

    @property
    def is_empty(self) -> bool:
        return all(v is None for v in self.values().values())


@dataclass(frozen=True)
class Unit:
    """What the rules need to know of a member: its name, category, level and beds."""

    id: int
    name: str
    category: str
    level: str = ""
    beds_actual: int = 0


def _sum_or_none(*values: int | None) -> int | None:
    if any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def required_fields(category: str) -> tuple[str, ...]:
    """The figures a unit of ``category`` must report each quarter (the rest are optional)."""
    keys = [
        "visits",
        "discharges",
        "up_outpatient",
        "up_inpatient",
        "down_outpatient",
        "down_inpatient",
        "received_up",
        "received_down",
    ]
    if category in TCM_CATEGORIES:
        keys.insert(1, "tcm_visits")
    if category in CONTRACT_CATEGORIES:
        keys += ["contracts", "key_contracts", "population", "key_population"]
    return tuple(keys)


def missing_fields(unit: Unit, figures: MemberFigures | None) -> list[str]:
    """Labels of the required figures ``unit`` has not entered (all of them when no row)."""
    values = figures.values() if figures is not None else {}
    return [MEMBER_LABELS[k] for k in required_fields(unit.category) if values.get(k) is None]


def check_count(key: str, label: str, value: object, maximum: int) -> list[Problem]:
    """One figure: empty, or an integer from 0 to ``maximum``."""
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int):
        return [error(key, f"{label}须为整数（现为“{value}”）")]
    if value < 0:
        return [error(key, f"{label}不能为负数（现为 {value}）")]
    if value > maximum:
        return [error(key, f"{label} {value:,} 超过合理上限 {maximum:,}，请核对")]
    return []


def validate_member_figures(f: MemberFigures, unit: Unit) -> list[Problem]:
    """Every rule of DESIGN.md §5 one member's figures break (errors and warnings)."""
    problems: list[Problem] = []
    for spec in MEMBER_FIELDS:
        problems += check_count(spec.key, spec.label, getattr(f, spec.key), spec.maximum)
    if any(p.is_error for p in problems):
        return problems
    problems += _part_of(f.tcm_visits, f.visits, "tcm_visits", "其中中医类诊疗人次", "诊疗人次")
    problems += _part_of(
        f.key_contracts, f.contracts, "key_contracts", "其中重点人群签约人数", "家庭医生签约人数"
    )
    problems += _part_of(
        f.key_population, f.population, "key_population", "其中重点人群人数", "服务常住人口"
    )
    if f.discharges and not unit.beds_actual:
        problems.append(
            warning("discharges", f"出院人次 {f.discharges} 大于 0，但“{unit.name}”没有实有床位")
        )
    if unit.category in VILLAGE_CATEGORIES and (f.down_outpatient or f.down_inpatient):
        problems.append(
            warning("down_outpatient", "村卫生室一般没有下转：下转人次(门诊/住院)应为 0")
        )
    if f.contracts is not None and f.population is not None and f.contracts > f.population:
        problems.append(
            warning(
                "contracts",
                f"家庭医生签约人数 {f.contracts} 超过服务常住人口 {f.population}",
            )
        )
    if (
        f.key_contracts is not None
        and f.key_population is not None
        and f.key_contracts > f.key_population
    ):
        problems.append(
            warning(
                "key_contracts",
                f"重点人群签约人数 {f.key_contracts} 超过重点人群人数 {f.key_population}",
            )
        )
    if unit.category not in CONTRACT_CATEGORIES:
        for key in ("contracts", "key_contracts", "population", "key_population"):
            if getattr(f, key):
                problems.append(
                    warning(
                        key,
                        f"{MEMBER_LABELS[key]}只由乡镇卫生院、社区卫生服务中心/站和村卫生室填写，"
                        f"“{unit.name}”是{unit.category}",
                    )
                )
    return problems


def _part_of(part: int | None, whole: int | None, key: str, label: str, of: str) -> list[Problem]:
    if part is not None and whole is not None and part > whole:
        return [error(key, f"{label} {part} 不能大于{of} {whole}")]
    return []


def validate_county_figures(c: CountyFigures) -> list[Problem]:
    problems: list[Problem] = []
    for spec in COUNTY_FIELDS:
        problems += check_count(spec.key, spec.label, getattr(c, spec.key), spec.maximum)
    if any(p.is_error for p in problems):
        return problems
    if c.resident_population == 0:
        problems.append(error("resident_population", "常住人口须大于 0"))
    if (
        c.key_population is not None
        and c.resident_population is not None
        and c.key_population > c.resident_population
    ):
        problems.append(
            error(
                "key_population",
                f"重点人群人数 {c.key_population} 不能大于常住人口 {c.resident_population}",
            )
        )
    return problems


def consortium_problems(
    members: Iterable[tuple[Unit, MemberFigures]], county: CountyFigures | None
) -> list[Problem]:
    """Warnings across the members: sent ≈ received referrals, county visits ≥ members'."""
    rows = [(u, f) for u, f in members if f is not None]
    problems: list[Problem] = []
    for sent_key, recv_key, what in (
        ("sent_up", "received_up", "上转"),
        ("sent_down", "received_down", "下转"),
    ):
        sent = [getattr(f, sent_key) for _u, f in rows]
        got = [getattr(f, recv_key) for _u, f in rows]
        if not rows or None in sent or None in got:
            continue
        a, b = sum(sent), sum(got)
        if abs(a - b) > REFERRAL_TOLERANCE * max(a, b):
            problems.append(
                warning(
                    recv_key,
                    f"各成员单位{what}人次合计 {a} 与接收{what}人次合计 {b} 相差超过 10%，请核对",
                )
            )
    visits = [f.visits for _u, f in rows]
    if county is not None and county.county_visits is not None and rows and None not in visits:
        total = sum(v for v in visits if v is not None)
        if county.county_visits < total:
            problems.append(
                warning(
                    "county_visits",
                    f"县域总诊疗人次 {county.county_visits} 小于各成员单位诊疗人次合计 {total}",
                )
            )
    return problems


def is_grassroots(category: str) -> bool:
    return category in lists.GRASSROOTS_CATEGORIES
