"""pdf_text.Placer writes what reportlab's setTextOrigin + textOut write, operator for
operator, for any text in the return's font: the PDF's content does not depend on the cache."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from ylt_desktop.returns.pdf import register_font
from ylt_desktop.returns.pdf_table import FONT, FONT_SIZE, PARA_LEADING
from ylt_desktop.returns.pdf_text import Placer, placer

SAMPLES = [
    "",
    "0",
    "2026-07-01",
    "澄湖县石门镇卫生院",
    "(a) \\ b) 括号（全角）",
    "下沉 5 人，门诊 1,234 人次",
    "\u00a0不换行空格",
    "𠀀 罕用字 ☃ \ue000",  # outside the font / private use: glyph 0
    "".join(chr(0x4E00 + i) for i in range(600)),  # more than one 256-glyph subset
]


def _canvas():  # noqa: ANN202
    from reportlab.pdfgen.canvas import Canvas

    register_font()
    return Canvas(io.BytesIO(), initialFontName=FONT)


def _both(texts: list[str]) -> tuple[str, str]:
    """The same texts placed by reportlab and by the placer, each on its own canvas."""
    theirs, ours = _canvas(), _canvas()
    a, b = theirs.beginText(), ours.beginText()
    for t in (a, b):
        t.setFont(FONT, FONT_SIZE, PARA_LEADING)
    place = Placer(ours, FONT).place
    for n, text in enumerate(texts):
        a.setTextOrigin(10.5 + n, 500 - n * 9.6)
        a.textOut(text)
        place(b, 10.5 + n, 500 - n * 9.6, text)
    return a.getCode(), b.getCode()


def test_the_samples_give_the_same_operators() -> None:
    theirs, ours = _both(SAMPLES + SAMPLES[::-1] + SAMPLES)  # cached texts, other subsets first
    assert ours == theirs
    assert "Tf" in ours and ours.count(" Tm") == 3 * len(SAMPLES) + 1  # beginText sets one


@settings(deadline=None, max_examples=60)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=25))
def test_any_texts_give_the_same_operators(texts: list[str]) -> None:
    theirs, ours = _both(texts + texts)
    assert ours == theirs


def test_one_placer_per_canvas() -> None:
    canvas = _canvas()
    assert placer(canvas, FONT) is placer(canvas, FONT)
    assert placer(_canvas(), FONT) is not placer(canvas, FONT)


@settings(deadline=None, max_examples=60)
@given(st.lists(st.text(max_size=12), max_size=25))
def test_ascii_texts_give_the_same_operators(texts: list[str]) -> None:
    """Printable ASCII is encoded by the placer itself (not reportlab's splitString), before
    and after other characters took codes in the font's subsets: it must still match."""
    wide = SAMPLES[-1]
    ascii_texts = [t.encode("ascii", "replace").decode() for t in texts]
    theirs, ours = _both([*ascii_texts, wide, "(a) \\ b)", *texts, "".join(ascii_texts)])
    assert ours == theirs
