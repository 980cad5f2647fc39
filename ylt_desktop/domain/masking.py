"""Identity numbers found inside free text (a log line, a traceback, an audit value), masked.

Pure ``re`` and ``datetime``: the log formatter imports this before the window's first paint.
Log lines and error boxes mask anything shaped like a number (``mask_id_numbers``: a
traceback may hold one mistyped); the audit log masks only what is one
(``mask_identity_numbers``), so a clerk can still read an 18-digit 统一社会信用代码 there.
"""

from __future__ import annotations

import datetime as dt
import re

# An 18-character identity number (17 digits and a digit or X) standing on its own in text:
# kept as its first 6 and last 4 characters, as ``codes.mask_id`` shows one (DESIGN.md §1).
# Full-width too (typed in 全角 mode: １１０１０５…Ｘ): ``\d`` takes its digits, the classes
# its X and its letters and digits around.
_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
_ID_NUMBER = re.compile(rf"(?<![{_ALNUM}])(\d{{6}})\d{{8}}(\d{{3}}[\dXxＸｘ])(?![{_ALNUM}])")

# GB 11643: the first 17 digits weighted by 2^(17-i) mod 11; the check character by remainder.
_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK = "10X98765432"


def _masked(m: re.Match[str]) -> str:
    return f"{m.group(1)}********{m.group(2)}"


def mask_id_numbers(text: str) -> str:
    """``text`` with everything shaped like an identity number in it masked."""
    return _ID_NUMBER.sub(_masked, text)


def is_identity_number(number: str) -> bool:
    """18 characters with the right check character and a real birth date not after today
    (``codes.check_ric`` says why not, in Chinese; this is the quick yes/no)."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    digits = [int(c) for c in number[:17]]  # int() reads full-width digits too
    expected = _CHECK[sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11]
    last = number[17].upper().replace("Ｘ", "X").replace("ｘ", "X")
    if last != expected and not (last.isdigit() and str(int(last)) == expected):
        return False
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return birth <= dt.date.today()


def mask_identity_numbers(text: str) -> str:
    """``text`` with every identity number in it masked; 18 digits that are no identity
    number (an all-digit 统一社会信用代码, a wrong check character) are kept as they are."""
    return _ID_NUMBER.sub(
        lambda m: _masked(m) if is_identity_number(m.group()) else m.group(), text
    )
