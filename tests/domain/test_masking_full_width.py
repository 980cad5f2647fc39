"""An identity number typed in 全角 mode (１１０１０５…, Ｘ) is as much one as a half-width one:
``ric_in_text`` (which folds full-width first) refuses it in a note or title, but the masking
of the log lines, the audit log, the pre-export check and the lead's refusals let it through
whole (its last character had to be an ASCII digit or X)."""

from __future__ import annotations

import datetime as dt

from tests.helpers.people import ric
from ylt_desktop.domain.codes import ric_in_text
from ylt_desktop.domain.masking import is_identity_number, mask_id_numbers, mask_identity_numbers

_FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _numbers() -> list[str]:
    """A half-width number ending in a digit and one ending in X (one in 11 does)."""
    found: dict[bool, str] = {}
    for seq in range(40):
        n = ric(dt.date(1984, 7, 9), "女", seq)
        found.setdefault(n.endswith("X"), n)
    return [found[False], found[True]]


def test_a_full_width_identity_number_is_masked_in_free_text() -> None:
    for half in _numbers():
        for typed in (half.translate(_FULL), half[:-1] + half[-1].translate(_FULL)):
            assert ric_in_text(f"备注{typed}号"), typed  # what the rules refuse
            assert is_identity_number(typed), typed
            for mask in (mask_identity_numbers, mask_id_numbers):
                shown = mask(f"王芳{typed}坐诊")
                assert typed not in shown and typed[6:14] not in shown, (mask, shown)
                assert shown == f"王芳{typed[:6]}********{typed[14:]}坐诊"


def test_full_width_digits_of_no_identity_number_are_kept_in_the_audit_texts() -> None:
    half = _numbers()[0]
    wrong = (half[:-1] + str((int(half[-1]) + 1) % 10)).translate(_FULL)
    assert mask_identity_numbers(f"号码{wrong}") == f"号码{wrong}"
