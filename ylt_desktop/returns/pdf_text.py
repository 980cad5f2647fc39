"""Placing many short texts in one reportlab text object, each text encoded once.

``PDFTextObject.setTextOrigin`` + ``textOut`` re-encode every string into the embedded font's
subsets (``TTFont.splitString``), escape it and measure it to move a cursor nobody reads. A
return repeats the same texts thousands of times (units, forms, dates, 0), so :class:`Placer`
keeps each text's operators and appends them as ``textOut`` would: the content stream is the
same, operator for operator (``tests/returns/test_pdf_text.py`` compares them). It leans on
reportlab's text object internals (``_code``, ``_curSubset``, ``_fontsize``, ``_leading``) and
its TrueType font's subset bookkeeping; reportlab is pinned below 6 in pyproject.toml.
"""

from __future__ import annotations

from typing import Any


class Placer:
    """Appends ``Tm`` + the text's ``Tj`` operators to a text object of ``canvas`` set in a
    TrueType (subset, not shaped) font; one cache per canvas (subset numbers are per document)."""

    def __init__(self, canvas: Any, font_name: str) -> None:
        from reportlab.lib.rl_accel import fp_str
        from reportlab.pdfbase.pdfmetrics import getFont

        if not canvas.bottomup:
            raise ValueError("a top-down canvas")
        self.canvas = canvas
        self.font = getFont(font_name)
        if not getattr(self.font, "_dynamicFont", False) or getattr(self.font, "shapable", False):
            raise ValueError(f"{font_name} is not a plain TrueType font")
        self.fp_str = fp_str
        self._parts: dict[str, list[tuple[int, str]]] = {}
        self._names: dict[int, str] = {}
        self._fonts: dict[tuple[int, float, float], str] = {}
        self._ops: dict[tuple[str, int, float, float], tuple[str, int]] = {}
        self._home: dict[tuple[float, float], dict[str, str]] = {}
        state = self.font._assignState(canvas._doc)
        self._ascii = all(state.assignments.get(n) == n for n in range(32, 127))

    def _encoded(self, text: str) -> list[tuple[int, str]]:
        parts = self._parts.get(text)
        if parts is None:
            escape = self.canvas._escape
            parts = self._parts[text] = [
                (subset, f"({escape(t)}) Tj") for subset, t in self._split(text)
            ]
        return parts

    def _split(self, text: str) -> list[tuple[int, bytes]]:
        """``font.splitString(text, doc)``; printable ASCII (codes, numbers, dates: most
        texts) directly, as the font's state keeps it: subset 0, each character its own code."""
        if self._ascii and text.isascii() and text.isprintable():
            return [(0, text.encode("ascii"))] if text else []
        return self.font.splitString(text, self.canvas._doc)

    def font_op(self, subset: int, size: float, leading: float) -> str:
        """The operators that select ``subset`` of the font at ``size`` and ``leading``."""
        key = (subset, size, leading)
        op = self._fonts.get(key)
        if op is None:
            name = self.font.getSubsetInternalName(subset, self.canvas._doc)
            op = self._fonts[key] = f"{name} {self.fp_str(size)} Tf {self.fp_str(leading)} TL"
        return op

    def operators(self, text: str, subset: int, size: float, leading: float) -> tuple[str, int]:
        """``text``'s operators after ``subset`` was the current one, and the subset current
        after them (what ``textOut`` writes after ``Tm``)."""
        ops = []
        for part, tj in self._encoded(text):
            if part != subset:
                ops.append(self.font_op(part, size, leading))
                subset = part
            ops.append(tj)
        return " ".join(ops), subset

    def operators_home(self, text: str, size: float, leading: float) -> str:
        """`` Tm`` and the operators that show ``text`` when the font's subset 0 is current,
        ending with it current again."""
        key = (size, leading)
        known = self._home.get(key)
        if known is None:
            known = self._home[key] = {}
        found = known.get(text)
        if found is None:
            ops, subset = self.operators(text, 0, size, leading)
            if subset != 0:
                ops = f"{ops} {self.font_op(0, size, leading)}"
            found = known[text] = f" Tm {ops}" if ops else " Tm"
        return found

    def place(self, text_object: Any, x: float, y: float, text: str) -> None:
        """What ``text_object.setTextOrigin(x, y); text_object.textOut(text)`` writes
        (bottom-up canvas). The cursor is left where it was: nothing here reads it."""
        key = (text, text_object._curSubset, text_object._fontsize, text_object._leading)
        found = self._ops.get(key)
        if found is None:
            found = self._ops[key] = self.operators(*key)
        code = text_object._code
        code.append(f"1 0 0 1 {self.fp_str(x, y)} Tm")
        code.append(found[0])
        text_object._curSubset = found[1]


def placer(canvas: Any, font_name: str) -> Placer:
    """The canvas's :class:`Placer` for ``font_name`` (made on first use)."""
    placers = canvas.__dict__.setdefault("_ylt_placers", {})
    found = placers.get(font_name)
    if found is None:
        found = placers[font_name] = Placer(canvas, font_name)
    return found
