"""Tests for the code checks: USCC, ID card number, division code and phone."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from ylt_desktop.domain.codes import (
    PROVINCE_CODES,
    check_division,
    check_phone,
    check_ric,
    check_uscc,
    division_name,
    mask_id,
    ric_birth_date,
    ric_check_char,
    ric_sex,
    uscc_check_char,
)
from ylt_desktop.domain.problems import Level, Problem

TODAY = datetime.date(2025, 6, 30)

# Independent re-implementations of DESIGN §2, so the tests do not trust the code.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# fmt: off
PROVINCES = (
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
    "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
    "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
)
# fmt: on


def own_uscc_check(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return ALPHABET[0 if value == 31 else value]


def own_ric_check(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def make_ric(region: str, birth: str, seq: str = "001") -> str:
    first17 = region + birth + seq
    return first17 + own_ric_check(first17)


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level is Level.ERROR]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.level is Level.WARNING]


def only_error(problems: list[Problem]) -> str:
    assert len(problems) == 1 and problems[0].level is Level.ERROR, problems
    return problems[0].message


def only_warning(problems: list[Problem]) -> str:
    assert len(problems) == 1 and problems[0].level is Level.WARNING, problems
    return problems[0].message


uscc_first17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@st.composite
def valid_rics(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(PROVINCES))
    rest = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    birth = draw(st.dates(datetime.date(1900, 1, 1), TODAY))
    seq = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    return make_ric(province + rest, birth.strftime("%Y%m%d"), seq)


# --- 统一社会信用代码 -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "91350100M000100Y43",
        "12100000400010398P",
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        " ９１３５ ０１００\u3000Ｍ０００１００Ｙ４３ ",
        "9135 0100 M000 100Y 43",
    ],
)
def test_known_uscc_is_valid(value: str) -> None:
    assert check_uscc(value) == []


def test_uscc_check_char_of_known_codes() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"
    assert uscc_check_char("12100000400010398") == "P"
    with pytest.raises(ValueError):
        uscc_check_char("91350100M000100Y")


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_empty_values_have_no_problems(value: str | None) -> None:
    assert check_uscc(value) == []
    assert check_ric(value) == []
    assert check_division(value) == []
    assert check_phone(value) == []


def test_uscc_wrong_check_char_names_the_right_one() -> None:
    message = only_error(check_uscc("91350100M000100Y44"))
    assert message == "统一社会信用代码校验位错误，应为 3"


def test_uscc_length() -> None:
    message = only_error(check_uscc("91350100M000100Y4"))
    assert message.startswith("统一社会信用代码应为18位")


@pytest.mark.parametrize("bad", "IOZSV")
def test_uscc_banned_letters(bad: str) -> None:
    message = only_error(check_uscc("91350100M000100" + bad + "43"))
    assert message == f"统一社会信用代码含非法字符 {bad}（不得使用 I、O、Z、S、V）"


def test_uscc_other_illegal_char() -> None:
    message = only_error(check_uscc("91350100M000100#43"))
    assert "非法字符 #" in message


def test_uscc_field_and_label_reach_the_problem() -> None:
    [problem] = check_uscc("91350100M000100Y44", field="lead_uscc", label="牵头单位代码")
    assert problem.field == "lead_uscc"
    assert problem.message.startswith("牵头单位代码校验位错误")


def test_uscc_organisation_code_mismatch_is_a_warning() -> None:
    # M000100Y's GB 11714 check character is 4; put 5 there and fix up the 18th.
    first17 = "91350100M000100Y5"
    code = first17 + own_uscc_check(first17)
    message = only_warning(check_uscc(code))
    assert "组织机构代码" in message and "应为 4" in message


@given(uscc_first17)
def test_generated_uscc_has_no_errors(first17: str) -> None:
    assert errors(check_uscc(first17 + own_uscc_check(first17))) == []


@given(uscc_first17, st.integers(0, 17), st.sampled_from(ALPHABET + "IOZSV"))
def test_any_single_change_to_a_uscc_is_an_error(
    first17: str, position: int, replacement: str
) -> None:
    code = first17 + own_uscc_check(first17)
    assume(code[position] != replacement)
    changed = code[:position] + replacement + code[position + 1 :]
    assert errors(check_uscc(changed))


# --- 居民身份证号码 -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_known_id_is_valid(value: str) -> None:
    assert check_ric(value, today=TODAY) == []


def test_ric_check_char() -> None:
    assert ric_check_char("11010519491231002") == "X"
    with pytest.raises(ValueError):
        ric_check_char("1101051949123100X")


def test_ric_wrong_check_digit() -> None:
    message = only_error(check_ric("110105194912310021", today=TODAY))
    assert message == "居民身份证号码校验位错误，应为 X"


@pytest.mark.parametrize("value", ["11010519491231002", "1101051949123100211"])
def test_ric_length(value: str) -> None:
    assert only_error(check_ric(value)).startswith("居民身份证号码应为18位")


def test_ric_letters_in_the_body() -> None:
    assert "格式不正确" in only_error(check_ric("1101051949123100AX"))


def test_future_birth_date() -> None:
    message = only_error(check_ric(make_ric("110105", "20300101"), today=TODAY))
    assert message == "居民身份证号码中的出生日期 2030-01-01 不存在或晚于今天"


def test_birth_today_is_fine_and_tomorrow_is_not() -> None:
    assert check_ric(make_ric("110105", "20250630"), today=TODAY) == []
    assert errors(check_ric(make_ric("110105", "20250701"), today=TODAY))


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "00000101"])
def test_impossible_birth_date(birth: str) -> None:
    message = only_error(check_ric(make_ric("110105", birth), today=TODAY))
    assert f"{birth[:4]}-{birth[4:6]}-{birth[6:]}" in message


@pytest.mark.parametrize("province", ["00", "10", "16", "39", "72", "83", "99"])
def test_bad_province_in_id(province: str) -> None:
    message = only_error(check_ric(make_ric(province + "0105", "19800101")))
    assert message == f"居民身份证号码前两位 {province} 不是省级代码"


def test_code_retired_after_birth_is_no_problem_though_stdnum_rejects_it() -> None:
    # 440524 (潮阳县) was in use 1983-1993; people born before 1983 still carry it.
    number = make_ric("440524", "19500101")
    assert not ric.is_valid(number)
    assert check_ric(number, today=TODAY) == []


def test_code_retired_before_birth_is_only_a_warning() -> None:
    message = only_warning(check_ric(make_ric("440524", "20000101"), today=TODAY))
    assert "440524" in message


def test_region_unknown_to_the_table_is_only_a_warning() -> None:
    message = only_warning(check_ric(make_ric("369999", "19800101"), today=TODAY))
    assert "369999" in message


@given(valid_rics())
def test_generated_id_has_no_errors(number: str) -> None:
    assert errors(check_ric(number, today=TODAY)) == []
    assert errors(check_ric(number.lower(), today=TODAY)) == []


@given(valid_rics(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_change_to_an_id_is_an_error(
    number: str, position: int, replacement: str
) -> None:
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    assert errors(check_ric(changed, today=TODAY))


@pytest.mark.parametrize(
    ("value", "sex"),
    [
        ("11010519491231002X", "女"),
        (make_ric("110105", "19800101", "001"), "男"),
        (make_ric("110105", "19800101", "018"), "女"),
        (make_ric("110105", "19800101", "099").lower(), "男"),
        ("1101051949123100", None),
        ("1101051949123100AX", None),
        ("", None),
    ],
)
def test_ric_sex(value: str, sex: str | None) -> None:
    assert ric_sex(value) == sex


def test_ric_birth_date() -> None:
    assert ric_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert ric_birth_date(make_ric("110105", "19490230")) is None
    assert ric_birth_date("abc") is None


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("A1234567890123", "**********0123"),
        ("E12345678", "*****5678"),
        ("1234567", "*******"),
        ("12", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id(value: str | None, masked: str) -> None:
    assert mask_id(value) == masked


# --- 行政区划代码 ----------------------------------------------------------------


def test_province_codes() -> None:
    assert frozenset(PROVINCES) == PROVINCE_CODES


@pytest.mark.parametrize("value", ["360428", "360428100", "360428100201", "３６０４２８"])
def test_known_division_is_valid(value: str) -> None:
    assert check_division(value) == []


@pytest.mark.parametrize("value", ["36042", "3604281", "36042810", "3604281002011", "36042A"])
def test_division_length_and_digits(value: str) -> None:
    assert only_error(check_division(value)) == "行政区划代码应为6、9或12位数字"


def test_division_bad_province() -> None:
    message = only_error(check_division("990101"))
    assert message == "行政区划代码前两位 99 不是省级代码"


@pytest.mark.parametrize("value", ["369999", "110103", "440524001"])
def test_unknown_or_retired_division_is_a_warning(value: str) -> None:
    message = only_warning(check_division(value))
    assert message == f"行政区划代码 {value[:6]} 不在现行区划表中，请核对"


def test_division_field_is_passed_through() -> None:
    [problem] = check_division("990101", field="consortium_division")
    assert problem.field == "consortium_division"


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("360428", "江西省 都昌县"),
        ("360428100", "江西省 都昌县"),
        ("360000", "江西省"),
        ("110103", "北京市 崇文区"),
        ("440524", "广东省 潮阳县"),
    ],
)
def test_division_name(value: str, name: str) -> None:
    assert division_name(value) == name


@pytest.mark.parametrize("value", ["369999", "990101", "3604", "", None])
def test_division_name_unknown(value: str | None) -> None:
    assert division_name(value) is None


# --- 联系电话 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "19912345678",
        "138 0013 8000",
        "１３８００１３８０００",
        "0791-88888888",
        "079188888888",
        "010-1234567",
        "0791－88888888",
        "0791-88888888-123",
        "0791-88888888转123",
        "079188888888 转 8",
    ],
)
def test_good_phone(value: str) -> None:
    assert check_phone(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "138001380001",
        "1380013800",
        "12800138000",
        "02-1234",
        "0791-888888",
        "0791-888888888",
        "791-88888888",
        "0791-88888888-",
        "0791-88888888-1234567",
        "13800138000-1",
        "phone",
    ],
)
def test_bad_phone(value: str) -> None:
    message = only_error(check_phone(value))
    assert message == (
        "联系电话格式不正确：手机号为11位数字，以13至19开头；"
        "座机号以0开头，写成“区号-号码”，如 0791-88888888"
    )
    assert "[" not in message  # the rule in words, not a regular expression


def test_phone_field_and_label() -> None:
    [problem] = check_phone("02-1234", field="contact_phone", label="联系人电话")
    assert problem.field == "contact_phone"
    assert problem.message.startswith("联系人电话格式不正确")


def test_divisions_under_walks_province_city_county() -> None:
    from ylt_desktop.domain.codes import divisions_under

    provinces = dict(divisions_under(None))
    assert provinces["360000"] == "江西省" and len(provinces) == 34
    cities = dict(divisions_under("360000"))
    assert cities["360400"] == "九江市" and "360000" not in cities
    counties = dict(divisions_under("360400"))
    assert counties["360428"] == "都昌县"
    assert "360421" not in counties  # 九江县, retired in 2017
    assert "360401" not in counties  # 市辖区 rows are left out
    assert dict(divisions_under("110100"))["110105"] == "朝阳区"  # a province-level city
    assert divisions_under("810000") == []  # 香港: no lower level in the table
