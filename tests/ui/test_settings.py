"""设置 and the first run: the division picker, the lead unit changed after the first run,
and 从备份恢复 on the first run."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.helpers.typing import type_text
from ylt_desktop.domain import lists
from ylt_desktop.store import institutions as store
from ylt_desktop.store.backup import copy_database
from ylt_desktop.store.db import open_database
from ylt_desktop.ui.dialogs.first_run import FirstRunDialog
from ylt_desktop.ui.dialogs.settings import SettingsDialog
from ylt_desktop.ui.main_window import MainWindow


def _pick(combo, text: str) -> None:  # noqa: ANN001
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as a click on the item does


def test_first_run_picks_the_division_from_the_table(qtbot, db) -> None:  # noqa: ANN001
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    picker = dialog.division_picker
    code = dialog.binder.widget("division")
    assert not picker.city.isEnabled()
    _pick(picker.province, "江西省")
    assert code.text() == "360000" and picker.city.isEnabled()
    _pick(picker.city, "九江市")
    assert code.text() == "360400"
    _pick(picker.county, "都昌县")
    assert code.text() == "360428"
    assert dialog.form.findChild(type(dialog.pending), "division_name").text() == "江西省 都昌县"
    # Typing a code still works, and the lists follow it.
    type_text(qtbot, code, "110105")
    assert picker.province.currentText() == "北京市"
    assert picker.county.currentText() == "朝阳区"
    assert not dialog.binder.problem_label("division").isVisible()


def test_settings_dialog_edits_consortium_and_lead(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    dialog = SettingsDialog(demo_db, window)
    qtbot.addWidget(dialog)
    b = dialog.binder
    assert b.value("lead") == "示例县人民医院" and b.value("name") == "示例县医共体"
    assert dialog.division_picker.county.currentText() == "都昌县"
    assert dialog.save_button.isEnabled()
    type_text(qtbot, b.widget("lead"), "不存在的医院")
    assert "没有名为“不存在的医院”的成员单位" in b.problem_label("lead").text()
    assert not dialog.save_button.isEnabled()
    type_text(qtbot, b.widget("name"), "")
    assert "必填" in b.problem_label("name").text()
    type_text(qtbot, b.widget("name"), "都昌县紧密型医共体")
    b.set_value("lead", "示例县中医医院")
    _pick(dialog.division_picker.city, "九江市")
    assert b.value("division") == "360400"
    assert dialog.save_button.isEnabled(), dialog.current_problems
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_db.session() as s:
        c = store.get_consortium(s)
        assert (c.name, c.division) == ("都昌县紧密型医共体", "360400")
        assert store.lead_institution(s).name == "示例县中医医院"


def test_settings_menu_entry_updates_the_title(qtbot, demo_db, monkeypatch) -> None:  # noqa: ANN001
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    titles = [a.text() for m in window.menuBar().actions() for a in m.menu().actions()]
    assert "设置…" in titles

    def accept(dialog) -> int:  # noqa: ANN001
        dialog.binder.set_value("name", "改过名的医共体")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(SettingsDialog, "exec", accept)
    assert window.open_settings()
    assert window.windowTitle().endswith("改过名的医共体")


def test_first_run_restores_a_backup(qtbot, tmp_path, demo_db, monkeypatch, answers) -> None:  # noqa: ANN001
    backup = tmp_path / "备份.sqlite"
    copy_database(demo_db.path, backup)
    fresh = open_database(tmp_path / "new" / "ylt.sqlite")
    dialog = FirstRunDialog(fresh)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))
    assert dialog.restore_button.text() == "从备份恢复…"
    dialog.restore_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert answers.shown[-1][0] == "information" and "示例县医共体" in answers.shown[-1][1]
    with dialog.db.session() as s:
        assert store.get_consortium(s).name == "示例县医共体"
        assert store.count_institutions(s) == 45
    assert dialog.db.daily_checked  # the start then verifies the restored data's audit log
    dialog.db.close()


def test_first_run_refuses_a_file_that_is_not_a_backup(
    qtbot, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    bogus = tmp_path / "x.sqlite"
    bogus.write_bytes(b"not a database at all" * 100)
    fresh = open_database(tmp_path / "ylt.sqlite")
    dialog = FirstRunDialog(fresh)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bogus), ""))
    assert not dialog.restore_from_backup()
    assert answers.shown[-1][0] == "warning"
    assert dialog.result() != dialog.DialogCode.Accepted
    with dialog.db.session() as s:
        assert store.get_consortium(s) is None  # the empty database is untouched and usable
    fresh.close()


def test_the_program_opens_the_database_the_first_run_restored(
    qtbot, tmp_path, demo_db, monkeypatch, answers
) -> None:  # noqa: ANN001, E501
    import argparse

    from ylt_desktop import app

    backup = tmp_path / "备份.sqlite"
    copy_database(demo_db.path, backup)
    fresh = open_database(tmp_path / "new" / "ylt.sqlite")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(backup), ""))

    def restore(dialog) -> int:  # noqa: ANN001
        qtbot.addWidget(dialog)
        dialog.restore_button.click()
        return dialog.result()

    monkeypatch.setattr(FirstRunDialog, "exec", restore)
    shown = app._ensure_consortium(None, fresh, argparse.Namespace(demo=False))
    assert shown is not None and shown is not fresh and shown.path == fresh.path
    with shown.session() as s:
        assert store.count_institutions(s) == 45
    shown.close()
    monkeypatch.setattr(FirstRunDialog, "exec", lambda dialog: dialog.DialogCode.Rejected)
    empty = open_database(tmp_path / "other.sqlite")
    assert app._ensure_consortium(None, empty, argparse.Namespace(demo=False)) is None
    empty.close()


def test_the_lead_list_keeps_a_unit_that_leaves_later(qtbot, demo_db) -> None:  # noqa: ANN001
    """A unit with a 退出日期 still ahead is a member today and may become the lead (the store
    allows it); one that has already left is not offered."""
    import datetime as dt

    from sqlalchemy import text

    today = dt.date.today()
    with demo_db.session() as s:
        later, gone = s.execute(
            text("SELECT name FROM institution WHERE role != :lead ORDER BY id LIMIT 2"),
            {"lead": lists.ROLE_LEAD},
        ).scalars()
        s.execute(
            text("UPDATE institution SET left = :d WHERE name = :n"),
            {"d": today + dt.timedelta(days=30), "n": later},
        )
        s.execute(
            text("UPDATE institution SET left = :d WHERE name = :n"),
            {"d": today - dt.timedelta(days=1), "n": gone},
        )
        s.commit()
    dialog = SettingsDialog(demo_db)
    qtbot.addWidget(dialog)
    combo = dialog.binder.widget("lead")
    offered = {combo.itemText(i) for i in range(combo.count())}
    assert later in offered
    assert gone not in offered
