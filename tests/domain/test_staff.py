"""Staff record rules: required fields, lists, the ID number and sex against its digit 17."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ylt_desktop.domain import lists
from ylt_desktop.domain.problems import Level
from ylt_desktop.domain.staff import StaffData, is_senior, validate_staff

TODAY = dt.date(2026, 6, 1)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ric(first17: str) -> str:
    """A complete ID number: GB 11643 check character worked out here, not by the code."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


FEMALE_ID = "11010519491231002X"  # the DESIGN.md example; digit 17 is 2
MALE_ID = ric("11010519800101001")  # digit 17 is 1


def staff(**changes) -> StaffData:
    base = StaffData(
        name="李华",
        sex="女",
        id_type=lists.ID_RIC,
        id_number=FEMALE_ID,
        licence_code="110110000012345",
        title="主治医师",
        specialty="内科",
        home_id=1,
    )
    return dataclasses.replace(base, **changes)


def fields_of(problems, level=None):
    return [p.field for p in problems if level is None or p.level == level]


def test_helper_builds_the_documented_example():
    assert ric("11010519491231002") == FEMALE_ID


def test_a_complete_record_has_no_problems():
    assert validate_staff(staff(), today=TODAY) == []
    assert validate_staff(staff(sex="男", id_number=MALE_ID), today=TODAY) == []


@pytest.mark.parametrize(
    ("number", "sex_ok", "sex_bad"),
    [
        (FEMALE_ID, "女", "男"),
        (FEMALE_ID.lower(), "女", "男"),  # a lower-case x is accepted
        (MALE_ID, "男", "女"),
        (ric("11010519900307003"), "男", "女"),  # digit 17 = 3
        (ric("11010519900307008"), "女", "男"),  # digit 17 = 8
    ],
)
def test_sex_must_agree_with_digit_17(number, sex_ok, sex_bad):
    assert validate_staff(staff(id_number=number, sex=sex_ok), today=TODAY) == []
    problems = validate_staff(staff(id_number=number, sex=sex_bad), today=TODAY)
    assert fields_of(problems) == ["sex"]
    assert problems[0].level == Level.ERROR
    assert f"“{sex_ok}”" in problems[0].message and "第17位" in problems[0].message


def test_a_broken_id_is_reported_on_the_number_not_as_a_sex_mismatch():
    wrong_check = FEMALE_ID[:-1] + "1"
    problems = validate_staff(staff(id_number=wrong_check, sex="男"), today=TODAY)
    assert "id_number" in fields_of(problems, Level.ERROR)
    assert "sex" not in fields_of(problems)


def test_sex_is_not_compared_for_other_id_types():
    record = staff(id_type="护照", id_number="E12345678", sex="男")
    assert validate_staff(record, today=TODAY) == []


def test_birth_date_in_the_future_depends_on_today():
    born_2026_07 = ric("11010520260701002")
    assert "id_number" in fields_of(validate_staff(staff(id_number=born_2026_07), today=TODAY))
    later = dt.date(2026, 8, 1)
    assert validate_staff(staff(id_number=born_2026_07), today=later) == []


@pytest.mark.parametrize("id_type", ["港澳台居民居住证", "护照"])
def test_other_id_types_need_1_to_30_characters(id_type):
    assert validate_staff(staff(id_type=id_type, id_number="A" * 30), today=TODAY) == []
    too_long = validate_staff(staff(id_type=id_type, id_number="A" * 31), today=TODAY)
    assert fields_of(too_long) == ["id_number"]
    assert "31" in too_long[0].message
    assert fields_of(validate_staff(staff(id_type=id_type, id_number="  "), today=TODAY)) == [
        "id_number"
    ]


def test_ric_length_is_checked():
    problems = validate_staff(staff(id_number=FEMALE_ID[:-1]), today=TODAY)
    assert fields_of(problems, Level.ERROR) == ["id_number"]


def test_full_width_id_is_normalised_before_the_check():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in FEMALE_ID)
    assert validate_staff(staff(id_number=full_width), today=TODAY) == []


@pytest.mark.parametrize(
    ("name", "ok"),
    [("", False), ("   ", False), ("\u3000", False), ("王" * 30, True), ("王" * 31, False)],
)
def test_name_required_and_at_most_30(name, ok):
    problems = validate_staff(staff(name=name), today=TODAY)
    assert fields_of(problems) == ([] if ok else ["name"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sex": ""}, "sex"),
        ({"sex": "M"}, "sex"),
        ({"id_type": "军官证"}, "id_type"),
        ({"title": ""}, "title"),
        ({"title": "教授"}, "title"),
        ({"home_id": None}, "home_id"),
    ],
)
def test_required_and_listed_fields(changes, field):
    problems = validate_staff(staff(**changes), today=TODAY)
    assert fields_of(problems) == [field]
    assert problems[0].level == Level.ERROR


def test_licence_code_and_specialty_are_optional():
    assert validate_staff(staff(licence_code="", specialty=""), today=TODAY) == []


SENIOR = {"主任医师", "副主任医师", "主任护师", "副主任护师", "主任技师", "副主任技师"}


@pytest.mark.parametrize("title", lists.TITLES)
def test_is_senior_over_every_title(title):
    assert is_senior(title) is (title in SENIOR)


@pytest.mark.parametrize("title", ["", None, "主管护师", "主治医师", " 主任医师 "])
def test_is_senior_edge_cases(title):
    assert is_senior(title) is (title == " 主任医师 ")
