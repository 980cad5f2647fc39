"""Institution rules of DESIGN.md §1, each one shown to fire and to stay quiet."""

from __future__ import annotations

import datetime as dt

import pytest

from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import (
    InstitutionData,
    validate_consortium,
    validate_institution,
)
from ylt_desktop.domain.problems import Level


def good(**kw) -> InstitutionData:  # noqa: ANN003
    values = dict(
        name="示例县人民医院",
        uscc=make_uscc("12", "360428", "12345678"),
        division="360428",
        category="综合医院",
        level="二级甲等",
        joined=dt.date(2020, 1, 1),
        beds_authorised=100,
        beds_actual=120,
        staff_total=200,
        health_tech_staff=150,
        doctors=60,
        nurses=80,
        phone="0792-2221234",
    )
    values.update(kw)
    return InstitutionData(**values)


def fields_of(problems, level=None) -> set[str]:  # noqa: ANN001
    return {p.field for p in problems if level is None or p.level is level}


def test_good_record_has_no_problems() -> None:
    assert validate_institution(good()) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "院" * 101}, "name"),
        ({"uscc": ""}, "uscc"),
        ({"uscc": "91350100M000100Y42"}, "uscc"),
        ({"licence_no": "X" * 31}, "licence_no"),
        ({"division": "990101"}, "division"),
        ({"division": ""}, "division"),
        ({"category": "诊所"}, "category"),
        ({"level": "四级"}, "level"),
        ({"ownership": ""}, "ownership"),
        ({"role": "观察员"}, "role"),
        ({"joined": None}, "joined"),
        ({"left": dt.date(2019, 12, 31)}, "left"),
        ({"beds_actual": -1}, "beds_actual"),
        ({"doctors": 100}, "health_tech_staff"),  # 100 + 80 > 150
        ({"health_tech_staff": 201, "doctors": 1, "nurses": 1}, "staff_total"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_each_rule_reports_its_field(change: dict, field: str) -> None:
    problems = validate_institution(good(**change))
    assert field in fields_of(problems, Level.ERROR), problems
    assert all(p.message for p in problems)


def test_village_clinic_may_leave_uscc_empty() -> None:
    for category in ("村卫生室", "社区卫生服务站"):
        assert validate_institution(good(category=category, level="未定级", uscc="")) == []


def test_too_many_actual_beds_is_only_a_warning() -> None:
    problems = validate_institution(good(beds_authorised=100, beds_actual=151))
    assert fields_of(problems, Level.WARNING) == {"beds_actual"}
    assert fields_of(problems, Level.ERROR) == set()
    assert validate_institution(good(beds_authorised=100, beds_actual=150)) == []


def test_left_on_joined_day_is_allowed() -> None:
    assert validate_institution(good(left=dt.date(2020, 1, 1))) == []


def test_full_width_input_is_normalised_before_checking() -> None:
    code = make_uscc("12", "360428", "12345678")
    full = "".join(chr(ord(c) + 0xFEE0) for c in code).lower()
    data = good(uscc=f" {full} ", division="３６０４２８")
    assert validate_institution(data) == []
    assert data.normalized().uscc == code
    assert data.normalized().division == "360428"


def test_uscc_message_names_the_right_character() -> None:
    code = make_uscc("12", "360428", "12345678")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    (problem,) = validate_institution(good(uscc=wrong))
    assert problem.message == f"统一社会信用代码校验位错误，应为 {code[-1]}"


def test_consortium_rules() -> None:
    assert validate_consortium(name="示例县医共体", kind="县域医共体", division="360428") == []
    problems = validate_consortium(name="", kind="联盟", division="12")
    assert fields_of(problems, Level.ERROR) == {"name", "kind", "division"}
