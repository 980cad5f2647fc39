"""No whole identity number in an error, the log file, stdout or stderr (PIPL), even when a staff
import fails on a locked database or a broken constraint; files are owner-only."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import stat
import traceback
from pathlib import Path

import pytest
from sqlalchemy.exc import SQLAlchemyError

from tests.helpers.people import ric
from tests.helpers.root_logger import kept_root_logger
from tests.importing.conftest import write_book
from ylt_desktop import logs
from ylt_desktop.cli import main
from ylt_desktop.store import access

log = logging.getLogger(__name__)
HEADER = ["姓名", "性别", "证件类型", "证件号码", "职称", "专业", "所属机构"]


@pytest.fixture(scope="module")
def demo_file(demo_files, tmp_path_factory) -> tuple[Path, list[str]]:  # noqa: ANN001
    path = demo_files.copy(tmp_path_factory.mktemp("privacy") / "demo.sqlite")
    conn = sqlite3.connect(path)
    try:
        ids = [row[0] for row in conn.execute("SELECT id_number FROM staff")]
    finally:
        conn.close()
    assert ids
    return path, ids


@pytest.fixture
def demo(demo_file, tmp_path) -> tuple[Path, list[str], Path]:  # noqa: ANN001
    path = tmp_path / "demo.sqlite"
    shutil.copy(demo_file[0], path)
    new = [ric(dt.date(1980 + n, 3, 4), "女", seq=n, region="360428") for n in range(5)]
    rows = [[f"新人{n}", "女", "居民身份证", number, "护师", "护理", "示例县人民医院"]
            for n, number in enumerate(new)]  # fmt: skip
    book = write_book(tmp_path / "staff.xlsx", [HEADER, *rows])
    return path, demo_file[1] + new, book


def _import_and_collect(db: Path, book: Path, tmp_path: Path, capsys) -> str:  # noqa: ANN001
    """Run ``ylt import staff`` with the log file open; everything a person could see."""
    with kept_root_logger():
        log_path = logs.setup_logging(tmp_path / "logs")
        seen = []
        try:
            code = main(["import", "staff", str(book), "--db", str(db)])
            seen.append(f"exit {code}")
        except SQLAlchemyError as exc:  # what the program's error box shows, with details
            log.exception("import failed")
            seen += [str(exc), traceback.format_exc()]
        out, err = capsys.readouterr()
        for handler in logging.getLogger().handlers:
            handler.flush()
        seen += [out, err, log_path.read_text(encoding="utf-8")]
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    return "\n".join(seen)


def _no_whole_id(text: str, ids: list[str]) -> None:
    leaked = [number for number in ids if number in text]
    assert not leaked, f"{len(leaked)} whole ID numbers shown"


def test_a_broken_constraint_during_a_staff_import_shows_no_id(demo, tmp_path, capsys) -> None:  # noqa: ANN001
    db, ids, book = demo
    conn = sqlite3.connect(db)
    conn.execute("CREATE TRIGGER forced BEFORE INSERT ON staff BEGIN "
                 "SELECT RAISE(ABORT, 'forced'); END")  # fmt: skip
    conn.commit()
    conn.close()
    text = _import_and_collect(db, book, tmp_path, capsys)
    assert "exit 2" in text or "IntegrityError" in text  # the import failed, and said so
    _no_whole_id(text, ids)


def test_a_locked_database_during_a_staff_import_shows_no_id(demo, tmp_path, capsys,
                                                             monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    db, ids, book = demo
    # The program's own wait, shortened (30 s of waiting proves nothing more than 1 s).
    monkeypatch.setattr(access, "BUSY_TIMEOUT_MS", 100)
    monkeypatch.setattr(access, "BUSY_WAIT", 1.0)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing: the import waits, then fails
    try:
        text = _import_and_collect(db, book, tmp_path, capsys)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "exit 2" in text or "locked" in text  # the import failed, and said so
    assert access.BUSY_MESSAGE in text  # it waited for the lock first
    _no_whole_id(text, ids)


def test_staff_list_and_audit_show_ids_masked(demo, capsys) -> None:  # noqa: ANN001
    db, ids, _ = demo
    capsys.readouterr()
    assert main(["staff", "list", "--db", str(db), "--json"]) == 0
    assert main(["audit", "--db", str(db), "--table", "人员"]) == 0
    out, err = capsys.readouterr()
    assert "110105" in out or "3604" in out  # the masked numbers are there
    _no_whole_id(out + err, ids)


def test_the_log_masks_an_id_in_any_record(tmp_path) -> None:  # noqa: ANN001
    with kept_root_logger():
        path = logs.setup_logging(tmp_path / "logs")
        try:
            raise ValueError("bad 11010519491231002X here")
        except ValueError:
            log.exception("parsing %s", "36042819800304002X")
        for handler in logging.getLogger().handlers:
            handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "110105********002X" in text and "360428********002X" in text
    assert "11010519491231002X" not in text and "36042819800304002X" not in text


def test_database_and_backups_are_owner_only(demo) -> None:  # noqa: ANN001
    db, _, _ = demo
    os.chmod(db, 0o644)  # a file made by an earlier version
    assert main(["backup", "--db", str(db)]) == 0
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    (backup,) = (db.parent / "backups").glob("*.sqlite")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
