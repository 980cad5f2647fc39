"""The English translation: complete, compiled from the current .ts, and shown when installed.

After changing a UI string run ``scripts/translations``, translate the new entries in
``resources/translations/ylt_en.ts``, run it again and commit both files.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QLabel

from ylt_desktop.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "ylt_en.ts"
QM = ROOT / "resources" / "translations" / "ylt_en.qm"
BIN = Path(sys.executable).parent
HAN = re.compile(r"[\u4e00-\u9fff]")


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of ``ts``."""
    root = ET.parse(ts).getroot()
    return [
        (
            context.findtext("name") or "",
            message.findtext("source") or "",
            message.find("translation"),
        )
        for context in root.iter("context")
        for message in context.iter("message")
    ]


def test_every_string_is_translated() -> None:
    found = messages(TS)
    assert len(found) > 300
    bad = []
    for context, source, translation in found:
        text = "".join(translation.itertext())
        placeholders = sorted(re.findall(r"%\w", source)) == sorted(re.findall(r"%\w", text))
        if translation.get("type") or not text.strip() or HAN.search(text) or not placeholders:
            bad.append(f"{context}: {source!r} -> {text!r} {translation.attrib}")
    assert not bad, "\n".join(bad)


def test_ts_and_qm_are_current(tmp_path: Path) -> None:
    """The .ts holds what lupdate extracts now, and the .qm is compiled from that .ts."""
    fresh = tmp_path / "fresh.ts"
    sources = [str(p) for p in sorted((ROOT / "ylt_desktop" / "ui").rglob("*.py"))]
    sources += [str(p) for p in sorted((ROOT / "forms").glob("*.ui"))]
    subprocess.run(
        [
            BIN / "pyside6-lupdate",
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            *sources,
            "-ts",
            str(fresh),
        ],
        check=True,
        timeout=60,
    )

    def keys(ts: Path) -> set[tuple[str, str]]:
        return {(context, source) for context, source, _ in messages(ts)}

    extracted, committed = keys(fresh), keys(TS)
    assert extracted == committed, (
        "run scripts/translations; "
        f"new: {sorted(extracted - committed)} vanished: {sorted(committed - extracted)}"
    )
    qm = tmp_path / "ylt_en.qm"
    subprocess.run(
        [BIN / "pyside6-lrelease", "-silent", str(TS), "-qm", str(qm)], check=True, timeout=60
    )
    assert qm.read_bytes() == QM.read_bytes(), "ylt_en.qm is stale: run scripts/translations"


@pytest.fixture
def english(qapp: QApplication) -> Iterator[QTranslator]:
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_main_window_in_english(qtbot, english: QTranslator, demo_db: Database) -> None:  # noqa: ANN001
    from ylt_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    titles = [window.nav.item(row).text() for row in range(window.nav.count())]
    assert titles[:4] == ["Overview", "Member institutions", "Staff", "Staff rotations"]
    assert "Quarterly return" in titles
    assert not any(HAN.search(t) for t in titles)
    assert window.windowTitle().startswith("Consortium member returns")
    assert [a.text() for a in window.menuBar().actions()] == [
        "File",
        "Edit",
        "Data exchange",
        "Help",
    ]
    model = window.page("成员单位").model  # pages are keyed by their Chinese title
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert "Unified social credit code" in headers
    assert not any(HAN.search(h) for h in headers)


def test_institution_form_in_english(qtbot, english: QTranslator, demo_db: Database) -> None:  # noqa: ANN001
    from ylt_desktop.ui.pages.institutions import InstitutionDialog

    dialog = InstitutionDialog(demo_db)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "New member institution"
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["uscc_label"] == "Unified social credit code"
    assert labels["name_label"] == "Institution name"
    shown = [t for name, t in labels.items() if name.endswith("_label")]
    assert shown and not any(HAN.search(t) for t in shown)
    assert {b.text() for b in dialog.buttons.buttons()} == {"Save", "Cancel"}


def test_returns_page_panels_in_english(qtbot, english: QTranslator, demo_db: Database) -> None:  # noqa: ANN001
    """The cover box and the package panel (moved out of the page, so their translation
    context changed) still speak English."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    from ylt_desktop.ui.pages.returns import ReturnsPage

    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    form = page.cover_box.layout()
    assert isinstance(form, QFormLayout)
    labels = [form.itemAt(r, QFormLayout.ItemRole.LabelRole) for r in range(form.rowCount())]
    texts = [page.cover_box.title(), page.full_ids.text()]
    texts += [i.widget().text() for i in labels if i is not None and isinstance(i.widget(), QLabel)]
    table = page.members_table
    texts += [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    texts += [
        page.exchange_box.title(),
        page.open_packages_button.text(),
        page.exchange_hint.text(),
    ]
    assert "Head of unit" in texts
    assert not [t for t in texts if HAN.search(t)]
