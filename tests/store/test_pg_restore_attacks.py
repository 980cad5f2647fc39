"""Attacks on the restore of an older program's server dump (review of b5e4b5a): text that
COPY does not escape but Python's ``splitlines`` splits at (U+2028, U+0085, \\x1c), tabs,
backslashes, a literal ``\\N``, very long values arrive as they were; a truncated dump is
refused and nothing changes."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from tests.store.test_pg_restore_versions import _dump, _institutions, _old_database, _revision
from ylt_desktop.store import pg_backup, server
from ylt_desktop.store.backup import DatabaseProblem, RestoreRefused
from ylt_desktop.store.db import head_revision

ODD = {
    "sep": "甲\u2028乙\u2029丙\x85丁\x1c戊\x1d己\x1e庚\x0c辛\x0b壬",
    "esc": "制表\t反斜杠\\N 换行\n回车\r\\. 结束",
    "long": "长" * 300_000,
}


def _settings(url: str) -> dict[str, str]:
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return dict(conn.exec_driver_sql("SELECT key, value FROM setting").fetchall())
    finally:
        engine.dispose()


def test_odd_text_in_an_older_dump_arrives_as_it_was(empty_url, demo_url, tmp_path) -> None:  # noqa: ANN001
    _old_database(empty_url)
    engine = server.make_server_engine(server.sqlalchemy_url(empty_url))
    with engine.begin() as conn:
        for key, value in ODD.items():
            conn.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
                         dict(k=key, v=value))  # fmt: skip
    engine.dispose()
    saved = _dump(empty_url, tmp_path / "old.dump")
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _revision(demo_url) == head_revision()
    got = _settings(demo_url)
    for key, value in ODD.items():
        assert got[key] == value, key


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99, -1])
@pytest.mark.parametrize("older", [True, False], ids=["older", "head"])
def test_a_truncated_dump_is_refused_and_nothing_changes(empty_url, demo_url, tmp_path, keep,
                                                         older) -> None:  # noqa: ANN001  # fmt: skip
    if older:
        _old_database(empty_url)
    else:
        from ylt_desktop.store.db import open_database

        open_database(empty_url).close()
    saved = _dump(empty_url, tmp_path / "whole.dump")
    data = saved.read_bytes()
    cut = tmp_path / "cut.dump"
    cut.write_bytes(data[: int(len(data) * keep)] if keep > 0 else data[:keep])
    before = _institutions(demo_url)
    with pytest.raises((RestoreRefused, DatabaseProblem)) as caught:
        pg_backup.restore(server.sqlalchemy_url(demo_url), cut)
    assert "没有被改动" in str(caught.value), str(caught.value)
    assert _revision(demo_url) == head_revision() and _institutions(demo_url) == before


def _in_dump(saved, table: str, needle: str) -> bool:  # noqa: ANN001
    script = pg_backup._run(
        [pg_backup._require("pg_restore"), "--data-only", f"--table={table}", "--file=-",
         str(saved)],
        dict(os.environ), "读取备份文件",
    )  # fmt: skip
    return needle in script


@pytest.mark.parametrize("older", [True, False], ids=["older", "head"])
def test_a_clerks_save_between_the_safety_copy_and_the_restore_is_not_lost(
    empty_url,
    demo_url,
    tmp_path,
    monkeypatch,
    older,  # noqa: ANN001
) -> None:
    """Another clerk saves just after the safety copy was made: the save either waits and is
    refused (the restore holds the write lock from before the safety copy) or is in the safety
    copy; never in neither (overwritten by the restore and missing from its copy)."""
    from ylt_desktop.store import access
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.settings import set_setting

    if older:
        _old_database(empty_url)
    else:
        open_database(empty_url).close()
    saved = _dump(empty_url, tmp_path / "whole.dump")
    monkeypatch.setattr(access, "BUSY_WAIT", 0.5)
    real = pg_backup.automatic_backup
    outcome = {}

    def then_a_clerk_saves(url, **kw):  # noqa: ANN001, ANN202
        safety = real(url, **kw)
        clerk = open_database(demo_url)
        try:
            with clerk.session() as s:
                set_setting(s, key="clerk_saved", value="在恢复前保存的")
            outcome["saved"] = True
        except access.DatabaseBusy:
            outcome["saved"] = False
        finally:
            clerk.close()
        outcome["safety"] = safety
        return safety

    monkeypatch.setattr(pg_backup, "automatic_backup", then_a_clerk_saves)
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _revision(demo_url) == head_revision()
    if outcome["saved"]:
        assert _in_dump(outcome["safety"], "setting", "clerk_saved")


def _old_database_with_extras(url: str) -> None:
    """The older database of ``_old_database`` that also holds a table of its own, a function,
    a view, a type and a large object."""
    _old_database(url)
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (id serial PRIMARY KEY, body text)")
        conn.exec_driver_sql("INSERT INTO notes (body) VALUES ('管理员的备注\t含制表符')")
        conn.exec_driver_sql(
            "CREATE FUNCTION twice(i integer) RETURNS integer LANGUAGE sql AS 'SELECT i * 2'"
        )
        conn.exec_driver_sql("CREATE VIEW unit_names AS SELECT name FROM institution")
        conn.exec_driver_sql("CREATE TYPE mood AS ENUM ('好', '坏')")
        conn.exec_driver_sql("SELECT lo_from_bytea(0, '\\x00ff'::bytea)")
    engine.dispose()


def _everything(url: str) -> dict:
    """What the tests compare after a restore: the program's records and the objects beyond
    them (each table's rows, the function, the view, the type, the large objects)."""
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            tables = (
                conn.exec_driver_sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema ="
                    " current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
                )
                .scalars()
                .all()
            )
            found = {
                t: sorted(map(repr, conn.exec_driver_sql(f'SELECT * FROM "{t}"').fetchall()))
                for t in tables
            }
            found["twice(21)"] = conn.exec_driver_sql("SELECT twice(21)").scalar()
            found["unit_names"] = (
                conn.exec_driver_sql("SELECT name FROM unit_names ORDER BY name").scalars().all()
            )
            found["mood"] = conn.exec_driver_sql("SELECT enum_range(NULL::mood)::text").scalar()
            found["large objects"] = (
                conn.exec_driver_sql("SELECT lo_get(oid) FROM pg_largeobject_metadata ORDER BY oid")
                .scalars()
                .all()
            )
        return found
    finally:
        engine.dispose()


