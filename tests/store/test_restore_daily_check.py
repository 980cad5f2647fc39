"""A restore makes the day's check due again (``store/server_daily.py: forget_checked``): a
check run earlier that day was of the data the restore replaced, so the next opening runs it
again (the full integrity check, then the program's verification of the audit log) instead of
leaving the restored data unchecked until the next day. The day's backup stays one a day. On a
server this PC's day is forgotten (the PC that restores checks at its next start)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ylt_desktop.store import pg_backup, server
from ylt_desktop.store.backup import backup_copy, list_backups
from ylt_desktop.store.db import open_database
from ylt_desktop.store.restore import restore_database

TODAY = dt.date.today()  # the restore forgets whatever day was remembered


def _opened(target: str | Path) -> bool:
    """Whether a start on ``target`` runs the day's check; run to its end when it does."""
    db = open_database(target, daily=True, today=TODAY)
    try:
        if db.daily_checked:
            db.daily_check_done()
        return db.daily_checked
    finally:
        db.close()


@pytest.fixture
def checked(tmp_path: Path) -> tuple[Path, Path]:
    """A database file checked today already, and a backup of it."""
    path = tmp_path / "ylt.sqlite"
    open_database(path).close()
    assert _opened(path) is True
    assert _opened(path) is False  # remembered: the day's later starts do not check
    return path, backup_copy(path, reason="manual")


def test_a_restore_into_the_live_file_makes_the_days_check_due_again(checked) -> None:  # noqa: ANN001
    path, saved = checked
    restore_database(saved, path)
    assert _opened(path) is True  # checked again the same day
    assert _opened(path) is False  # and remembered once done
    assert [b.taken.date() for b in list_backups(path) if b.reason == "daily"] == [TODAY]


def test_a_restore_replacing_a_broken_file_makes_the_days_check_due_again(checked) -> None:  # noqa: ANN001
    from tests.store.test_backup import corrupt

    path, saved = checked
    corrupt(path)  # damaged pages: the backup replaces the file (kept raw as 'damaged')
    assert restore_database(saved, path).name.endswith("-damaged.sqlite")
    assert _opened(path) is True
    assert _opened(path) is False


def test_a_refused_restore_leaves_the_day_remembered(checked, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.store.backup import RestoreRefused

    path, _saved = checked
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    with pytest.raises(RestoreRefused):
        restore_database(bad, path)
    assert _opened(path) is False  # nothing replaced: nothing to check again


def test_a_server_restore_makes_this_pcs_days_check_due_again(demo_url, marks, tmp_path) -> None:  # noqa: ANN001
    if pg_backup.find_tool("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed here")
    assert _opened(demo_url) is True
    assert _opened(demo_url) is False
    saved = pg_backup.dump(server.sqlalchemy_url(demo_url), tmp_path / "saved.dump")
    db = open_database(demo_url)
    try:  # as the program restores: with its engine's address
        pg_backup.restore(db.engine.url, saved)
    finally:
        db.close()
    assert _opened(demo_url) is True
    assert _opened(demo_url) is False


def test_a_check_running_while_the_data_are_restored_is_not_remembered(checked) -> None:  # noqa: ANN001
    """Another program was running the day's check when a restore replaced the data: its end
    does not remember the day (what it checked is gone); the next start checks again."""
    path, saved = checked
    restore_database(saved, path)
    running = open_database(path, daily=True, today=TODAY)
    try:
        assert running.daily_checked
        restore_database(saved, path)  # meanwhile, by another program
        running.daily_check_done()
    finally:
        running.close()
    assert _opened(path) is True
    assert _opened(path) is False


def test_on_a_server_a_check_running_while_the_data_are_restored_is_not_remembered(
    demo_url, marks, tmp_path
) -> None:  # noqa: ANN001
    if pg_backup.find_tool("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed here")
    saved = pg_backup.dump(server.sqlalchemy_url(demo_url), tmp_path / "saved.dump")
    running = open_database(demo_url, daily=True, today=TODAY)
    try:
        assert running.daily_checked
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)  # by another program
        running.daily_check_done()
    finally:
        running.close()
    assert _opened(demo_url) is True
    assert _opened(demo_url) is False
