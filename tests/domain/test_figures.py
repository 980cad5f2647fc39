"""Operating figures (DESIGN §5): each rule, errors vs warnings, messages naming field and rule."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ylt_desktop.domain.figures import (
    MAX_COUNT,
    MEMBER_FIELDS,
    CountyFigures,
    MemberFigures,
    Unit,
    consortium_problems,
    missing_fields,
    validate_county_figures,
    validate_member_figures,
)

TOWN = Unit(1, "青山镇卫生院", "乡镇卫生院", "一级", 20)
VILLAGE = Unit(2, "东湖村卫生室", "村卫生室", "未定级", 0)
COUNTY_HOSPITAL = Unit(3, "示例县人民医院", "综合医院", "二级甲等", 400)
TCM = Unit(4, "示例县中医院", "中医医院", "二级甲等", 200)


def by_field(problems) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    return {p.field: (p.level.value, p.message) for p in problems}


def test_a_complete_plausible_row_has_no_problem() -> None:
    f = MemberFigures(12000, 300, 400, 50, 20, 0, 0, 10, 40, 9000, 3000, 30000, 5000)
    assert validate_member_figures(f, TOWN) == []


@pytest.mark.parametrize(
    ("value", "fragment"),
    [(-1, "不能为负数"), (2.5, "须为整数"), ("12", "须为整数"), (MAX_COUNT + 1, "超过合理上限")],
)
def test_a_bad_count_is_an_error_naming_the_figure(value, fragment) -> None:  # noqa: ANN001
    found = by_field(validate_member_figures(MemberFigures(visits=value), TOWN))
    level, message = found["visits"]
    assert level == "error"
    assert "诊疗人次" in message and fragment in message


def test_parts_may_not_exceed_their_whole() -> None:
    f = MemberFigures(visits=100, tcm_visits=101, contracts=10, key_contracts=11,
                      population=50, key_population=60)  # fmt: skip
    found = by_field(validate_member_figures(f, TOWN))
    assert found["tcm_visits"][0] == "error" and "不能大于诊疗人次 100" in found["tcm_visits"][1]
    assert found["key_contracts"][0] == "error"
    assert found["key_population"][0] == "error"


def test_warnings_beds_village_down_and_contracts_over_population() -> None:
    village = by_field(
        validate_member_figures(MemberFigures(discharges=3, down_outpatient=2), VILLAGE)
    )
    assert village["discharges"][0] == "warning" and "没有实有床位" in village["discharges"][1]
    assert village["down_outpatient"][0] == "warning"
    town = by_field(validate_member_figures(MemberFigures(contracts=51, population=50), TOWN))
    assert town["contracts"] == ("warning", "家庭医生签约人数 51 超过服务常住人口 50")
    hospital = by_field(validate_member_figures(MemberFigures(contracts=5), COUNTY_HOSPITAL))
    assert hospital["contracts"][0] == "warning"


def test_missing_fields_depend_on_the_category() -> None:
    assert missing_fields(TOWN, None)[-1] == "其中重点人群人数"
    assert "其中中医类诊疗人次" in missing_fields(TCM, MemberFigures(visits=1))
    assert "其中中医类诊疗人次" not in missing_fields(COUNTY_HOSPITAL, None)
    assert "家庭医生签约人数" not in missing_fields(COUNTY_HOSPITAL, None)
    full = MemberFigures(**{f.key: 0 for f in MEMBER_FIELDS})
    assert missing_fields(TOWN, full) == []


def test_county_rules() -> None:
    assert validate_county_figures(CountyFigures(1000, 500, 90, 10, 100)) == []
    found = by_field(validate_county_figures(CountyFigures(resident_population=0)))
    assert found["resident_population"] == ("error", "常住人口须大于 0")
    found = by_field(
        validate_county_figures(CountyFigures(resident_population=10, key_population=11))
    )
    assert found["key_population"][0] == "error"


def test_referrals_sent_and_received_more_than_ten_percent_apart_warn_with_both_sums() -> None:
    a = MemberFigures(up_outpatient=50, up_inpatient=50, down_outpatient=0, down_inpatient=0,
                      received_up=0, received_down=0, visits=10)  # fmt: skip
    b = MemberFigures(up_outpatient=0, up_inpatient=0, down_outpatient=5, down_inpatient=5,
                      received_up=89, received_down=10, visits=10)  # fmt: skip
    problems = consortium_problems(
        [(TOWN, a), (COUNTY_HOSPITAL, b)], CountyFigures(county_visits=5)
    )
    messages = [p.message for p in problems]
    assert any("上转人次合计 100" in m and "接收上转人次合计 89" in m for m in messages)
    assert not any("下转" in m for m in messages)  # 10 vs 10
    assert any("县域总诊疗人次 5 小于各成员单位诊疗人次合计 20" in m for m in messages)
    b.received_up = 91  # within 10 %
    assert not any(
        "上转" in p.message for p in consortium_problems([(TOWN, a), (COUNTY_HOSPITAL, b)], None)
    )


@settings(deadline=None, max_examples=60)
@given(st.lists(st.one_of(st.none(), st.integers(-5, MAX_COUNT + 5)), min_size=13, max_size=13))
def test_any_row_gives_problems_never_an_exception(values) -> None:  # noqa: ANN001
    f = MemberFigures(*values)
    problems = validate_member_figures(f, TOWN)
    bad = [
        v
        for v, spec in zip(values, MEMBER_FIELDS, strict=True)
        if v is not None and not 0 <= v <= spec.maximum
    ]
    assert any(p.is_error for p in problems) == bool(bad) or any(
        p.is_error and p.field in ("tcm_visits", "key_contracts", "key_population")
        for p in problems
    )
