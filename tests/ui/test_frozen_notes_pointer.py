"""A submitted (已报送) quarter's export and print notes come from its frozen records; the box
used to end more than five of them with 详见“检查”, but 检查 reads today's records, so it sent
the clerk to a page listing other things. Now such a box offers 查看全部: every note, in a
scrolling list, said to be of the frozen data; an open quarter keeps 详见“检查”."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel

from tests.ui.test_returns_page import LAST, make_page
from ylt_desktop.returns import snapshot
from ylt_desktop.returns.load import load_quarter
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff
from ylt_desktop.ui.dialogs.exported import NOTES_SHOWN, NotesDialog, notes_text

RENAMED = 7  # more than the box shows


def _rename_several(db) -> list[str]:  # noqa: ANN001
    """Seven people of the quarter get a name the PDF prints with "〓"."""
    names = []
    with db.session() as s:
        people = {r.staff.id: r.staff for r in load_quarter(s, LAST).rotations}
        for person in list(people.values())[:RENAMED]:
            name = person.name[:1] + "𬭚" + person.name[1:]
            data = dataclasses.replace(staff_store.to_data(s.get(Staff, person.id)), name=name)
            staff_store.update_staff(s, staff_id=person.id, data=data)
            names.append(name)
    assert len(names) == RENAMED
    return names


@pytest.fixture
def shown_lists(monkeypatch) -> list[str]:  # noqa: ANN001
    """What each 查看全部 list showed (its dialog is closed at once)."""
    seen: list[str] = []

    def record(dialog: NotesDialog) -> int:
        seen.append(dialog.text.toPlainText())
        assert dialog.text.isReadOnly()
        assert any("冻结的数据" in label.text() for label in dialog.findChildren(QLabel))
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(NotesDialog, "exec", record)
    return seen


def test_the_pointer_follows_where_the_notes_are(qtbot) -> None:  # noqa: ANN001
    notes = [f"第{i}处" for i in range(NOTES_SHOWN + 2)]
    open_text = notes_text(notes)
    assert "……共 7 处，详见“检查”" in open_text
    frozen_text = notes_text(notes, frozen=True)
    assert "检查" not in frozen_text and "……共 7 处，点“查看全部”逐条列出" in frozen_text
    assert "冻结" in frozen_text
    dialog = NotesDialog(notes)
    qtbot.addWidget(dialog)
    listed = dialog.text.toPlainText().splitlines()
    assert listed == [f"{n}. {note}" for n, note in enumerate(notes, 1)]  # every one, scrolling


def test_a_submitted_quarters_export_box_lists_every_frozen_note(
    qtbot, demo_db, tmp_path, monkeypatch, answers, shown_lists
) -> None:  # noqa: ANN001
    names = _rename_several(demo_db)
    with demo_db.session() as s:
        snapshot.submit(s, quarter=LAST, by="审核员")
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    answers.click("查看全部")
    answers.click("关闭")
    page.pdf_button.click()
    qtbot.waitUntil(lambda: bool(page.last_paths), timeout=60_000)
    qtbot.waitUntil(page.worker.thread.isFinished, timeout=10_000)
    boxes = [text for kind, text in answers.shown if kind == "box"]
    assert len(boxes) == 2  # shown again after the list closed
    assert "已保存" in boxes[0] and "详见“检查”" not in boxes[0]
    assert f"共 {len(page.worker.notes)} 处，点“查看全部”逐条列出" in boxes[0]
    (listed,) = shown_lists
    assert listed.splitlines() == [f"{n}. {x}" for n, x in enumerate(page.worker.notes, 1)]
    assert all(name in listed for name in names)


def test_an_open_quarter_keeps_pointing_to_the_check(
    qtbot, demo_db, tmp_path, monkeypatch, answers, shown_lists
) -> None:  # noqa: ANN001
    _rename_several(demo_db)
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    for field, text in (("unit_head", "王建国"), ("preparer", "张敏")):
        page.cover[field].setText(text)
    answers.click("关闭")
    page.pdf_button.click()
    qtbot.waitUntil(lambda: bool(page.last_paths), timeout=60_000)
    qtbot.waitUntil(page.worker.thread.isFinished, timeout=10_000)
    kind, text = answers.shown[-1]
    assert kind == "box" and "详见“检查”" in text and "查看全部" not in text
    assert not shown_lists


def test_printing_a_submitted_quarter_lists_every_frozen_note(
    qtbot, demo_db, monkeypatch, answers, shown_lists
) -> None:  # noqa: ANN001
    names = _rename_several(demo_db)
    with demo_db.session() as s:
        snapshot.submit(s, quarter=LAST, by="审核员")
    page = make_page(qtbot, demo_db)
    page.quarter.setCurrentIndex(page.quarter.findData(str(LAST)))
    opened: list = []
    monkeypatch.setattr(QPrintDialog, "exec", lambda d: opened.append(d) or 0)
    answers.click("查看全部")
    answers.click("取消")
    assert page.print_direct() == 0
    boxes = [text for kind, text in answers.shown if kind == "box"]
    assert len(boxes) == 2 and "详见“检查”" not in boxes[0] and "查看全部" in boxes[0]
    (listed,) = shown_lists
    assert all(name in listed for name in names)
    assert not opened  # 取消: no print dialog
