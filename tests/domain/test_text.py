"""Invisible characters and compatibility forms never reach a stored name or code (issue #11)."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from ylt_desktop.domain.text import clean, normalize_code, normalize_name

LEAD = "示例县人民医院"


def test_every_format_character_is_dropped():
    """The hard-coded list in text.py covers every Cf character this Python knows."""
    kept = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cf" and clean(f"a{chr(code)}b") != "ab"
    ]
    assert kept == []


@pytest.mark.parametrize(
    "hidden",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d",
     "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u00ad", "\x00", "\u3164"],
)  # fmt: skip
def test_names_and_codes_lose_invisible_characters(hidden):  # noqa: ANN001
    assert normalize_name(f"{hidden}{LEAD}{hidden}") == LEAD
    assert normalize_name(f"示例县{hidden}人民医院") == LEAD
    assert normalize_code(f"1210{hidden}0000400010398P") == "12100000400010398P"


def test_nfkc_folds_look_alikes_and_names_keep_full_width_brackets():
    assert normalize_name("示例县第１人民医院") == "示例县第1人民医院"
    assert normalize_name("\uf900示例") == "豈示例"  # CJK compatibility ideograph → unified
    assert normalize_name("示例县中医院(分院)") == normalize_name("示例县中医院（分院）")
    assert normalize_name("示例县中医院(分院)") == "示例县中医院（分院）"
    assert normalize_name("　示例　县 ") == "示例县"  # full-width spaces removed, as before
    assert normalize_code("ｍ０００１００ｙ４３") == "M000100Y43"
    assert clean("第1行\t第2行\n") == "第1行\t第2行\n"
