"""Measures both writers share: text width with CJK characters counted as 2, column widths."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
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


def column_widths(
    table: Table,
    *,
    max_width: float = MAX_WIDTH,
    breaks: dict[str, tuple[str, ...]] | None = None,
) -> list[float]:
    """The template width, widened to the longest text (CJK = 2), at most ``max_width``.

    Headers wrap only between their pieces (``header_pieces``), so a column is at least as
    wide as its widest piece.
    """
    widths = []
    for i, col in enumerate(table.columns):
        texts = set(map(display_text, [r[i] for r in table.rows]))  # each text measured once
        longest = max(map(text_width, texts), default=0)
        piece = max(text_width(p) for p in header_pieces(col.header, breaks))
        widths.append(min(max_width, max(col.width, longest + 2, piece + 2)))
    return widths


# A header may break after these and before those, besides the template's declared points.
_WORD_END = set("：:/、）)]")
_WORD_START = set("（([")


def header_pieces(text: str, breaks: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """The pieces a header never breaks inside: the template's (``本季度|工作天数``), else words.

    Without a declaration a header breaks only at spaces and around punctuation (after ``：``,
    ``/``, ``）``; before ``（``), never between two Chinese characters: "工作天/数" cannot happen.
    """
    declared = (breaks or {}).get(text)
    if declared:
        return list(declared)
    pieces: list[str] = []
    current = ""
    for ch in text:
        if (ch in _WORD_START or (ch != " " and current.endswith(" "))) and current.strip():
            pieces.append(current)
            current = ""
        current += ch
        if ch in _WORD_END:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces or [text]


def header_lines(pieces: list[str], width: float, measure: Callable[[str], float]) -> list[str]:
    """``pieces`` joined into as few lines as fit ``width``, breaking only between pieces."""
    lines: list[str] = []
    line, used = "", 0.0
    for piece in pieces:
        w = measure(piece)
        if line and used + w > width:
            lines.append(line.rstrip())
            line, used = piece.lstrip(), measure(piece.lstrip())
            continue
        line += piece
        used += w
    lines.append(line.rstrip())
    return lines
