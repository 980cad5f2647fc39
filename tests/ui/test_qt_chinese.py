"""Qt's own strings (message box buttons, the line edit's context menu) are Chinese, and the
bundle carries the translation that makes them so."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from ylt_desktop.ui import translations
from ylt_desktop.ui.translations import QT_CHINESE, install_translators, qt_translation_file

ROOT = Path(__file__).resolve().parents[2]
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _remove(translators: list[QTranslator]) -> None:
    for t in translators:
        QCoreApplication.removeTranslator(t)


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[list[QTranslator]]:
    found = install_translators(qapp, "zh_CN")
    yield found
    _remove(found)


def test_message_box_buttons_are_chinese(qtbot, chinese: list[QTranslator]) -> None:  # noqa: ANN001
    assert len(chinese) == 1
    box = QMessageBox()
    qtbot.addWidget(box)
    S = QMessageBox.StandardButton
    box.setStandardButtons(S.Yes | S.No | S.Cancel | S.Ok | S.Discard | S.Close)
    box.setDetailedText("详情")
    texts = {b: box.button(b).text() for b in (S.Yes, S.No, S.Cancel, S.Ok, S.Discard, S.Close)}
    assert texts[S.Yes].startswith("是")
    assert texts[S.No].startswith("否")
    assert texts[S.Cancel] == "取消"
    assert texts[S.Ok] == "确定"
    assert texts[S.Close] == "关闭"
    every = [b.text() for b in box.buttons()]  # with "Show Details…"
    assert not any(ENGLISH_WORD.search(t.replace("&Y", "").replace("&N", "")) for t in every)


def test_line_edit_context_menu_is_chinese(qtbot, chinese: list[QTranslator]) -> None:  # noqa: ANN001
    edit = QLineEdit()
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    texts = [a.text().split("\t")[0] for a in menu.actions() if a.text()]
    words = [re.sub(r"\(&\w\)|&", "", t) for t in texts]
    assert {"撤消", "复制", "粘贴", "全选"} <= set(words), words
    assert not any(ENGLISH_WORD.search(w) for w in words)
    menu.deleteLater()


def test_the_english_ui_keeps_qt_in_english(qtbot, qapp: QApplication) -> None:  # noqa: ANN001
    found = install_translators(qapp, "en")
    try:
        assert len(found) == 1
        box = QMessageBox()
        qtbot.addWidget(box)
        box.setStandardButtons(QMessageBox.StandardButton.Cancel)
        assert box.button(QMessageBox.StandardButton.Cancel).text() == "Cancel"
    finally:
        _remove(found)


def test_the_bundled_copy_is_found_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Frozen, the .qm lies under resources/translations (build.spec puts it there)."""
    shutil.copy(qt_translation_file(), tmp_path / QT_CHINESE)
    monkeypatch.setattr(translations, "resource_path", lambda *parts: tmp_path)
    assert qt_translation_file() == tmp_path / QT_CHINESE


def test_build_spec_carries_qt_chinese() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert f'"{QT_CHINESE}"), "resources/translations")' in spec
    assert qt_translation_file() is not None
