"""Excel's limit on one cell's text, counted as Excel counts it (no openpyxl here: the
pre-export check uses it too, and runs at start for the overview).

Excel holds at most 32,767 characters in a cell and counts them in UTF-16 code units, so a
character outside the BMP (a rare CJK ideograph in a name, U+20000 and up; an emoji) counts
two. openpyxl cuts a text at 32,767 code points, which leaves such a text up to twice too
long, and Excel then refuses the whole workbook ("We found a problem with some content").
"""

from __future__ import annotations

MAX_TEXT = 32_767  # UTF-16 code units in one Excel cell
CUT_MARK = "…（超出Excel单元格长度上限，以下从略）"
SAFE = MAX_TEXT // 2  # a text of this many code points fits even if all are outside the BMP


def excel_length(text: str) -> int:
    """The length of ``text`` as Excel counts it towards a cell's limit: UTF-16 code units."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def fits_a_cell(text: str) -> bool:
    return len(text) <= SAFE or excel_length(text) <= MAX_TEXT


def cell_text(text: str) -> str:
    """``text`` as one Excel cell can hold it: itself when within ``MAX_TEXT`` UTF-16 code
    units; else as much of it as fits (whole characters) followed by ``CUT_MARK``."""
    if fits_a_cell(text):
        return text
    room = MAX_TEXT - excel_length(CUT_MARK)
    # A pair cut in half leaves a lone high surrogate at the end: "ignore" drops it.
    kept = text.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
    return kept + CUT_MARK
