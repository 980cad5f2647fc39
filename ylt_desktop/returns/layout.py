"""Measures both writers share: text width with CJK characters counted as 2, column widths."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from ylt_desktop.returns.model import Table

MAX_WIDTH = 50


def text_width(text: str) -> int:
    """Display width in Excel character units: a CJK (wide) character counts as 2."""
    if text.isascii():  # codes, numbers and dates: most cells, and the fast path
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def display_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def column_widths(table: Table, *, max_width: float = MAX_WIDTH) -> list[float]:
    """The template width, widened to the longest text (CJK = 2), at most ``max_width``.

    Headers may wrap, so they only ask for half their width (a two-line header).
    """
    widths = []
    for i, col in enumerate(table.columns):
        longest = max((text_width(display_text(r[i])) for r in table.rows), default=0)
        header = text_width(col.header)
        widths.append(min(max_width, max(col.width, longest + 2, header / 2 + 2)))
    return widths
