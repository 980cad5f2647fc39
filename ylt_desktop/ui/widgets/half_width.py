"""Full-width digits (１２, typed with a Chinese input method in 全角 mode or pasted) become
half-width in number and date boxes as they are typed (DESIGN §2: input is normalised before
it is checked). Qt's own validators refuse them without a word, so the box seemed not to take
the keys at all."""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit, QWidget

from ylt_desktop.domain.text import to_half_width


class HalfWidthValidator(QValidator):
    """``inner``'s judgement of the text with full-width characters made half-width; the
    box then holds the half-width text."""

    def __init__(self, inner: QValidator, parent: QWidget) -> None:
        super().__init__(parent)
        self.inner = inner  # kept: a spin box's own validator is its child, used through us

    def validate(self, text: str, pos: int) -> Any:  # noqa: D102 - Qt's
        folded = to_half_width(text)  # one character for one: the cursor stays where it was
        if not shiboken6.isValid(self.inner):  # a box being destroyed: its text no longer counts
            return QValidator.State.Intermediate, folded, pos
        answer = self.inner.validate(folded, pos)
        if isinstance(answer, tuple):
            return answer
        return answer, folded, pos

    def fixup(self, text: str) -> str:  # noqa: D102 - Qt's
        folded = to_half_width(text)
        if not shiboken6.isValid(self.inner):
            return folded
        fixed = self.inner.fixup(folded)
        return folded if fixed is None else fixed


def fold_full_width(edit: QLineEdit) -> None:
    """Let ``edit`` (with a validator) take full-width digits as half-width ones."""
    inner = edit.validator()
    if inner is not None and not isinstance(inner, HalfWidthValidator):
        wrapper = HalfWidthValidator(inner, edit)
        if inner.parent() is edit:  # the edit's own (a grid's editor): it goes with ours
            inner.setParent(wrapper)
        edit.setValidator(wrapper)


def fold_full_width_box(box: QAbstractSpinBox) -> None:
    """``fold_full_width`` for a number or date box made in code (not by ``load_form``)."""
    edit = box.findChild(QLineEdit)
    if edit is not None:
        fold_full_width(edit)


def fold_full_width_in(form: QWidget) -> None:
    """``fold_full_width`` for every number and date box of ``form``."""
    for box in form.findChildren(QAbstractSpinBox):
        fold_full_width_box(box)
