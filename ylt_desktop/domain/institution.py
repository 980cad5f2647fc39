"""Institution profile (成员单位) and consortium rules of DESIGN.md §1, as plain functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from operator import attrgetter

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import check_division, check_phone, check_uscc, ric_in_text_problems
from ylt_desktop.domain.problems import Problem, error, has_errors, warning
from ylt_desktop.domain.text import break_message, clean, has_break, normalize_code, normalize_name

COUNT_FIELDS: tuple[tuple[str, str], ...] = (
    ("beds_authorised", "编制床位"),
    ("beds_actual", "实有床位"),
    ("staff_total", "在岗职工"),
    ("health_tech_staff", "卫生技术人员"),
    ("doctors", "执业(助理)医师"),
    ("nurses", "注册护士"),
)
# No hospital has this many beds or staff (the largest in China have about 10,000 beds and
# 20,000 staff); a larger figure is a typing slip, and past 2^63 SQLite cannot even store it.
COUNT_MAX = 100_000


@dataclass
class InstitutionData:
    """What a form or an import row holds for one institution, before it is stored."""

    name: str = ""
    uscc: str = ""
    licence_no: str = ""
    division: str = ""
    category: str = ""
    level: str = "未定级"
    ownership: str = "公立"
    role: str = lists.ROLE_MEMBER
    joined: dt.date | None = None
    left: dt.date | None = None
    beds_authorised: int = 0
    beds_actual: int = 0
    staff_total: int | None = None  # 在岗职工: None while not known (not 0)
    health_tech_staff: int = 0
    doctors: int = 0
    nurses: int = 0
    address: str = ""
    contact: str = ""
    phone: str = ""

    def normalized(self) -> InstitutionData:
        """A copy with codes normalised and names trimmed, as it will be stored."""
        values = {name: getattr(self, name) for name in _FIELDS}
        values["name"] = normalize_name(self.name)
        values["uscc"] = normalize_code(self.uscc)
        values["licence_no"] = normalize_code(self.licence_no)
        values["division"] = normalize_code(self.division)
        values["phone"] = "".join(clean(self.phone).split())
        values["address"] = clean(self.address).strip()
        values["contact"] = clean(self.contact).strip()
        return InstitutionData(**values)


_FIELDS = tuple(f.name for f in fields(InstitutionData))


def _check_choice(value: str, choices: tuple[str, ...], field: str, label: str) -> list[Problem]:
    if not value:
        return [error(field, f"{label}为必填项")]
    if value not in choices:
        return [error(field, f"{label}“{value}”不在规定的选项中")]
    return []


def _check_name(name: str) -> list[Problem]:
    if not name:
        return [error("name", "机构名称为必填项")]
    if has_break(name):
        return [error("name", break_message("机构名称"))]
    if len(name) > 100:
        return [error("name", f"机构名称不得超过100个字符（现为{len(name)}个）")]
    return []


def _check_uscc(d: InstitutionData) -> list[Problem]:
    if not d.uscc:
        if d.category in lists.USCC_OPTIONAL_CATEGORIES:
            return []
        return [error("uscc", "统一社会信用代码为必填项（仅村卫生室、社区卫生服务站可不填）")]
    return check_uscc(d.uscc)


def _check_dates(d: InstitutionData) -> list[Problem]:
    if d.joined is None:
        return [error("joined", "加入日期为必填项")]
    if d.left is not None and d.left < d.joined:
        return [error("left", "退出日期不得早于加入日期")]
    return []


def _check_counts(d: InstitutionData) -> list[Problem]:
    problems = []
    for field, label in COUNT_FIELDS:
        value = getattr(d, field)
        if value is None and field == "staff_total":
            continue
        if not isinstance(value, int) or value < 0:
            problems.append(error(field, f"{label}应为不小于0的整数"))
        elif value > COUNT_MAX:
            problems.append(error(field, f"{label}超过上限：不得大于{COUNT_MAX:,}，请核对"))
    if problems:
        return problems
    if d.beds_authorised and d.beds_actual > 1.5 * d.beds_authorised:
        problems.append(
            warning("beds_actual", f"实有床位 {d.beds_actual} 超过编制床位的1.5倍，请核对")
        )
    if d.doctors + d.nurses > d.health_tech_staff:
        problems.append(
            error("health_tech_staff", "执业(助理)医师与注册护士之和不得超过卫生技术人员数")
        )
    if d.staff_total is not None and d.health_tech_staff > d.staff_total:
        problems.append(error("staff_total", "卫生技术人员数不得超过在岗职工数"))
    return problems


def validate_institution(data: InstitutionData) -> list[Problem]:
    """Every single-record rule; uniqueness and the lead-unit rule need the store."""
    return validate_normalized(data.normalized())


def validate_normalized(d: InstitutionData) -> list[Problem]:
    """``validate_institution`` of data that is ``normalized()`` already (an import normalizes
    each row once and checks it with this)."""
    problems = _check_name(d.name)
    problems += _check_uscc(d)
    if len(d.licence_no) > 30:
        problems.append(error("licence_no", "医疗机构执业许可证登记号不得超过30个字符"))
    problems += (
        check_division(d.division) if d.division else [error("division", "行政区划代码为必填项")]
    )
    problems += _check_choice(d.category, lists.CATEGORIES, "category", "机构类别")
    problems += _check_choice(d.level, lists.LEVELS, "level", "机构等级")
    problems += _check_choice(d.ownership, lists.OWNERSHIPS, "ownership", "经济类型")
    problems += _check_choice(d.role, lists.ROLES, "role", "医联体角色")
    problems += _check_dates(d)
    problems += _check_counts(d)
    problems += check_phone(d.phone)
    if has_break(d.contact):
        problems.append(error("contact", break_message("联系人")))
    problems += ric_in_text_problems(d.contact, "contact", "联系人")
    problems += ric_in_text_problems(d.address, "address", "地址")
    return problems


def normalized_and_checked(data: InstitutionData) -> tuple[InstitutionData, list[Problem]]:
    """``data.normalized()`` and its problems (``validate_normalized``). A copy without errors
    carries the proof of it: ``checked(copy)`` holds while its values stay those checked, and
    the store's bulk commands then skip these single-record rules (an import checks every row
    before it writes; checking each again cost 7 % of a 10,000-row import, issue #18). The
    rules that need the database are checked there all the same."""
    d = data.normalized()
    problems = validate_normalized(d)
    if not has_errors(problems):
        d.__dict__[_PROOF] = _values(d)
    return d, problems


def checked(d: InstitutionData) -> bool:
    """``d`` came from ``normalized_and_checked`` without errors and is unchanged since."""
    proof = d.__dict__.get(_PROOF)
    return proof is not None and proof == _values(d)


_PROOF = "_checked_values"  # not a field: replace(), eq and repr leave it out
_values = attrgetter(*_FIELDS)


def validate_consortium(*, name: str, kind: str, division: str) -> list[Problem]:
    problems: list[Problem] = []
    name = normalize_name(name)
    if not name:
        problems.append(error("name", "医联体名称为必填项"))
    elif has_break(name):
        problems.append(error("name", break_message("医联体名称")))
    elif len(name) > 60:
        problems.append(error("name", "医联体名称不得超过60个字符"))
    problems += _check_choice(kind, lists.CONSORTIUM_KINDS, "kind", "医联体类型")
    division = normalize_code(division)
    problems += check_division(division) if division else [error("division", "所在地区为必填项")]
    return problems
