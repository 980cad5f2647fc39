"""Guards against a Qt binding that corrupts reference counts.

PySide6 6.12.0 on Python 3.11 decrements None's reference count on every call of a void
method; a long session then aborts ("none_dealloc"). pyproject.toml pins below it.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_void_calls_keep_none_refcount(qtbot) -> None:  # noqa: ANN001
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
        label.setVisible(False)
    assert sys.getrefcount(None) - before > -100
