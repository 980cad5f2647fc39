"""Backups, their rotation, the start-up health check and restore with its verification."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as store
from ylt_desktop.store.backup import (
    KEEP,
    DamagedDatabase,
    RestoreRefused,
    backup_before,
    backup_copy,
    backup_name,
    check_database,
    daily_backup,
    list_backups,
    newest_good_backup,
    verify_backup,
)
from ylt_desktop.store.db import Database, head_revision, open_database
from ylt_desktop.store.restore import restore_database

DAY = dt.date(2026, 3, 1)


def hospital(name: str, body: str) -> InstitutionData:
    return InstitutionData(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category="综合医院",
        level="二级甲等",
        joined=dt.date(2020, 1, 1),
    )


def add(db: Database, name: str, body: str) -> None:
    with db.session() as s:
        store.create_institution(s, data=hospital(name, body))


def names(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM institution ORDER BY id")]
    finally:
        conn.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def corrupt(path: Path, *, offset: int = 4096 * 2, size: int = 4096 * 4) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        f.write(bytes((i * 7 + 13) % 256 for i in range(size)))


@pytest.fixture
def filled(tmp_path) -> Database:  # noqa: ANN001
    db = open_database(tmp_path / "ylt.sqlite")
    add(db, "甲县人民医院", "12345678")
    yield db
    db.close()


def test_backup_before_writes_a_complete_copy(filled) -> None:  # noqa: ANN001
    path = backup_before(filled, "import")
    assert path.parent == filled.path.parent / "backups"
    assert path.name.startswith("ylt-") and path.name.endswith("-before-import.sqlite")
    assert names(path) == ["甲县人民医院"]
    assert verify_backup(path).ok
    assert not list(path.parent.glob("*.partial*"))
    assert not Path(f"{path}-wal").exists()  # one self-contained file
    assert backup_before(filled.path, "导入 2026Q1.xlsx").name.endswith(
        "-before-2026q1-xlsx.sqlite"
    )


def test_daily_backup_only_once_a_day(filled) -> None:  # noqa: ANN001
    assert daily_backup(filled.path, today=DAY) is not None
    assert daily_backup(filled.path, today=DAY) is None
    assert daily_backup(filled.path, today=DAY + dt.timedelta(days=1)) is not None
    assert [b.reason for b in list_backups(filled.path)] == ["daily", "daily"]


def test_open_database_makes_the_daily_backup_on_first_start(filled) -> None:  # noqa: ANN001
    filled.close()
    for _ in range(2):
        open_database(filled.path, daily=True, today=DAY).close()
    open_database(filled.path, daily=True, today=DAY + dt.timedelta(days=1)).close()
    assert len(list_backups(filled.path)) == 2


def test_rotation_keeps_the_newest_30_automatic_and_every_manual(filled) -> None:  # noqa: ANN001
    manual = backup_copy(filled.path, reason="manual", now=dt.datetime(2020, 1, 1))
    before = backup_before(filled, "import")
    for i in range(KEEP + 5):
        daily_backup(filled.path, today=DAY + dt.timedelta(days=i))
    daily = [b for b in list_backups(filled.path) if b.reason == "daily"]
    assert len(daily) == KEEP == 30
    assert daily[-1].taken.date() == DAY + dt.timedelta(days=5)  # the 5 oldest went
    assert manual.exists() and before.exists()


def test_damaged_database_is_refused_on_start_and_not_written(filled) -> None:  # noqa: ANN001
    backup_copy(filled.path, reason="daily", now=dt.datetime(2026, 1, 1))
    good = list_backups(filled.path)[0]
    filled.close()
    corrupt(filled.path)
    before = digest(filled.path)
    assert not check_database(filled.path, full=False).ok
    with pytest.raises(DamagedDatabase) as err:
        open_database(filled.path, daily=True, today=DAY)
    assert "损坏" in str(err.value)
    assert digest(filled.path) == before
    assert [b.path for b in list_backups(filled.path)] == [good.path]  # no daily backup of it
    # A damaged newer backup is skipped when offering the newest good one.
    bad = backup_name(filled.path, "daily", dt.datetime(2026, 2, 1))
    shutil.copyfile(good.path, bad)
    corrupt(bad)
    assert list_backups(filled.path)[0].path == bad
    assert newest_good_backup(filled.path).path == good.path


def test_restore_replaces_and_backs_up_the_current_database(filled) -> None:  # noqa: ANN001
    saved = backup_copy(filled.path, reason="manual")
    add(filled, "乙乡卫生院", "87654321")
    filled.close()
    safety = restore_database(saved, filled.path)
    assert safety is not None and names(safety) == ["甲县人民医院", "乙乡卫生院"]
    assert names(filled.path) == ["甲县人民医院"]
    db = open_database(filled.location)
    add(db, "丙乡卫生院", "11223344")
    db.close()
    assert names(filled.path) == ["甲县人民医院", "丙乡卫生院"]


def test_restore_of_an_older_schema_is_upgraded_on_open(filled) -> None:  # noqa: ANN001
    old = backup_copy(filled.path, reason="manual")
    conn = sqlite3.connect(old)
    conn.execute("DROP TABLE audit_entry")  # back to the schema of revision 0001
    conn.execute("DROP TABLE quarter_snapshot")
    conn.execute("DROP TABLE member_figures")  # 0005
    conn.execute("DROP TABLE county_figures")
    conn.execute("DROP TABLE institution_level")
    conn.execute("DROP TABLE app_user")  # 0008
    conn.execute("DROP TABLE package_event")  # 0009
    for column in ("db_kind", "member_id", "exchange_id", "exchange_check"):
        conn.execute(f"ALTER TABLE consortium DROP COLUMN {column}")
    for table in ("institution", "staff", "rotation", "agreement"):  # 0010
        conn.execute(f"ALTER TABLE {table} DROP COLUMN version")
    conn.execute("UPDATE alembic_version SET version_num='0001'")
    conn.commit()
    conn.close()
    filled.close()
    restore_database(old, filled.path)
    db = open_database(filled.location)
    add(db, "丙乡卫生院", "11223344")
    db.close()
    # Upgraded on a private copy while restoring: the backup itself stays the 0001 copy.
    assert check_database(old).revision == "0001"
    assert check_database(filled.path).revision == head_revision()


def _refused(source: Path, target: Path, words: str) -> None:
    before = digest(target)
    count = len(list_backups(target))
    with pytest.raises(RestoreRefused) as err:
        restore_database(source, target)
    assert words in str(err.value)
    assert digest(target) == before
    assert len(list_backups(target)) == count


def test_restore_refuses_a_corrupted_file(filled, tmp_path) -> None:  # noqa: ANN001
    copy = backup_copy(filled.path, reason="manual")
    corrupt(copy, offset=0, size=200)
    filled.close()
    _refused(copy, filled.path, "已损坏")


def test_restore_refuses_a_file_with_damaged_pages(filled) -> None:  # noqa: ANN001
    copy = backup_copy(filled.path, reason="manual")
    corrupt(copy)
    filled.close()
    _refused(copy, filled.path, "已损坏")


def test_restore_refuses_a_foreign_sqlite_file(filled, tmp_path) -> None:  # noqa: ANN001
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE note (body TEXT)")
    conn.commit()
    conn.close()
    filled.close()
    _refused(other, filled.path, "不是本程序的数据库")


def test_restore_refuses_a_newer_schema(filled) -> None:  # noqa: ANN001
    newer = backup_copy(filled.path, reason="manual")
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num='9999'")
    conn.commit()
    conn.close()
    filled.close()
    _refused(newer, filled.path, "比本程序新")


def test_restore_over_a_damaged_database_keeps_a_raw_copy(filled) -> None:  # noqa: ANN001
    saved = backup_copy(filled.path, reason="manual")
    filled.close()
    corrupt(filled.path)
    damaged = digest(filled.path)
    safety = restore_database(saved, filled.path)
    assert safety.name.endswith("-damaged.sqlite") and digest(safety) == damaged
    assert names(filled.path) == ["甲县人民医院"]


def test_a_failed_daily_backup_opens_the_database_and_says_why(filled, monkeypatch) -> None:  # noqa: ANN001
    """A full disk at the day's first start: the clerk still works; the program says the backup
    was not made (nothing is half-written in backups/)."""
    import ylt_desktop.store.backup as backup_module
    from ylt_desktop.store.access import DiskFull

    filled.close()

    def full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise DiskFull(5 * 1024 * 1024, filled.path.parent)

    monkeypatch.setattr(backup_module, "ensure_free_space", full, raising=False)
    monkeypatch.setattr("ylt_desktop.store.access.ensure_free_space", full)
    db = open_database(filled.path, daily=True, today=DAY)
    try:
        assert db.daily_checked
        assert db.backup_problem is not None
        assert "自动备份没有做成" in db.backup_problem and "磁盘空间不足" in db.backup_problem
        with db.session() as s:  # the database itself opened and answers
            assert s.execute(text("SELECT count(*) FROM institution")).scalar_one() > 0
    finally:
        db.close()
    assert list_backups(filled.path) == []
    again = open_database(filled.path, daily=True, today=DAY)  # still due: tried again
    try:
        assert again.backup_problem is not None
    finally:
        again.close()


def test_another_program_sees_a_restore_of_another_history_as_a_change(filled) -> None:  # noqa: ANN001
    """Pages reload when ``change_token`` moves. A restore by another program (or the CLI)
    to a backup with as many audit entries but another history must move it."""
    from ylt_desktop.store.audit import change_token

    start = backup_copy(filled.path, reason="manual", now=dt.datetime(2026, 3, 1, 8))
    add(filled, "乙乡卫生院", "87654321")
    other = backup_copy(filled.path, reason="manual", now=dt.datetime(2026, 3, 1, 9))
    restore_database(start, filled.path)
    add(filled, "丙乡卫生院", "11223344")  # as many entries as ``other``, another history
    with filled.session() as s:
        seen = change_token(s)
    restore_database(other, filled.path)
    assert names(filled.path) == ["甲县人民医院", "乙乡卫生院"]
    with filled.session() as s:
        assert change_token(s) != seen
