"""Measuring table text in the PDF font and breaking it into lines; column widths.

Shared by the PDF tables (``pdf_table``) and the in-program print (``ui/print_return``).
Each text is measured once per layout (returns repeat many texts).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from ylt_desktop.returns.layout import display_text, header_pieces
from ylt_desktop.returns.model import Table

Breaks = dict[str, tuple[str, ...]]

FONT = "WQYMicroHei"
FONT_SIZE = 8
# A line never starts with closing punctuation nor ends with opening punctuation.
CLOSING = set("，。、；：！？）》」』】〕,.;:!?)]}%")
OPENING = set("（《「『【〔([{")

Measure = Callable[[str], float]


def measurer() -> Measure:
    """``stringWidth`` in the table font, cached per text (returns repeat many texts)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    cache: dict[str, float] = {}

    def measure(text: str) -> float:
        w = cache.get(text)
        if w is None:
            w = cache[text] = stringWidth(text, FONT, FONT_SIZE)
        return w

    return measure


def _is_wide_char(ch: str) -> bool:
    return ord(ch) > 0x2E7F or unicodedata.east_asian_width(ch) in "WF"


def _tokens(text: str) -> list[str]:
    """Break opportunities: every CJK character, ASCII runs at spaces (spaces kept alone)."""
    tokens = _token_pattern().findall(text)
    if not _glue_pattern().search(text):
        return tokens
    glued: list[str] = []
    for tok in tokens:
        if glued and (tok[0] in CLOSING or glued[-1][-1] in OPENING) and tok != " ":
            glued[-1] += tok
        else:
            glued.append(tok)
    return glued


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    """A wide character (``_is_wide_char``), a space, or a run of anything else."""
    wide, start = [], None
    for code in range(0x2E80 + 1):
        if code < 0x2E80 and _is_wide_char(chr(code)):
            start = code if start is None else start
        elif start is not None:
            wide.append(f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    cls = "".join(wide) + "\\U00002e80-\\U0010ffff"
    return re.compile(f"[{cls}]| |[^ {cls}]+")


@functools.cache
def _glue_pattern() -> re.Pattern[str]:
    return re.compile("[" + re.escape("".join(sorted(CLOSING | OPENING))) + "]")


def break_lines(text: str, width: float, measure: Measure) -> list[str]:
    """``text`` in lines no wider than ``width`` (a lone token wider than that is cut)."""
    lines: list[str] = []
    line, used = "", 0.0
    for tok in _tokens(text):
        w = measure(tok)
        if used + w <= width or not line.strip():
            if w > width and not line.strip():  # one long word: cut by character
                for ch in tok:
                    cw = measure(ch)
                    if used + cw > width and line:
                        lines.append(line)
                        line, used = "", 0.0
                    line += ch
                    used += cw
                continue
            if tok == " " and not line:
                continue
            line += tok
            used += w
            continue
        lines.append(line.rstrip())
        line, used = ("", 0.0) if tok == " " else (tok, w)
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def fit_widths(
    table: Table,
    avail: float,
    texts: list[list[str]] | None = None,
    breaks: Breaks | None = None,
    *,
    columns: list[list[str]] | None = None,
    measure: Measure | None = None,
) -> list[float]:
    """Column widths in points that fill ``avail``.

    Each column asks for its longest cell on one line and at least its header's widest piece
    (headers break only between pieces, ``layout.header_pieces``). Chinese text columns may
    wrap, so when the page is too narrow only they give way; codes, numbers and dates keep
    their natural width so they never break mid-number. ``columns`` (``_columns``) instead of
    the rows ``texts`` saves transposing them; ``measure`` shares a layout's cache.
    """
    if measure is None:
        measure = measurer()
    if columns is None:
        columns = [list(c) for c in zip(*texts, strict=True)] if texts else _columns(table)

    def w(text: str) -> float:
        return measure(text) + 5

    want, flexible, floor = [], [], []
    for i, col in enumerate(table.columns):
        column = set(columns[i]) if columns else set()
        head = max(w(p) for p in header_pieces(col.header, breaks))
        natural = max([w(t) for t in column] + [head])
        # A text without Chinese wraps too once it is long (a pasted link or English in
        # 备注): kept on one line it took the page and shrank every other column to slivers.
        wraps = col.kind == "text" and (_any_wide(column) or natural > avail / 3)
        want.append(min(natural, avail / 3) if wraps else natural)
        flexible.append(wraps)
        # Short values (状态, 乡镇卫生院, a person's name) never wrap; long ones may, down to
        # 4 characters.
        short = natural <= w("中文中文中文")
        floor.append(natural if short else max(head, w("中文中文")))
    spare = avail - sum(want)
    if spare >= 0:
        return [x + spare * x / sum(want) for x in want]
    fitted = _shrink_flexible(want, flexible, floor, avail)
    if fitted is not None:
        return fitted
    # Even the rigid columns are too wide: shrink everything (cells wrap).
    return [x * avail / sum(want) for x in want]


def _any_wide(texts: set[str]) -> bool:
    """Whether any of ``texts`` holds a CJK character (past U+2E7F)."""
    return max("".join(texts), default="") > "\u2e7f"


def _texts(table: Table) -> list[list[str]]:
    rows = table.rows + table.total_rows
    return [[display_text(v) for v in row] for row in rows]


def _columns(table: Table) -> list[list[str]]:
    """Each column's texts, top down (rows, then the total rows)."""
    rows = table.rows + table.total_rows
    if not rows:
        return [[] for _ in table.columns]
    return [list(map(display_text, values)) for values in zip(*rows, strict=True)]


def _shrink_flexible(
    want: list[float], flexible: list[bool], floor: list[float], avail: float
) -> list[float] | None:
    """Scale the flexible columns down to fit, none below its floor; None when impossible."""
    fixed = {i: x for i, x in enumerate(want) if not flexible[i]}
    while True:
        free = [i for i in range(len(want)) if i not in fixed]
        room = avail - sum(fixed.values())
        if not free or room <= 0:
            return None
        scale = room / sum(want[i] for i in free)
        low = {i: floor[i] for i in free if want[i] * scale < floor[i]}
        if not low:
            return [fixed[i] if i in fixed else want[i] * scale for i in range(len(want))]
        fixed.update(low)
