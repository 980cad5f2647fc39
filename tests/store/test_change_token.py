"""``audit.change_token`` (pages reload when it moves) for databases without any audit entry:
old databases and backups from before the audit log. They name no history, so the token is
made from their data instead (each table's count and largest id, and the file's identity,
size and time on SQLite, or the tables' storage on a server): a restore between two such
databases by another program moves it, even when both have as many records with the same
ids; it stays put while nothing is written. The saved overview still has no key for them
(``snapshot_key.fingerprint`` is None)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ylt_desktop.store import server
from ylt_desktop.store.audit import change_token
from ylt_desktop.store.backup import backup_copy
from ylt_desktop.store.db import Database, open_database
from ylt_desktop.store.restore import restore_database
from ylt_desktop.store.snapshot_key import fingerprint


def _token(db: Database) -> tuple[int, str]:
    with db.session() as s:
        return change_token(s)


def _unkeyed(db: Database) -> bool:
    with db.session() as s:
        return fingerprint(s) is None


def _raw(path: Path, *sql: str) -> Path:
    """Statements run on the file outside the program (nothing audited)."""
    conn = sqlite3.connect(path)
    try:
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()
    return path


@pytest.mark.sqlite_only("backups and restores of the SQLite file")
def test_a_restore_between_two_sqlite_databases_without_entries_moves_the_token(demo_db) -> None:  # noqa: ANN001
    first = _raw(backup_copy(demo_db.path, reason="manual"), "DELETE FROM audit_entry")
    # The same records, ids and counts; one name differs.
    second = _raw(backup_copy(demo_db.path, reason="manual"), "DELETE FROM audit_entry",
                  "UPDATE institution SET name = name || '（改）' WHERE id = 2")  # fmt: skip
    restore_database(first, demo_db.path)
    seen = _token(demo_db)
    assert seen != (0, "") and _token(demo_db) == seen  # nothing written: the same
    assert _unkeyed(demo_db)  # still no saved overview for it
    restore_database(second, demo_db.path)  # as another program would
    moved = _token(demo_db)
    assert moved != seen and _token(demo_db) == moved
    assert _unkeyed(demo_db)
    restore_database(first, demo_db.path)
    assert _token(demo_db) not in (moved, (0, ""))


def test_a_restore_between_two_server_databases_without_entries_moves_the_token(
    demo_url, tmp_path
) -> None:  # noqa: ANN001
    from ylt_desktop.store import pg_backup

    url = server.sqlalchemy_url(demo_url)
    engine = server.make_server_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_entry")
    first = pg_backup.dump(url, tmp_path / "first.dump")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE institution SET name = name || '（改）' WHERE id = 2")
    second = pg_backup.dump(url, tmp_path / "second.dump")
    engine.dispose()
    pg_backup.restore(url, first)
    db = open_database(demo_url)
    try:
        seen = _token(db)
        assert seen != (0, "") and _token(db) == seen and _unkeyed(db)
        pg_backup.restore(url, second)  # another program: this one keeps its connections
        moved = _token(db)
        assert moved != seen and _token(db) == moved and _unkeyed(db)
    finally:
        db.close()


def test_a_database_with_entries_keeps_the_newest_entrys_token(db) -> None:  # noqa: ANN001
    from ylt_desktop.store.settings import set_setting

    with db.session() as s:
        set_setting(s, key="x", value=1)
    with db.session() as s:
        newest = fingerprint(s)
        assert change_token(s) == (newest.entry, newest.hash)
