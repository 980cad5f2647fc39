"""Indicator formulas (DESIGN §5) on hand-made quarters, and targets as data."""

from __future__ import annotations

import json

import pytest

from ylt_desktop.domain.figures import CountyFigures, MemberFigures, Unit
from ylt_desktop.domain.indicators import (
    MEMBERS_BASIS,
    QuarterInputs,
    compute,
    fmt,
    quarters_needed,
    series,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.targets import (
    Target,
    TargetsError,
    load_indicators,
    parse_indicators,
    validate_target,
    with_overrides,
)
from ylt_desktop.paths import resource_path

HOSP = Unit(1, "县医院", "综合医院", "二级甲等", 300)
TOWN = Unit(2, "镇卫生院", "乡镇卫生院", "一级", 20)
VILL = Unit(3, "村卫生室", "村卫生室", "未定级", 0)
UNITS = [HOSP, TOWN, VILL]
SPECS = load_indicators(resource_path("templates", "targets.json"))


def member(visits, down=0, contracts=None, population=None, tcm=None):  # noqa: ANN001, ANN201
    return MemberFigures(visits=visits, tcm_visits=tcm, down_outpatient=down, down_inpatient=0,
                         contracts=contracts, key_contracts=None if contracts is None else contracts // 2,
                         population=population,
                         key_population=None if population is None else population // 5)  # fmt: skip


def quarter_inputs(q: Quarter, scale: int, county: CountyFigures | None) -> QuarterInputs:
    return QuarterInputs(
        q,
        UNITS,
        {
            1: member(1000 * scale, down=10 * scale, tcm=100 * scale),
            2: member(1500 * scale, contracts=300 * scale, population=1000),
            3: member(500 * scale, contracts=100 * scale, population=500),
        },
        county,
        posted_doctor_ids=frozenset({scale, 100}),
        promotion_done=scale,
    )


def inputs_for(years: dict[int, int], county: bool = True) -> dict:
    out = {}
    for year, scale in years.items():
        for q in range(1, 5):
            c = CountyFigures(100_000, 4000 * scale, 90 * scale, 10 * scale) if county else None
            out[Quarter(year, q)] = quarter_inputs(Quarter(year, q), scale, c)
    return out


def by_key(results) -> dict:  # noqa: ANN001
    return {r.key: r for r in results}


def test_every_indicator_of_a_hand_made_year() -> None:
    inputs = inputs_for({2024: 1, 2025: 1, 2026: 2})
    r = by_key(compute(SPECS, inputs, Quarter(2026, 2)))
    # 基层: (1500+500)*2 / 4000*2 = 50 %, the same for the year so far and a year earlier.
    assert r["primary_share"].quarter.value == pytest.approx(50.0)
    assert r["primary_share"].ytd.value == pytest.approx(50.0)
    assert r["primary_share"].yoy == pytest.approx(0.0)
    assert r["primary_share"].met_text == "否"
    assert r["county_rate"].ytd.value == pytest.approx(90.0) and r["county_rate"].met_text == "是"
    # 下转 from the 二级 hospital only: 2026H1 40 vs 2025H1 20 → +100 %; 2025 vs 2024: 0 %.
    assert r["down_growth"].ytd.value == pytest.approx(100.0)
    assert r["down_growth"].last_year.value == pytest.approx(0.0)
    assert r["down_growth"].yoy == pytest.approx(100.0)
    assert r["down_growth"].met_text == "是"
    # Contracts: stock; 2026Q2 (600+200)/(1000+500) = 53.3 %; 2025: 400/1500 = 26.7 %.
    assert r["contract_rate"].ytd.value == pytest.approx(800 / 1500 * 100)
    assert r["contract_rate"].last_year.value == pytest.approx(400 / 1500 * 100)
    assert r["contract_rate"].yoy == pytest.approx(53.3 - 26.7)  # between the printed values
    assert r["contract_rate"].met_text == "是"
    assert r["key_contract_rate"].ytd.value == pytest.approx(400 / 300 * 100)
    # Posted doctors: persons {2, 100} over the half year → 2 per 100,000 → 0.2 per 10,000.
    assert r["posted_doctors"].ytd.value == pytest.approx(0.2)
    assert r["posted_doctors"].met_text == "—" and r["posted_doctors"].target_text == "—"
    assert r["tcm_share"].ytd.value == pytest.approx(200 / 6000 * 100)
    assert r["promotion_year"].quarter.value == 2.0
    assert r["promotion_year"].yoy == pytest.approx(100.0)  # 2 against 1 a year earlier


def test_missing_figures_give_dash_never_zero() -> None:
    inputs = inputs_for({2025: 1, 2026: 1})
    inputs[Quarter(2026, 1)].figures[2].visits = None  # one township's visits missing in Q1
    del inputs[Quarter(2025, 2)]  # the database lacks a quarter of last year
    r = by_key(compute(SPECS, inputs, Quarter(2026, 2)))
    assert r["primary_share"].quarter is not None  # Q2 alone is complete
    assert r["primary_share"].ytd is None  # Q1 lacks a figure
    assert r["primary_share"].last_year is None and r["primary_share"].yoy is None
    assert r["primary_share"].met_text == "—" and r["primary_share"].yoy_text == "—"
    assert fmt(r["primary_share"].ytd, "%") == "—"
    assert r["down_growth"].ytd is None


def test_members_basis_when_the_county_visits_are_missing() -> None:
    inputs = inputs_for({2026: 1}, county=False)
    r = by_key(compute(SPECS, inputs, Quarter(2026, 1)))
    assert r["primary_share"].ytd.value == pytest.approx(2000 / 3000 * 100)
    assert r["primary_share"].ytd.basis == MEMBERS_BASIS
    assert r["county_rate"].ytd is None and r["posted_doctors"].ytd is None


def test_series_and_needed_quarters() -> None:
    inputs = inputs_for({2026: 1})
    spec = next(s for s in SPECS if s.key == "county_rate")
    qs = [Quarter(2025, 4), Quarter(2026, 1)]
    assert series(spec, inputs, qs) == [None, pytest.approx(90.0)]
    assert quarters_needed(Quarter(2026, 2))[0] == Quarter(2024, 1)
    assert len(quarters_needed(Quarter(2026, 2))) == 6


def test_targets_compare_and_apply_from_their_year() -> None:
    assert Target(65, "≥").met(65.0) and not Target(65, "≥").met(64.9)
    assert Target(10, "≤").met(9) and not Target(10, "≤").met(11)
    assert Target(65, "左右", tolerance=2).met(63.5) and not Target(65, "左右").met(62)
    assert Target(65, "≥").met(None) is None
    assert Target(65, "左右").text("%") == "65%左右" and Target(90, "≥").text("%") == "≥90%"
    inputs = inputs_for({2016: 1})
    late = with_overrides(SPECS, {"county_rate": {"value": 80, "comparison": "≥", "year": 2020}})
    r = by_key(compute(late, inputs, Quarter(2016, 1)))
    assert r["county_rate"].met_text == "—"  # the target applies from 2020
    r = by_key(compute(with_overrides(SPECS, {"primary_share": {"value": 45, "year": 2010}}),
                       inputs, Quarter(2016, 1)))  # fmt: skip
    assert r["primary_share"].met_text == "是" and r["primary_share"].target_text == "≥45%"


def test_the_default_targets_are_design_s() -> None:
    targets = {s.key: s.target for s in SPECS}
    assert [s.key for s in SPECS][:5] == [
        "primary_share", "county_rate", "down_growth", "contract_rate", "key_contract_rate",
    ]  # fmt: skip
    assert (targets["primary_share"].value, targets["county_rate"].value) == (65, 90)
    assert (targets["down_growth"].value, targets["contract_rate"].value) == (10, 30)
    assert targets["key_contract_rate"].value == 60
    assert targets["posted_doctors"] is None and targets["tcm_share"] is None
    assert all(t.source for t in targets.values() if t)


def test_bad_targets_are_refused_with_every_problem(tmp_path) -> None:  # noqa: ANN001
    raw = json.loads(resource_path("templates", "targets.json").read_text(encoding="utf-8"))
    raw["indicators"][0]["target"]["comparison"] = ">"
    raw["indicators"][1]["target"]["value"] = "九十"
    raw["indicators"].append({"key": "nonsense", "name": "x", "unit": "%"})
    with pytest.raises(TargetsError) as caught:
        parse_indicators(raw)
    text = str(caught.value)
    assert "比较方式" in text and "目标值须为数字" in text and "nonsense" in text
    bad = tmp_path / "t.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(TargetsError, match="不是有效的 JSON"):
        load_indicators(bad)
    assert [p.field for p in validate_target({"value": 5, "year": 1800})] == ["year"]


def test_a_targets_range_follows_its_unit() -> None:
    """A % target lies in 0–100; a count (人, 人/万人) stays any number from 0 up."""
    pct = {"name": "基层诊疗量占比", "unit": "%"}
    assert validate_target({"value": 100}, **pct) == []
    assert validate_target({"value": 0}, **pct) == []
    [problem] = validate_target({"value": 100.1}, **pct)
    assert problem.field == "value"
    assert problem.message == "「基层诊疗量占比」的目标值须在 0% 至 100% 之间（现为 100.1%）"
    assert validate_target({"value": 365}, name="晋升前基层服务满一年人数", unit="人") == []
    [problem] = validate_target({"value": -1}, name="晋升前基层服务满一年人数", unit="人")
    assert problem.message == "「晋升前基层服务满一年人数」的目标值须在 0 至 100000 之间（现为 -1）"
    # A template with a % target above 100 is refused as a whole.
    raw = json.loads(resource_path("templates", "targets.json").read_text(encoding="utf-8"))
    raw["indicators"][0]["target"]["value"] = 650
    with pytest.raises(TargetsError, match="0% 至 100%"):
        parse_indicators(raw)


def _share_of(grassroots: int, county: int) -> dict:
    """One quarter (2026Q1) whose 基层诊疗量占比 is grassroots ÷ county."""
    q = Quarter(2026, 1)
    units = [HOSP, TOWN]
    figures = {1: member(county - grassroots), 2: member(grassroots)}
    return {q: QuarterInputs(q, units, figures, CountyFigures(100_000, county, 90, 10))}


@pytest.mark.parametrize(
    ("target", "grassroots", "shown", "met"),
    [
        ({"value": 65, "comparison": "≥"}, 6496, "65.0%", "是"),  # 64.96 % printed 65.0 %
        ({"value": 65, "comparison": "≥"}, 6494, "64.9%", "否"),
        ({"value": 65, "comparison": "≤"}, 6504, "65.0%", "是"),  # 65.04 % printed 65.0 %
        ({"value": 65, "comparison": "左右"}, 6296, "63.0%", "是"),  # 62.96 %: 2.0 from 65 printed
        ({"value": 65, "comparison": "左右"}, 6294, "62.9%", "否"),
    ],
)
def test_met_agrees_with_the_value_printed_beside_it(
    target: dict, grassroots: int, shown: str, met: str
) -> None:
    # 达标 stands beside 本年累计 on the signed return: a 64.96 % printed "65.0%" beside
    # "≥65%" was "否", a return contradicting itself.
    specs = with_overrides(SPECS, {"primary_share": target})
    r = by_key(compute(specs, _share_of(grassroots, 10_000), Quarter(2026, 1)))["primary_share"]
    assert fmt(r.ytd, "%") == shown
    assert r.met_text == met


def test_percentage_point_change_agrees_with_the_values_printed_beside_it() -> None:
    # 同比 of a percentage stands beside 本年累计 and 上年同期: 85.14 % and 75.06 %, printed
    # 85.1% and 75.1%, gave "+10.1个百分点" (85.1 − 75.1 = 10.0 on the same line).
    inputs = {**_share_of(8514, 10_000)}
    inputs.update({Quarter(2025, 1): _share_of(7506, 10_000)[Quarter(2026, 1)]})
    inputs[Quarter(2025, 1)].quarter = Quarter(2025, 1)
    r = by_key(compute(SPECS, inputs, Quarter(2026, 1)))["primary_share"]
    assert (fmt(r.ytd, "%"), fmt(r.last_year, "%")) == ("85.1%", "75.1%")
    assert r.yoy_text == "+10.0个百分点"


def _down_and_posted(down: int, posted: int, q: Quarter) -> QuarterInputs:
    """One quarter: the 二级 hospital's 下转 ``down``, ``posted`` doctors 派驻 per 100,000."""
    return QuarterInputs(
        q,
        [HOSP, TOWN],
        {1: member(6000, down=down), 2: member(4000)},
        CountyFigures(100_000, 10_000, 90, 10),
        posted_doctor_ids=frozenset(range(posted)),
    )


def test_a_change_that_rounds_to_nothing_is_printed_without_a_minus() -> None:
    # 下转 9,999 against 10,000 a year earlier is −0.01 %: printed "-0.0%" beside "≥10%"
    # (and Excel, which has no negative zero, showed 0.0%); 派驻 9,999 against 10,000 per
    # 100,000 people, a relative change of −0.01 %, printed "-0.0%" where Excel said "+0.0%".
    from ylt_desktop.returns.indicators import QuarterIndicators
    from ylt_desktop.returns.rows_figures import indicator_records

    now, before = Quarter(2026, 1), Quarter(2025, 1)
    inputs = {
        now: _down_and_posted(9999, 9999, now),
        before: _down_and_posted(10000, 10000, before),
    }
    results = compute(SPECS, inputs, now)
    r = by_key(results)
    assert r["down_growth"].ytd.value < 0 and fmt(r["down_growth"].ytd, "%") == "0.0%"
    assert r["down_growth"].met_text == "否"  # 0.0 % against ≥10 %
    assert r["posted_doctors"].yoy < 0 and r["posted_doctors"].yoy_text == "+0.0%"
    records = {rec["key"]: rec for rec in indicator_records(QuarterIndicators(now, results))}
    for key, column in (("down_growth", "ytd"), ("posted_doctors", "yoy")):
        shown = records[key][column]
        assert str(shown.value) == "0.0", (key, column, shown)  # no negative zero in the cell
