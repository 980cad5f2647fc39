"""Checks for the codes that records carry (DESIGN §2 and the phone rule of §1).

统一社会信用代码 (GB 32100), 居民身份证号码 (GB 11643), 行政区划代码 (GB/T 2260) and
联系电话. python-stdnum does the check-digit arithmetic and holds the GB/T 2260 table;
this module adds normalisation, Chinese messages and the error/warning split.

stdnum's table is historical: a county entry reads like ``[1983-1993]潮阳县`` or
``[1983-2001]郊区,[2002-]青山湖区``. ``ric.validate`` rejects an ID whose county code
was not in use in the birth year, which is wrong for everyone born before a code was
created, so the region of an ID is looked up here and is never more than a warning.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from ylt_desktop.domain.problems import Problem, error, warning
from ylt_desktop.domain.text import clean, normalize_code, to_half_width

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_BANNED = "IOZSV"
# GB 11714 organisation code (characters 9-17 of a USCC): weights over the first eight.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

PROVINCE_CODES: frozenset[str] = frozenset(
    str(n)
    for n in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    )
)

_RIC_RE = re.compile(r"[0-9]{17}[0-9X]")
_DIVISION_RE = re.compile(r"[0-9]{6}(?:[0-9]{3}){0,2}")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_RE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(?:(?:-|转)[0-9]{1,6})?")
_PERIOD_RE = re.compile(r"\[([0-9]*)-([0-9]*)\](.+)")


# --- 统一社会信用代码 -------------------------------------------------------------


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are given."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError(f"need 17 characters from {USCC_ALPHABET}: {first17!r}")
    return uscc.calc_check_digit(first17)


def _org_check_char(body: str) -> str:
    """GB 11714 check character for the eight-character organisation code body."""
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _illegal_uscc_chars(code: str, field: str, label: str) -> list[Problem]:
    bad = list(dict.fromkeys(c for c in code if c not in USCC_ALPHABET))
    if not bad:
        return []
    if all(c in _USCC_BANNED for c in bad):
        rule = "不得使用 I、O、Z、S、V"
    else:
        rule = "只能使用数字和大写字母，不得使用 I、O、Z、S、V"
    return [error(field, f"{label}含非法字符 {'、'.join(bad)}（{rule}）")]


def check_uscc(
    value: str | None, *, field: str = "uscc", label: str = "统一社会信用代码"
) -> list[Problem]:
    """Problems with a USCC; empty input has none (whether it is required is not ours)."""
    code = normalize_code(value)
    if not code:
        return []
    problems = _illegal_uscc_chars(code, field, label)
    if len(code) != 18:
        problems.insert(0, error(field, f"{label}应为18位，现为{len(code)}位"))
    if problems:
        return problems
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        problems.append(error(field, f"{label}校验位错误，应为 {expected}"))
    # A few older codes break the embedded GB 11714 check, so only warn (DESIGN §2).
    org = _org_check_char(code[8:16])
    if code[16] != org:
        message = f"{label}第9–17位（组织机构代码）校验位不符，应为 {org}，请核对"
        problems.append(warning(field, message))
    return problems


# --- GB/T 2260 table ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Region:
    """One six-digit code of stdnum's table: its province and (start, end, name) periods."""

    province: str
    periods: tuple[tuple[int | None, int | None, str], ...]

    @property
    def name(self) -> str:
        """The latest name; the table lists periods oldest first."""
        return self.periods[-1][2]

    @property
    def retired_after(self) -> int | None:
        """The last year the code was in use, or None while it still is."""
        ends = [end for _start, end, _name in self.periods]
        if any(end is None for end in ends):
            return None
        return max(e for e in ends if e is not None)


def _periods(county: str) -> tuple[tuple[int | None, int | None, str], ...]:
    out = []
    for part in county.split(","):
        match = _PERIOD_RE.fullmatch(part)
        if match is None:
            out.append((None, None, part))
            continue
        start, end, name = match.groups()
        out.append((int(start) if start else None, int(end) if end else None, name))
    return tuple(out)


@cache
def _region(code6: str) -> _Region | None:
    """Look up six digits the way ``ric.get_birth_place`` does, without its year filter."""
    parts = numdb.get("cn/loc").info(code6)
    info = {k: v for _part, props in parts for k, v in props.items()}
    if "county" not in info or "province" not in info:
        return None
    return _Region(info["province"], _periods(info["county"]))


