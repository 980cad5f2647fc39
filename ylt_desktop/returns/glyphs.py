"""Characters the return's PDF font cannot draw, and what the PDF prints instead.

The shipped font (WenQuanYi Micro Hei) covers the common Chinese characters but not the CJK
extensions, which hold rare characters of personal and place names (𬭚, 𫖯, 䶮 … several are in
the 通用规范汉字表 for names). reportlab draws such a character with the font's empty glyph,
so "李𬭚䶮" printed as "李" on a return that is signed and stamped. The PDF prints
``PLACEHOLDER`` ("〓", the printer's mark for a missing character) instead, so the gap shows
and can be written in by hand; the pre-export check names the records beforehand. The Excel
workbook keeps the characters: it is not drawn with this font.
"""

from __future__ import annotations

import functools
import unicodedata

PLACEHOLDER = "〓"
# Nothing to see, so nothing missing: controls, format characters, spaces, separators.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zs", "Zl", "Zp"})


def _variation_selector(ch: str) -> bool:
    """A variation selector: a variant shape of the character before it, printed as that."""
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x180B <= code <= 0x180F


def _marked(ch: str) -> bool:
    """A character the font lacks that the reader would miss. Not ``str.isprintable``: a
    private-use character (how older systems carry rare name characters) and one newer than
    this Python's Unicode (CJK Extension H and later) are "unprintable" to it, yet a name
    would lose them."""
    return unicodedata.category(ch) not in _INVISIBLE and not _variation_selector(ch)


@functools.cache
def _covered() -> frozenset[int]:
    """The code points the PDF font draws: mapped to a glyph with an outline (read once:
    ~0.06 s). Its cmap maps a few visible characters to an empty glyph (Ⅴ, Ⅹ, ǎ ǐ ǒ ǔ ǚ,
    ℃): drawn, they vanish like a character it lacks. Spaces are outline-less too, and
    never marked (``_marked``)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    from ylt_desktop.paths import font_path

    font = TTFontFile(str(font_path()), subfontIndex=0)
    at = font.glyphPos  # glyph g's outline: at[g] to at[g + 1] in the glyf table
    return frozenset(c for c, g in font.charToGlyph.items() if at[g] != at[g + 1])


def missing_characters(text: str | None) -> str:
    """The distinct visible characters of ``text`` the font cannot draw, in order."""
    if not text or text.isascii():
        return ""
    covered = _covered()
    found: list[str] = []
    for ch in text:
        if ord(ch) not in covered and _marked(ch) and ch not in found:
            found.append(ch)
    return "".join(found)


def shown(text: str) -> str:
    """``text`` as the PDF prints it: each visible character the font lacks as ``PLACEHOLDER``."""
    if not isinstance(text, str) or text.isascii():
        return text
    covered = _covered()
    if all(ord(ch) in covered for ch in text):
        return text
    return "".join(ch if ord(ch) in covered else _instead(ch) for ch in text)


def _instead(ch: str) -> str:
    if _variation_selector(ch):
        return ""  # the character before it is printed: no empty glyph after it
    return PLACEHOLDER if _marked(ch) else ch
