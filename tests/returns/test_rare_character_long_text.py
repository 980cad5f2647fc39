"""A long text with a rare character is quoted by an excerpt around it, not whole.

The warning that a text prints with "〓" quoted the whole text: a 备注 of thousands of
characters (one Excel cell holds 32,767; the PDF prints any length) made a warning of
thousands, and the question 打印 / 打印预览 ask first (and the exported box) grew taller than
the screen, its 是 / 否 buttons off it (a 4,000-character 备注: a box 1,428 px tall on an
800 px screen). Short texts (names, titles) are still quoted whole.
"""

from __future__ import annotations

from ylt_desktop.returns.check_glyphs import frozen_glyph_messages

RARE = "𬭚"


def _note_messages(note: str) -> list[str]:
    rotation = {"staff_name": "张三", "id_type": "居民身份证", "id_number": "x", "note": note}
    records = {"rotations": [rotation]}
    return [m for m in frozen_glyph_messages(records, {}) if "备注" in m]


def test_a_long_note_is_quoted_by_an_excerpt_around_its_rare_character() -> None:
    note = "甲" * 3000 + f"李{RARE}明" + "乙" * 3000
    [message] = _note_messages(note)
    assert len(message) < 200, len(message)
    assert f"李{RARE}明" in message  # where it is, to find it on paper
    assert "…" in message and "6,003" in message  # cut, and how long the text is


def test_a_short_text_is_quoted_whole() -> None:
    note = f"请核对李{RARE}明的职称证书"
    [message] = _note_messages(note)
    assert f"“{note}”" in message
