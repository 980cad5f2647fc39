"""Staff (人员) rules of DESIGN.md §1: what a person's record must hold before it is stored.

Uniqueness of the ID number per ID type needs the database and is checked by the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import check_ric, ric_in_text_problems, ric_sex
from ylt_desktop.domain.problems import Problem, error, has_errors
from ylt_desktop.domain.text import break_message, has_break, normalize_code, normalize_name

NAME_MAX = 30
OTHER_ID_MAX = 30
SPECIALTY_MAX = 30  # as 姓名, and the 30 the 执业证书编码 and 联系人 boxes take; String(30)
SENIOR_PREFIXES: tuple[str, ...] = ("主任", "副主任")


@dataclass
class StaffData:
    """What a form or an import row holds for one person, before it is stored."""

    name: str = ""
    sex: str = ""
    id_type: str = lists.ID_RIC
    id_number: str = ""
    licence_code: str = ""
    title: str = ""
    specialty: str = ""
    home_id: int | None = None


def is_senior(title: str | None) -> bool:
    """高级职称: 主任* and 副主任* titles (主治医师 and 主管护师 are not)."""
    return bool(title) and title.strip().startswith(SENIOR_PREFIXES)


def validate_staff(d: StaffData, *, today: dt.date | None = None) -> list[Problem]:
    """Every rule one person's record breaks; ``today`` bounds the birth date in the ID."""
    problems = _check_name(d.name)
    problems += _check_choice(d.sex, lists.SEXES, "sex", "性别")
    problems += _check_choice(d.id_type, lists.ID_TYPES, "id_type", "证件类型")
    problems += _check_id_number(d, today)
    problems += _check_choice(d.title, lists.TITLES, "title", "职称")
    if d.home_id is None:
        problems.append(error("home_id", "所属机构为必填项"))
    problems += _check_specialty(d.specialty)
    return problems


def _check_specialty(raw: str) -> list[Problem]:
    if has_break(raw):
        return [error("specialty", break_message("专业"))]
    specialty = normalize_name(raw)
    if len(specialty) > SPECIALTY_MAX:
        return [error("specialty", f"专业不得超过{SPECIALTY_MAX}个字符（现为{len(specialty)}个）")]
    return ric_in_text_problems(specialty, "specialty", "专业")


def _check_name(raw: str) -> list[Problem]:
    if has_break(raw):
        return [error("name", break_message("姓名"))]
    name = normalize_name(raw)
    if not name:
        return [error("name", "姓名为必填项")]
    if len(name) > NAME_MAX:
        return [error("name", f"姓名不得超过{NAME_MAX}个字符（现为{len(name)}个）")]
    return ric_in_text_problems(name, "name", "姓名")


def _check_choice(value: str, choices: tuple[str, ...], field: str, label: str) -> list[Problem]:
    value = (value or "").strip()
    if not value:
        return [error(field, f"{label}为必填项")]
    if value not in choices:
        return [error(field, f"{label}“{value}”不在规定的选项中（{'、'.join(choices)}）")]
    return []


def _check_id_number(d: StaffData, today: dt.date | None) -> list[Problem]:
    number = normalize_code(d.id_number)
    if not number:
        return [error("id_number", "证件号码为必填项")]
    if d.id_type != lists.ID_RIC:
        if len(number) > OTHER_ID_MAX:
            return [
                error("id_number", f"证件号码不得超过{OTHER_ID_MAX}个字符（现为{len(number)}个）")
            ]
        return []
    problems = check_ric(number, field="id_number", label="居民身份证号码", today=today)
    if not has_errors(problems):
        problems += _check_sex_agrees(d.sex, number)
    return problems


def _check_sex_agrees(sex: str, number: str) -> list[Problem]:
    """Digit 17 of a valid 居民身份证号码 is odd for 男 and even for 女."""
    expected = ric_sex(number)
    sex = (sex or "").strip()
    if expected is None or sex not in lists.SEXES or sex == expected:
        return []
    return [
        error(
            "sex",
            f"性别“{sex}”与居民身份证号码不符：号码第17位表示“{expected}”（奇数为男，偶数为女）",
        )
    ]
