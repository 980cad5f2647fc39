"""Two programs on one database (issue 11, cases 1, 2, 3, 6, 7): each side a real process.

Restore replaces the data inside the live file under its write lock, so an import or an open
program goes on with the restored data and nothing written after the restore is lost; writes
take the lock first and wait (saying so) for another program, then refuse clearly.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import TEST_ADMIN
from tests.helpers.programs import Second, start_ylt, ylt
from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.demo.users import DEMO_PASSWORDS
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import access
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store.backup import copy_database, list_backups
from ylt_desktop.store.db import open_database
from ylt_desktop.store.users import create_first_admin

ID_NUMBER = "110101199003074514"


def _count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM institution").fetchone()[0]
    finally:
        conn.close()


def _names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM institution")}
    finally:
        conn.close()


def _add(db, *names: str) -> None:  # noqa: ANN001
    with db.session() as s:
        for name in names:
            data = InstitutionData(
                name=name, division="360428", category="村卫生室", joined=dt.date(2024, 1, 1)
            )
            inst_store.create_institution(s, data=data)


@pytest.fixture
def consortium(tmp_path) -> tuple[Path, Path]:  # noqa: ANN001
    """A database with its lead unit and two more; ``backup.sqlite`` holds the lead unit only."""
    path = tmp_path / "ylt.sqlite"
    db = open_database(path)
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428", lead=lead)
    with db.session() as s:  # the 管理员 that YLT_USER/YLT_PASSWORD sign in as (tests/conftest.py)
        create_first_admin(s, name=TEST_ADMIN, password=DEMO_PASSWORDS[TEST_ADMIN])
    backup = copy_database(path, tmp_path / "backup.sqlite")
    _add(db, "甲村卫生室", "乙村卫生室")
    db.close()
    return path, backup


def _no_leftovers(folder: Path) -> None:
    # The day's check's own files are kept, not left over (a restore makes the check due).
    left = [p.name for p in folder.rglob("*") if ".partial" in p.name or p.name.startswith(".")]
    assert [name for name in left if ".daily-check." not in name or ".partial" in name] == []


def _clean(text: str) -> None:
    assert "Traceback" not in text
    assert "SELECT" not in text and "INSERT" not in text and "[SQL" not in text
    assert ID_NUMBER not in text


def test_restore_while_an_import_checks_keeps_the_imported_rows(consortium, tmp_path) -> None:  # noqa: ANN001
    path, backup = consortium
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER] + [village(n) for n in range(300)])
    importer = Second("import-paused", str(path), "institutions", str(book))
    importer.expect("checking")
    restored = ylt("restore", str(backup), "--db", str(path))
    assert restored.returncode == 0, restored.stderr
    _clean(restored.stdout + restored.stderr)
    importer.send()
    out, err, code = importer.finish()
    assert code == 0, err
    assert "已导入" in out
    _clean(out + err)
    # The import went into the restored data: the lead unit plus its 300 rows.
    assert _count(path) == 1 + 300
    assert "甲村卫生室" not in _names(path)
    (safety,) = [b for b in list_backups(path) if b.reason == "before-restore"]
    assert _names(safety.path) == {"示例县人民医院", "甲村卫生室", "乙村卫生室"}
    _no_leftovers(tmp_path)


def test_an_open_program_writes_into_the_restored_database(consortium, tmp_path) -> None:  # noqa: ANN001
    path, backup = consortium
    program = Second("hold-open", str(path))
    assert program.expect("open") == "open 3"
    restored = ylt("restore", str(backup), "--db", str(path))
    assert restored.returncode == 0, restored.stderr
    program.send("count")
    assert program.expect("count") == "count 1"  # it reads the restored data at once
    program.send("add 丙村卫生室")
    assert program.expect("count") == "count 2"
    _out, err, code = program.finish()
    assert code == 0, err
    assert _names(path) == {"示例县人民医院", "丙村卫生室"}  # the file holds what it shows
    _no_leftovers(tmp_path)


def test_two_restores_at_once_take_turns(consortium, tmp_path) -> None:  # noqa: ANN001
    path, backup = consortium
    db = open_database(path)
    _add(db, "丁村卫生室")
    db.close()
    other = copy_database(path, tmp_path / "other.sqlite")  # four units
    first = start_ylt("restore", str(backup), "--db", str(path))
    second = start_ylt("restore", str(other), "--db", str(path))
    results = [p.communicate(timeout=120) + (p.returncode,) for p in (first, second)]
    for out, err, code in results:
        assert code == 0, err
        _clean(out + err)
        assert "已从" in out
    assert _count(path) in (1, 4)
    safeties = [b for b in list_backups(path) if b.reason == "before-restore"]
    assert len(safeties) == 2  # each restore kept what it replaced
    assert {_count(b.path) for b in safeties} in ({4, 1}, {4})
    _no_leftovers(tmp_path)


def test_a_lock_held_too_long_is_waited_for_then_refused(consortium, tmp_path, monkeypatch,
                                                        capsys) -> None:  # noqa: ANN001  # fmt: skip
    from ylt_desktop.cli import main

    path, _backup = consortium
    monkeypatch.setattr(access, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(access, "BUSY_WAIT", 0.5)
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER, village(1)])
    holder = Second("hold-lock", str(path))
    holder.expect("locked")
    try:
        code = main(["import", "institutions", str(book), "--db", str(path)])
        err = capsys.readouterr().err
    finally:
        holder.send()
        holder.finish()
    assert code == 2
    assert access.BUSY_MESSAGE in err
    assert "数据库正被其他程序使用，等待后仍未释放" in err
    _clean(err)
    assert _count(path) == 3


def test_a_locked_write_never_shows_sql_or_its_values(consortium, monkeypatch) -> None:  # noqa: ANN001
    """An SQL error reaching the program's error box: the message and details name no SQL and
    no value (the engine hides parameters; the box shows the driver's error only)."""
    from sqlalchemy import text

    from ylt_desktop.ui.errors import _details

    path, _backup = consortium
    monkeypatch.setattr(access, "BUSY_TIMEOUT_MS", 50)
    holder = Second("hold-lock", str(path))
    holder.expect("locked")
    db = open_database(path)
    try:
        with db.session() as s, pytest.raises(Exception) as caught:
            s.execute(text("UPDATE institution SET phone = :p WHERE id = 1"), {"p": ID_NUMBER})
            s.commit()
    finally:
        holder.send()
        holder.finish()
        db.close()
    message = access.explain(caught.value)
    assert message == access.busy_refusal()
    details = _details(caught.value)
    assert "database is locked" in details
    assert ID_NUMBER not in details and "UPDATE" not in details
    assert ID_NUMBER not in str(caught.value)  # hide_parameters: not in the log either


def test_two_imports_of_one_file_the_second_rechecks(consortium, tmp_path) -> None:  # noqa: ANN001
    path, _backup = consortium
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER] + [village(n) for n in range(300)])
    second = Second("import-paused", str(path), "institutions", str(book))
    second.expect("checking")  # planned against the database without the 300 rows
    first = ylt("import", "institutions", str(book), "--db", str(path))
    assert first.returncode == 0, first.stderr
    assert _count(path) == 3 + 300
    second.send()
    out, err, code = second.finish()
    _clean(out + err)
    assert code == 0, err
    assert "新增 0 行" in out and "无变化 300 行" in out, out  # it says the rows now exist
    assert _count(path) == 3 + 300  # re-checked: no row twice, no IntegrityError