def test_an_older_dump_with_objects_beyond_the_programs_tables(
    empty_url, demo_url, tmp_path
) -> None:  # noqa: ANN001
    """The older database also held a table of its own, a function, a view, a type and a large
    object: the restore loads them with the program's tables, ends at head, and the program
    opens the database (its tables are all there; the others are left as they came). The
    same dump restored again is restored again and leaves the same data (the function, the
    type and the large object it brought are dropped before, like the tables)."""
    from ylt_desktop.store.audit_verify import verify_chain
    from ylt_desktop.store.db import open_database

    _old_database_with_extras(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _revision(demo_url) == head_revision()
    db = open_database(demo_url)
    try:
        with db.session() as s:
            assert verify_chain(s).ok
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT twice(21)").scalar() == 42
            assert (
                conn.exec_driver_sql("SELECT body FROM notes").scalar() == "管理员的备注\t含制表符"
            )
            assert conn.exec_driver_sql("SELECT count(*) FROM unit_names").scalar() == 2
    finally:
        db.close()
    assert _institutions(demo_url) == ["旧版县人民医院", "旧版乡镇卫生院"]
    first = _everything(demo_url)
    assert first["large objects"] == [b"\x00\xff"] and first["mood"] == "{好,坏}"
    # The same dump again, twice: restored each time, to the same data.
    for _ in range(2):
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
        assert _revision(demo_url) == head_revision()
        assert _everything(demo_url) == first
    # What was made since and is not in the dump goes too: the restore replaces.
    engine = server.make_server_engine(server.sqlalchemy_url(demo_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE FUNCTION thrice(i integer) RETURNS integer LANGUAGE sql"
                             " AS 'SELECT i * 3'")  # fmt: skip
        conn.exec_driver_sql("SELECT lo_from_bytea(0, '\\x0102'::bytea)")
    engine.dispose()
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _everything(demo_url) == first
    engine = server.make_server_engine(server.sqlalchemy_url(demo_url))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT to_regproc('thrice')").scalar() is None
    engine.dispose()


@pytest.mark.parametrize("again", [False, True], ids=["first", "again"])
def test_an_older_dump_with_a_large_object_failing_midway_leaves_everything_as_it_was(
    empty_url, demo_url, tmp_path, monkeypatch, again
) -> None:  # noqa: ANN001
    """The restore fails after the drops and the dump's SQL ran (while migrating): one
    transaction, so the database is as it was — the demo (first), or the first restore's
    tables, function, type and large object (again). The dump's large object came inside a
    BEGIN/COMMIT of its own in pg_restore's SQL, which committed the restore halfway."""
    from alembic import command

    _old_database_with_extras(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    if again:
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
        engine = server.make_server_engine(server.sqlalchemy_url(demo_url))
        with engine.begin() as conn:  # a later change, so "as it was" is not the dump itself
            conn.exec_driver_sql("INSERT INTO notes (body) VALUES ('恢复之后写的')")
            conn.exec_driver_sql("SELECT lo_from_bytea(0, '\\x0102'::bytea)")
        engine.dispose()
        before = _everything(demo_url)
    else:
        before = _institutions(demo_url)
    real = command.upgrade
    ran = []

    def broken(cfg, target):  # noqa: ANN001, ANN202
        real(cfg, target)
        if "connection" in cfg.attributes:
            conn = cfg.attributes["connection"]
            # Dropped and loaded again inside the transaction: the later note is gone here.
            assert conn.exec_driver_sql("SELECT count(*) FROM notes").scalar() == 1
            ran.append(True)
            conn.exec_driver_sql("SELECT 1/0")

    monkeypatch.setattr(command, "upgrade", broken)
    with pytest.raises(RestoreRefused) as caught:
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert ran and "没有被改动" in str(caught.value)
    monkeypatch.setattr(command, "upgrade", real)
    assert _revision(demo_url) == head_revision()
    assert (_everything(demo_url) if again else _institutions(demo_url)) == before


def test_another_schemas_objects_on_the_dumps_function_or_type_are_not_dropped_unasked(
    empty_url, demo_url, tmp_path
) -> None:  # noqa: ANN001
    """After the older dump's first restore, an administrator's schema uses its type (a column)
    and its function (a view): the restore again would drop them with the type and the
    function (CASCADE), silently and for good. Refused first, naming them; nothing changes."""
    _old_database_with_extras(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    engine = server.make_server_engine(server.sqlalchemy_url(demo_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA reports")
        conn.exec_driver_sql("CREATE TABLE reports.moods (id integer, m public.mood)")
        conn.exec_driver_sql("INSERT INTO reports.moods VALUES (1, '好')")
        conn.exec_driver_sql("CREATE VIEW reports.doubled AS SELECT public.twice(2) AS n")
    engine.dispose()
    before = _everything(demo_url)
    with pytest.raises(RestoreRefused) as caught:
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    message = str(caught.value)
    assert "reports.moods" in message and "reports.doubled" in message, message
    assert "没有被改动" in message
    assert _everything(demo_url) == before
    engine = server.make_server_engine(server.sqlalchemy_url(demo_url))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT m::text FROM reports.moods").scalar() == "好"
        assert conn.exec_driver_sql("SELECT n FROM reports.doubled").scalar() == 4
    engine.dispose()
