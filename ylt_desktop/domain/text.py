"""Input normalisation shared by every code check and name comparison.

Every name, code and number that enters (a form, an import, a store command) passes through
``clean``: invisible characters are dropped (zero-width U+200B–U+200D, U+2060, the BOM U+FEFF,
the bidi controls U+202A–U+202E and U+2066–U+2069, the soft hyphen and every other Unicode
*format* character; control characters but tab and line breaks; the Hangul fillers that render
as blanks), then NFKC folds compatibility forms (full-width Ａ１, CJK compatibility ideographs)
into the plain ones. So "示例县人民医院" followed by U+200B *is* 示例县人民医院.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Every Unicode format character (category Cf: zero-width, bidi controls, BOM, soft hyphen,
# tags …; tests/domain/test_text.py checks this list against unicodedata), the control
# characters but tab and line breaks, and the blanks that are letters (Hangul fillers).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def clean(value: str | None) -> str:
    """Invisible characters removed, then NFKC; not trimmed."""
    if not value:
        return ""
    if value.isascii() and value.isprintable():  # no control character, nothing to fold
        return value
    if len(value) <= _REMEMBERED_LENGTH:  # an import repeats 村卫生室, 公立 … on every row
        return _folded(value)
    return _fold(value)


_REMEMBERED_LENGTH = 40


def _fold(value: str) -> str:
    value = _INVISIBLE.sub("", value)
    return value if value.isascii() else unicodedata.normalize("NFKC", value)


_folded = functools.lru_cache(maxsize=4096)(_fold)


def to_half_width(value: str) -> str:
    """Full-width ASCII variants (Ａ, １, ＿) and the ideographic space become half-width."""
    if value.isascii():  # nothing to change (most stored codes: masking 50,000 of them)
        return value
    out = []
    for ch in value:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def normalize_code(value: str | None) -> str:
    """Cleaned, half-width, no spaces at all, upper-case: how every code is stored and checked."""
    if not value:
        return ""
    if value.isascii() and value.isalnum():  # nothing to clean, fold or remove
        return value.upper()
    return "".join(to_half_width(clean(value)).split()).upper()


# NFKC turns the full-width brackets of Chinese names into ASCII ones; names keep the
# full-width form (GB/T 15834, and how registered names are written), whichever was typed.
_NAME_BRACKETS = str.maketrans("()", "（）")


def normalize_name(value: str | None) -> str:
    """Cleaned (NFKC, no invisible characters), brackets full-width, trimmed, full-width
    spaces removed: the form a name is stored in and judged unique on."""
    if not value:
        return ""
    return clean(value.replace("\u3000", "")).strip().translate(_NAME_BRACKETS)


# Tab and the line breaks that ``clean`` keeps (an address may be pasted over two lines; the
# other line-splitting controls, \x0b \x0c \x1c-\x1e \x85, it removes). A name or number
# holding one inside was pasted from several table cells or wrapped lines ("李秀英<Tab>女"):
# joining the parts could make a wrong name, so the rules refuse it.
_BREAKS = frozenset("\t\n\r\u2028\u2029")


def has_break(value: str | None) -> bool:
    """``value`` holds a tab or a line break between its characters (not only at its ends,
    which trimming removes)."""
    return bool(value) and not _BREAKS.isdisjoint(value.strip())


def break_message(label: str) -> str:
    """The message for a ``has_break`` value of the field ``label``."""
    return f"{label}不得包含换行或制表符（可能复制了多个单元格或多行文字），请只保留一行"
