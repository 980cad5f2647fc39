"""Review of 6b5c9d0: the PDF prints a character its font lacks as "〓", and only the pre-export
check (检查) said so, which the clerk need not run: the export said "已保存" and the return was
printed, signed and stamped with the marks. The exported box now names those texts."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QFileDialog

from tests.helpers.typing import type_text
from tests.ui.test_returns_page import LAST, make_page
from ylt_desktop.returns.load import load_quarter
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff


def _rename_someone_in(db) -> str:  # noqa: ANN001
    with db.session() as s:
        person = load_quarter(s, LAST).rotations[0].staff
        name = person.name[:1] + "𬭚"
        data = dataclasses.replace(staff_store.to_data(s.get(Staff, person.id)), name=name)
        staff_store.update_staff(s, staff_id=person.id, data=data)
    return name


def test_the_exported_box_names_the_texts_printed_with_the_mark(
    qtbot, demo_db, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    name = _rename_someone_in(demo_db)
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    type_text(qtbot, page.cover["unit_head"], "王建国")
    type_text(qtbot, page.cover["preparer"], "张敏")
    answers.click("关闭")
    page.pdf_button.click()
    qtbot.waitUntil(lambda: bool(page.last_paths), timeout=60_000)
    qtbot.waitUntil(page.worker.thread.isFinished, timeout=10_000)
    kind, text = answers.shown[-1]
    assert kind == "box" and "已保存" in text
    assert name in text and "〓" in text and "手写补正" in text


def test_nothing_is_added_when_the_pdf_has_every_character(
    qtbot, demo_db, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    type_text(qtbot, page.cover["unit_head"], "王建国")
    type_text(qtbot, page.cover["preparer"], "张敏")
    answers.click("关闭")
    page.both_button.click()
    qtbot.waitUntil(lambda: bool(page.last_paths), timeout=60_000)
    qtbot.waitUntil(page.worker.thread.isFinished, timeout=10_000)
    kind, text = answers.shown[-1]
    assert kind == "box" and "〓" not in text and "核对" not in text


def test_a_submitted_quarters_re_export_names_them_too(
    qtbot, demo_db, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    """已报送: the re-export prints the frozen records, and says what it prints with the mark."""
    from ylt_desktop.returns import snapshot

    name = _rename_someone_in(demo_db)
    with demo_db.session() as s:
        snapshot.submit(s, quarter=LAST, by="审核员")
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    answers.click("关闭")
    page.both_button.click()
    qtbot.waitUntil(lambda: bool(page.last_paths), timeout=60_000)
    qtbot.waitUntil(page.worker.thread.isFinished, timeout=10_000)
    kind, text = answers.shown[-1]
    assert kind == "box" and "已保存" in text
    assert name in text and "〓" in text and "手写补正" in text
