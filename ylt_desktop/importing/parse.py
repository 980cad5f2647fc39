"""One cell → one typed value, or a Chinese message saying why not.

Clerks type dates as ``2026.7.1``, ``2026/7/1``, ``2026年7月1日`` or ``20260701``; Excel may store
them as serial numbers; numbers come with thousands separators or full-width digits; codes
typed into a number cell lose their leading zeros or, past 15 digits, their last digits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ylt_desktop.domain.text import clean

MAX_CELL = 500  # characters; no field of any record is longer
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (1, 2958465)  # 1900-01-01 … 9999-12-31
_DATE_RE = re.compile(r"(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_SEPARATORS = re.compile(r"[,，\s\u00a0'’]")


class CellError(ValueError):
    """A cell's value cannot become the field's type; ``str(exc)`` is the Chinese reason."""


def _nfkc(text: str) -> str:
    """Invisible characters (zero-width, bidi, BOM) dropped, NFKC, trimmed."""
    return clean(text).strip()


def check_length(value: Any) -> None:
    if isinstance(value, str) and len(value) > MAX_CELL:
        raise CellError(f"内容过长（{len(value)}个字符），单元格不得超过{MAX_CELL}个字符")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def to_text(value: Any) -> str:
    check_length(value)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _nfkc(str(value))


def to_code(value: Any, label: str) -> str:
    """A code (USCC, ID number, 区划代码): a number cell is accepted only while it is exact."""
    check_length(value)
    if isinstance(value, bool):
        raise CellError(f"{label}应为文本")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(f"{label}“{value}”不是有效的代码")
        digits = str(int(value))
        if len(digits) > 15:
            raise CellError(
                f"{label}被 Excel 存成了数字（{digits}），超过15位的数字末尾已丢失；"
                "请把该列设为“文本”格式后重新填写"
            )
        return digits
    return to_text(value)


def to_int(value: Any, label: str) -> int | None:
    """An integer, or None for an empty cell; ``1,234``, ``１２３`` and ``12.0`` are accepted."""
    number = _number(value, label)
    if number is None:
        return None
    if isinstance(number, float):
        if not number.is_integer():
            raise CellError(f"{label}应为整数（现为 {number:g}）")
        number = int(number)
    return number


def to_float(value: Any, label: str) -> float | None:
    number = _number(value, label)
    return None if number is None else float(number)


def _number(value: Any, label: str) -> int | float | None:
    check_length(value)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(f"{label}应为数字")
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.date):
        raise CellError(f"{label}应为数字，不是日期")
    text = _SEPARATORS.sub("", _nfkc(str(value)))
    text = text.rstrip("%") if text.endswith("%") else text
    if not _NUMBER_RE.fullmatch(text):
        raise CellError(f"{label}“{str(value).strip()}”不是数字")
    number = float(text)
    return int(number) if number.is_integer() and "." not in text else number


def to_date(value: Any, label: str) -> dt.date | None:
    """A date from a date cell, an Excel serial number or text in the common Chinese forms."""
    check_length(value)
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"{label}应为日期")
    if isinstance(value, int | float):
        return _serial(value, label)
    text = _nfkc(str(value))
    m = _DATE_RE.fullmatch(text) or _COMPACT_DATE_RE.fullmatch(text)
    if m is None:
        if re.fullmatch(r"\d+(\.0+)?", text):
            return _serial(float(text), label)
        raise CellError(
            f"{label}“{text}”不是可识别的日期（可写作 2026-07-01、2026/7/1、2026.7.1 或 2026年7月1日）"
        )
    year, month, day = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"{label}“{text}”不是有效的日期（{year}年没有{month}月{day}日）") from None


def _serial(number: float, label: str) -> dt.date:
    low, high = _SERIAL_RANGE
    if not low <= number <= high:
        raise CellError(f"{label}“{number:g}”不是有效的日期")
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


def split_names(value: Any) -> list[str]:
    """Recipients and the like: ``A、B，C;D`` → ``["A", "B", "C", "D"]``."""
    text = to_text(value)
    return [p.strip() for p in re.split(r"[、,，;；\n]+", text) if p.strip()]
