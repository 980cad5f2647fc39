"""备份 / 恢复 from the 文件 menu, and the offer of a good backup for a damaged database."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as store
from ylt_desktop.store.backup import (
    DamagedDatabase,
    backup_copy,
    list_backups,
    verify_backup,
)
from ylt_desktop.store.db import open_database
from ylt_desktop.ui.dialogs.backup import offer_good_backup, restore_from_file
from ylt_desktop.ui.main_window import MainWindow


def add(db, name: str, body: str) -> None:  # noqa: ANN001
    data = InstitutionData(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category="综合医院",
        level="二级甲等",
        joined=dt.date(2020, 1, 1),
    )
    with db.session() as s:
        store.create_institution(s, data=data)


def count(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return store.count_institutions(s)


@pytest.fixture
def window(qtbot, db):  # noqa: ANN001, ANN201
    add(db, "甲县人民医院", "12345678")
    w = MainWindow(db)
    qtbot.addWidget(w)
    return w


def menu_titles(w: MainWindow) -> list[str]:
    menu = w.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions()]


def test_file_menu_has_backup_and_restore(window) -> None:  # noqa: ANN001
    assert menu_titles(window) == [
        "导入…",
        "设置…",
        "备份数据库…",
        "恢复数据库…",
        "",
        "用户管理…",
        "退出",
    ]


def test_backup_writes_a_verified_copy(window, tmp_path, monkeypatch, answers) -> None:  # noqa: ANN001
    target = tmp_path / "U盘" / "备份"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window._ylt_backup_actions[0].trigger()
    written = target.with_name("备份.sqlite")
    assert verify_backup(written).ok
    assert answers.shown[-1][0] == "information" and str(written) in answers.shown[-1][1]


def test_restore_replaces_the_data_and_rebuilds_the_window(
    window, qtbot, monkeypatch, answers
) -> None:  # noqa: ANN001
    saved = backup_copy(window.db.path, reason="manual")
    add(window.db, "乙乡卫生院", "87654321")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    answers.push(QMessageBox.StandardButton.Yes)
    new = restore_from_file(window)
    qtbot.addWidget(new)
    assert new is not window and new.isVisible() and not window.isVisible()
    assert count(new.db) == 1
    assert "成员单位 1 家" in new.count_label.text()
    assert [kind for kind, _ in answers.shown] == ["question", "information"]
    assert any(b.reason == "before-restore" for b in list_backups(new.db.path))
    new.db.close()


def test_a_restore_runs_the_days_check_again_at_once(window, qtbot, monkeypatch, answers) -> None:  # noqa: ANN001
    """The day's check already ran today; the backup restored has an audit entry altered
    outside the program: the restore runs the check again at once and names the entry (it
    used to wait for the next day's start), then remembers it, with no second day's backup."""
    import sqlite3

    path = window.db.path
    first = open_database(path, daily=True)  # the day's first start, checked to its end
    assert first.daily_checked
    first.daily_check_done()
    first.close()
    saved = backup_copy(path, reason="manual")
    conn = sqlite3.connect(saved)
    (entry,) = conn.execute("SELECT min(id) FROM audit_entry").fetchone()
    conn.execute("UPDATE audit_entry SET user = 'someone' WHERE id = ?", (entry,))
    conn.commit()
    conn.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    answers.push(QMessageBox.StandardButton.Yes)
    # The wait below runs the event loop, which would delete the replaced window (qtbot
    # closes it after the test): closed, not deleted, here.
    window.deleteLater = lambda: None
    new = restore_from_file(window)
    qtbot.addWidget(new)
    try:  # the audit log's check runs on a thread: said when it ends
        qtbot.waitUntil(lambda: getattr(new, "_ylt_verifying", None) is None)
        assert [kind for kind, _ in answers.shown] == ["question", "information", "warning"]
        assert f"操作日志第 {entry} 条" in answers.shown[-1][1]
    finally:
        new.db.close()
    again = open_database(path, daily=True)
    again.close()
    assert not again.daily_checked  # the check after the restore is remembered
    assert [b.reason for b in list_backups(path)].count("daily") == 1


def test_restore_refuses_a_damaged_file_and_changes_nothing(
    window, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    junk = tmp_path / "坏文件.sqlite"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    before = hashlib.sha256(window.db.path.read_bytes()).hexdigest()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(junk), ""))
    assert restore_from_file(window) is None
    kind, text = answers.shown[-1]
    assert kind == "warning" and "损坏" in text and "没有被改动" in text
    assert hashlib.sha256(window.db.path.read_bytes()).hexdigest() == before
    assert count(window.db) == 1


def test_cancelled_restore_changes_nothing(window, monkeypatch, answers) -> None:  # noqa: ANN001
    saved = backup_copy(window.db.path, reason="manual")
    add(window.db, "乙乡卫生院", "87654321")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    assert restore_from_file(window) is None  # the question is answered Cancel
    assert count(window.db) == 2


def test_damaged_database_at_start_offers_the_newest_good_backup(tmp_path, answers) -> None:  # noqa: ANN001
    db = open_database(tmp_path / "ylt.sqlite")
    add(db, "甲县人民医院", "12345678")
    backup_copy(db.path, reason="daily")
    db.close()
    with open(db.path, "r+b") as f:
        f.seek(8192)
        f.write(b"\xff" * 16384)
    with pytest.raises(DamagedDatabase) as err:
        open_database(db.path)
    answers.push(QMessageBox.StandardButton.Yes)
    restored = offer_good_backup(None, err.value)
    assert restored is not None and count(restored) == 1
    assert restored.daily_checked  # the start then verifies the restored data's audit log
    assert "已损坏" in answers.shown[0][1] and "正常备份" in answers.shown[0][1]
    assert any(b.reason == "damaged" for b in list_backups(db.path))
    restored.close()


def test_damaged_database_without_backups_is_left_alone(tmp_path, answers) -> None:  # noqa: ANN001
    path = tmp_path / "ylt.sqlite"
    path.write_bytes(b"garbage" * 1000)
    exc = DamagedDatabase(path, verify_backup(path))
    assert offer_good_backup(None, exc) is None
    assert answers.shown[0][0] == "critical" and "没有找到可用的备份" in answers.shown[0][1]
    assert path.read_bytes() == b"garbage" * 1000


def test_on_a_server_backup_and_restore_use_pg_dump(qtbot, pg_url, tmp_path, monkeypatch,
                                                    answers) -> None:  # noqa: ANN001  # fmt: skip
    from ylt_desktop.store import pg_backup

    monkeypatch.setattr(pg_backup, "backup_folder", lambda: tmp_path / "backups")
    db = open_database(pg_url)
    add(db, "甲县人民医院", "12345678")
    w = MainWindow(db)
    qtbot.addWidget(w)
    target = tmp_path / "服务器备份"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w._ylt_backup_actions[0].trigger()
    written = target.with_name("服务器备份.dump")
    assert answers.shown[-1][0] == "information" and str(written) in answers.shown[-1][1]
    pg_backup.verify_dump(written)
    add(db, "乙乡卫生院", "87654321")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(written), ""))
    answers.push(QMessageBox.StandardButton.Yes)
    new = restore_from_file(w)
    qtbot.addWidget(new)
    assert new.db.on_server and count(new.db) == 1
    assert list((tmp_path / "backups").glob("*before-restore.dump"))
    new.db.close()


def test_on_a_server_a_file_that_is_not_a_dump_is_refused(qtbot, pg_url, tmp_path, monkeypatch,
                                                          answers) -> None:  # noqa: ANN001  # fmt: skip
    db = open_database(pg_url)
    add(db, "甲县人民医院", "12345678")
    w = MainWindow(db)
    qtbot.addWidget(w)
    bogus = tmp_path / "x.dump"
    bogus.write_bytes(b"not a dump")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bogus), ""))
    assert restore_from_file(w) is None
    assert answers.shown[-1][0] == "warning" and "当前数据库没有被改动" in answers.shown[-1][1]
    assert count(db) == 1
    db.close()