# --- 居民身份证号码 -------------------------------------------------------------


def ric_check_char(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError(f"need 17 digits: {first17!r}")
    # stdnum's calc_check_digit expects the check position present and ignores it.
    return ric.calc_check_digit(first17 + "0")


def ric_birth_date(value: str) -> datetime.date | None:
    """The birth date in an 18-character ID number, or None if there is no real one."""
    number = normalize_code(value)
    if not _RIC_RE.fullmatch(number):
        return None
    try:
        return ric.get_birth_date(number)
    except ValidationError:
        return None


def ric_sex(value: str) -> str | None:
    """男 when digit 17 is odd, 女 when even; None if the number cannot be read."""
    number = normalize_code(value)
    if not _RIC_RE.fullmatch(number):
        return None
    return "男" if int(number[16]) % 2 else "女"


def _ric_region_problems(
    number: str, birth: datetime.date | None, field: str, label: str
) -> list[Problem]:
    code = number[:6]
    region = _region(code)
    if region is None:
        return [warning(field, f"{label}中的地区码 {code} 不在区划表中，请核对")]
    # An ID keeps its code for life, so only a code retired before birth is odd.
    last = region.retired_after
    if birth is not None and last is not None and birth.year > last:
        message = (
            f"{label}中的地区码 {code}（{region.name}）于 {last} 年后停用，"
            f"与出生年份 {birth.year} 不符，请核对"
        )
        return [warning(field, message)]
    return []


def check_ric(
    value: str | None,
    *,
    field: str = "id_number",
    label: str = "居民身份证号码",
    today: datetime.date | None = None,
) -> list[Problem]:
    """Problems with a 居民身份证号码; the region is only ever a warning."""
    number = normalize_code(value)
    if not number:
        return []
    if len(number) != 18:
        return [error(field, f"{label}应为18位，现为{len(number)}位")]
    if not _RIC_RE.fullmatch(number):
        return [error(field, f"{label}格式不正确：前17位应为数字，末位为数字或 X")]
    problems = []
    expected = ric_check_char(number[:17])
    if number[17] != expected:
        problems.append(error(field, f"{label}校验位错误，应为 {expected}"))
    birth = ric_birth_date(number)
    if birth is None or birth > (today or datetime.date.today()):
        shown = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        problems.append(error(field, f"{label}中的出生日期 {shown} 不存在或晚于今天"))
    if number[:2] not in PROVINCE_CODES:
        problems.append(error(field, f"{label}前两位 {number[:2]} 不是省级代码"))
    else:
        problems.extend(_ric_region_problems(number, birth, field, label))
    return problems


# 17 digits and a digit or X standing on their own inside free text (full-width folded first).
_RIC_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def ric_in_text(value: str | None) -> bool:
    """``value`` holds a whole, valid 居民身份证号码 (check character and birth date right): a
    name or note typed or pasted with the person's number, which every list, the return and
    the package would then show unmasked. An 18-digit 统一社会信用代码 does not pass the
    checks (its 7th–14th digits are no date), so it is not taken for one."""
    if not value or not any(ch.isdigit() for ch in value):
        return False
    text = to_half_width(value)
    return any(
        not any(p.is_error for p in check_ric(m.group())) for m in _RIC_IN_TEXT.finditer(text)
    )


def ric_in_text_problems(value: str | None, field: str, label: str) -> list[Problem]:
    """An error when ``value`` (the field ``label``) holds a whole identity number."""
    if not ric_in_text(value):
        return []
    return [
        error(
            field,
            f"{label}中含有居民身份证号码：身份证号码只能填在“证件号码”一栏"
            "（其他栏目会原样显示在列表和报表上，不做脱敏），请删去",
        )
    ]


def unless_kept(problems: list[Problem], value: str | None, stored: str | None) -> list[Problem]:
    """``problems`` of a free text (``ric_in_text_problems``) as warnings when the text was
    saved before the rule (``stored``) and this change keeps it as it was: the record's other
    fields can still be saved (an agreement's volumes from a member's package, a rotation's
    dates from an import repeating its 备注), and it still opens and exports. Typed anew
    (``stored`` None: a new record), it is refused."""
    if not problems or stored is None or clean(stored).strip() != clean(value).strip():
        return problems
    return [warning(p.field, p.message) for p in problems]


def mask_id(value: str | None) -> str:
    """Identity number for display: ``110105********002X``.

    15 characters or more keep the first 6 and last 4; 8 to 14 keep only the last 4;
    anything shorter is masked whole, since keeping 4 would show most of it.
    """
    # A stored code is plain ASCII: upper-casing is all normalize_code would do (lists mask
    # tens of thousands at a time).
    plain = value and value.isascii() and value.isalnum()
    text = value.upper() if plain else normalize_code(value)
    n = len(text)
    if n >= 15:
        return text[:6] + "*" * (n - 10) + text[-4:]
    if n >= 8:
        return "*" * (n - 4) + text[-4:]
    return "*" * n


# --- 行政区划代码 ----------------------------------------------------------------


def check_division(
    value: str | None, *, field: str = "division", label: str = "行政区划代码"
) -> list[Problem]:
    """Problems with a 6-, 9- or 12-digit division code; unknown counties only warn."""
    code = normalize_code(value)
    if not code:
        return []
    if not _DIVISION_RE.fullmatch(code):
        return [error(field, f"{label}应为6、9或12位数字")]
    if code[:2] not in PROVINCE_CODES:
        return [error(field, f"{label}前两位 {code[:2]} 不是省级代码")]
    region = _region(code[:6])
    if region is None or region.retired_after is not None:
        return [warning(field, f"{label} {code[:6]} 不在现行区划表中，请核对")]
    return []


def division_name(value: str | None) -> str | None:
    """``360428`` → ``江西省 都昌县`` (a retired code gets its last name); unknown → None.

    9- and 12-digit codes are named by their county: the table stops there.
    """
    code = normalize_code(value)
    if not _DIVISION_RE.fullmatch(code):
        return None
    region = _region(code[:6])
    if region is None:
        return None
    if code[2:6] == "0000":
        return region.name
    return f"{region.province} {region.name}"


@cache
def _current_divisions() -> tuple[tuple[str, str], ...]:
    """(six-digit code, current name) of every code of the table still in use, in code order."""
    found = []
    for _len, low, high, props, children in numdb.get("cn/loc").prefixes:
        if low != high or low not in PROVINCE_CODES:
            continue
        for _l, rest, rest_high, info, _c in children:
            if rest != rest_high or "county" not in info:
                continue
            periods = _periods(info["county"])
            if all(end is None for _s, end, _n in periods[-1:]):
                found.append((low + rest, periods[-1][2]))
        if not any(code == low + "0000" for code, _name in found):
            found.append((low + "0000", props.get("province", low)))
    return tuple(sorted(found))


def divisions_under(parent: str | None = None) -> list[tuple[str, str]]:
    """(code, name) one level under ``parent`` from the GB/T 2260 table, for a picker:
    the provinces (``None``), a province's cities (``360000``), a city's counties (``360400``).

    市辖区 rows are left out; a province-level city's districts sit under its ``XX0100`` or
    ``XX0200`` row, as in the table.
    """
    table = _current_divisions()
    if parent is None:
        return [(c, n) for c, n in table if c.endswith("0000")]
    parent = normalize_code(parent)
    if parent.endswith("0000"):
        prefix = parent[:2]
        return [
            (c, n)
            for c, n in table
            if c.startswith(prefix) and c.endswith("00") and not c.endswith("0000")
        ]
    prefix = parent[:4]
    return [
        (c, n) for c, n in table if c.startswith(prefix) and not c.endswith("00") and n != "市辖区"
    ]


# --- 联系电话 --------------------------------------------------------------------


def check_phone(
    value: str | None, *, field: str = "phone", label: str = "联系电话"
) -> list[Problem]:
    """A mobile ``1[3-9]`` + 9 digits, or a landline ``0791-88888888`` with extension."""
    phone = "".join(to_half_width(value or "").split())
    if not phone or _MOBILE_RE.fullmatch(phone) or _LANDLINE_RE.fullmatch(phone):
        return []
    message = (
        f"{label}格式不正确：手机号为11位数字，以13至19开头；"
        "座机号以0开头，写成“区号-号码”，如 0791-88888888"
    )
    return [error(field, message)]


def make_uscc(prefix: str, division: str, org_body: str) -> str:
    """A valid USCC from its registration prefix (2), division (6) and organisation body (8).

    Used by the demo and test data generators; both check characters are computed.
    """
    first17 = prefix + division + org_body + _org_check_char(org_body)
    return first17 + uscc_check_char(first17)
