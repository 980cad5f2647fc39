"""UI test set-up: the shipped font, and no real message boxes."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from ylt_desktop.ui.fonts import install_font


@pytest.fixture(autouse=True)
def _font(qapp: QApplication) -> None:
    install_font(qapp)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list:
    """Patch QMessageBox statics; tests push answers for ``question`` and read what was shown."""
    shown: list = []
    queue: list = []

    def question(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        shown.append(("question", args[2] if len(args) > 2 else ""))
        return queue.pop(0) if queue else QMessageBox.StandardButton.Cancel

    def note(kind: str):  # noqa: ANN202
        def show(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            shown.append((kind, args[2] if len(args) > 2 else ""))
            return QMessageBox.StandardButton.Ok

        return show

    monkeypatch.setattr(QMessageBox, "question", question)
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, note(kind))
    shown_queue = _Answers(shown, queue)
    return shown_queue


class _Answers(list):
    def __init__(self, shown: list, queue: list) -> None:
        super().__init__()
        self.shown = shown
        self.queue = queue

    def push(self, answer: QMessageBox.StandardButton) -> None:
        self.queue.append(answer)
