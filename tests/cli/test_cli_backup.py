"""``ylt backup``, ``ylt restore`` and ``ylt audit``."""

from __future__ import annotations

import json
from pathlib import Path

from ylt_desktop.cli import main
from ylt_desktop.store.backup import list_backups


def _init(db: str) -> None:
    code = main(
        [
            "init",
            "--db",
            db,
            "--name",
            "示例县医共体",
            "--kind",
            "县域医共体",
            "--division",
            "360428",
            "--lead",
            "示例县人民医院",
            "--lead-uscc",
            "12360428MB1234562A",
        ]
    )
    assert code == 0
    # ylt closes the database when the command ends: the WAL is checkpointed into the file,
    # so nothing is left for a later close (or the garbage collector) to write.
    assert not (Path(db).parent / (Path(db).name + "-wal")).exists()


def test_backup_restore_and_audit(tmp_path, capsys) -> None:  # noqa: ANN001
    db = tmp_path / "cli.sqlite"
    _init(str(db))
    assert main(["backup", "--db", str(db), "--out", str(tmp_path / "copy.sqlite")]) == 0
    assert main(["backup", "--db", str(db)]) == 0
    assert [b.reason for b in list_backups(db)] == ["manual"]
    capsys.readouterr()
    assert main(["audit", "--db", str(db), "--since", "2020-01-01", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {(r["table"], r["action"]) for r in rows} == {
        ("app_user", "insert"),  # ylt init made the 管理员
        ("consortium", "insert"),
        ("institution", "insert"),
        ("institution_level", "insert"),  # the lead unit's first 等级变更记录 entry
    }
    assert main(["restore", str(tmp_path / "copy.sqlite"), "--db", str(db)]) == 0
    assert "已从" in capsys.readouterr().out
    assert [b.reason for b in list_backups(db)][0] == "before-restore"


def test_backup_out_must_be_a_file_in_an_existing_folder(tmp_path, capsys) -> None:  # noqa: ANN001
    db = tmp_path / "cli.sqlite"
    _init(str(db))
    capsys.readouterr()
    folder = tmp_path / "备份"
    folder.mkdir()
    assert main(["backup", "--db", str(db), "--out", str(folder)]) != 0
    assert "--out 应是备份文件的路径，不是文件夹" in capsys.readouterr().err
    missing = tmp_path / "没有" / "这层" / "copy.sqlite"
    assert main(["backup", "--db", str(db), "--out", str(missing)]) != 0
    assert "输出文件夹不存在" in capsys.readouterr().err
    assert list(folder.iterdir()) == [] and not missing.parent.exists()
    assert list_backups(db) == []


def test_restore_of_a_garbage_file_is_refused(tmp_path, capsys) -> None:  # noqa: ANN001
    db = tmp_path / "cli.sqlite"
    _init(str(db))
    before = db.read_bytes()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    capsys.readouterr()
    assert main(["restore", str(junk), "--db", str(db)]) == 2
    assert "已损坏" in capsys.readouterr().err
    assert db.read_bytes() == before


def test_backup_of_a_missing_database_is_refused(tmp_path, capsys) -> None:  # noqa: ANN001
    assert main(["backup", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err


def test_ylt_does_not_use_up_the_programs_days_check(demo_path, capsys) -> None:  # noqa: ANN001
    """``ylt`` never runs the day's check of a file (no full check, no daily backup, as on a
    server): ``ylt audit verify`` checks the log's chain only, ``ylt backup`` is a manual copy;
    the program's next start still runs the whole check and makes the day's backup."""
    import datetime as dt

    from ylt_desktop.store.db import open_database

    assert main(["audit", "verify", "--db", str(demo_path)]) == 0
    assert main(["backup", "--db", str(demo_path)]) == 0
    assert [b.reason for b in list_backups(demo_path)] == ["manual"]
    db = open_database(demo_path, daily=True, today=dt.date.today())
    try:
        assert db.daily_checked
    finally:
        db.close()  # stopped before its end: still due
    assert sorted(b.reason for b in list_backups(demo_path)) == ["daily", "manual"]
    db = open_database(demo_path, daily=True, today=dt.date.today())
    try:
        assert db.daily_checked
        db.daily_check_done()
    finally:
        db.close()
    db = open_database(demo_path, daily=True, today=dt.date.today())
    try:
        assert not db.daily_checked
    finally:
        db.close()
    assert sorted(b.reason for b in list_backups(demo_path)) == ["daily", "manual"]
