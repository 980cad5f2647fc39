"""UI test set-up: the shipped font, and no real message boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.ui_english import english_words
from ylt_desktop.ui.fonts import install_font


@pytest.fixture(autouse=True)
def _font(qapp: QApplication) -> None:
    install_font(qapp)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
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

    clicks: list[str] = []
    titles: list[str] = []

    def exec_box(box: QMessageBox) -> int:
        """A message box built in place (buttons of its own): recorded, and the button named
        by ``answers.click(text)`` clicked, or none (as closing it would)."""
        shown.append(("box", box.text()))
        titles.append(box.windowTitle())
        titles.extend(b.text() for b in box.buttons())
        if clicks:
            wanted = clicks.pop(0)
            [button] = [b for b in box.buttons() if b.text() == wanted]
            button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "question", _titled(question, titles))
    for kind in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, _titled(note(kind), titles))
    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    shown_queue = _Answers(shown, queue, clicks)
    yield shown_queue
    # Every message a test made the program show speaks Chinese (paths and names like
    # Excel or PDF aside).
    english = {t: english_words(t) for t in [text for _, text in shown] + titles}
    english = {t: words for t, words in english.items() if words}
    assert not english, f"English shown to the clerk: {english}"


def _titled(show, titles: list[str]):  # noqa: ANN001, ANN202
    """``show`` that also keeps the box's title (its second argument) for the English check."""

    def wrapped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if len(args) > 1 and isinstance(args[1], str):
            titles.append(args[1])
        return show(*args, **kwargs)

    return wrapped


class _Answers(list):
    def __init__(self, shown: list, queue: list, clicks: list) -> None:
        super().__init__()
        self.shown = shown
        self.queue = queue
        self.clicks = clicks

    def push(self, answer: QMessageBox.StandardButton) -> None:
        self.queue.append(answer)

    def click(self, button_text: str) -> None:
        """The next message box built in place gets its button ``button_text`` clicked."""
        self.clicks.append(button_text)
