"""Identity numbers found inside free text (a log line, a traceback, an audit value), masked.

Pure ``re``: the log formatter imports this before the window's first paint.
"""

from __future__ import annotations

import re

# An 18-character identity number (17 digits and a digit or X) standing on its own in text:
# kept as its first 6 and last 4 characters, as ``codes.mask_id`` shows one (DESIGN.md §1).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])")


def mask_id_numbers(text: str) -> str:
    """``text`` with every identity number in it masked."""
    return _ID_NUMBER.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
