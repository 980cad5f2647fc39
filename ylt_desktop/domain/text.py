"""Input normalisation shared by every code check and name comparison."""

from __future__ import annotations

import unicodedata


def to_half_width(value: str) -> str:
    """Full-width ASCII variants (Ａ, １, ＿) and the ideographic space become half-width."""
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
    """Half-width, no spaces at all, upper-case: how every code is stored and checked."""
    if not value:
        return ""
    return "".join(to_half_width(value).split()).upper()


def normalize_name(value: str | None) -> str:
    """Trimmed, full-width spaces removed, NFC: the form used for uniqueness of names."""
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).replace("\u3000", "")
    return value.strip()
