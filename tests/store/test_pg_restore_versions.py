"""Restoring a server backup made by another version of the program (issue 17): a dump of an
older schema (``0008``, before member packages and record versions) restored into a database
at head ends at head with its records and a valid audit chain, all in one transaction; a dump
of a NEWER schema is refused in Chinese and nothing changes; a restore that fails midway
leaves the database exactly as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.conftest import PG_DEMO_BORN
from ylt_desktop.store import pg_backup, pg_schema, server
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.backup import RestoreRefused
from ylt_desktop.store.chain import entry_hash
from ylt_desktop.store.db import alembic_config, head_revision, open_database

OLD = "0008"


def _old_database(url: str) -> None:
    """A database of the program at ``0008`` with a consortium, two institutions, a setting
    and four hash-chained audit entries, written with the SQL of that schema."""
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    try:
        command.upgrade(alembic_config(engine), OLD)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO consortium (name, kind, division, founded) VALUES "
                              "('旧版医共体', '县域医共体', '360428', '2020-01-01')"))  # fmt: skip
            for i, name in enumerate(["旧版县人民医院", "旧版乡镇卫生院"], start=1):
                conn.execute(
                    text(
                        "INSERT INTO institution (id, name, name_key, licence_no, division,"
                        " category, level, ownership, role, joined, beds_authorised,"
                        " beds_actual, health_tech_staff, doctors, nurses, address, contact,"
                        " phone, created_at) VALUES (:id, :name, :name, :lic, '360428', '综合医院',"
                        " '二级', '公立', :role, '2020-01-01', 100, 90, 50, 20, 25, '县城', '张三',"
                        " '0791-1234567', :born)"
                    ),
                    # The demo database at an older version: set up at the same moment.
                    dict(
                        id=i,
                        name=name,
                        lic=f"PDY0000{i}",
                        role="牵头" if i == 1 else "成员",
                        born=PG_DEMO_BORN,
                    ),  # fmt: skip
                )
            conn.execute(text("SELECT setval('institution_id_seq', 2)"))
            conn.execute(text("INSERT INTO setting (key, value) VALUES ('note', '\"旧版\"')"))
            previous = None
            for i in range(1, 5):
                row = dict(id=i, at=dt.datetime(2025, 1, 1, 8, i), user="admin",
                           action="insert", table_name="institution", record_id=str(i),
                           old_values=None, new_values=f'{{"n": {i}}}')  # fmt: skip
                row["hash"] = previous = entry_hash(previous, row)
                conn.execute(
                    text("INSERT INTO audit_entry (id, at, \"user\", action, table_name,"
                         " record_id, old_values, new_values, hash) VALUES (:id, :at, :user,"
                         " :action, :table_name, :record_id, :old_values, :new_values, :hash)"),
                    row,
                )  # fmt: skip
            conn.execute(text("SELECT setval('audit_entry_id_seq', 4)"))
    finally:
        engine.dispose()


def _dump(url: str, target: Path) -> Path:
    return pg_backup.dump(server.sqlalchemy_url(url), target)


def _revision(url: str) -> str:
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    finally:
        engine.dispose()


def _institutions(url: str) -> list[str]:
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.exec_driver_sql("SELECT name FROM institution ORDER BY id")]
    finally:
        engine.dispose()


def test_an_older_programs_dump_is_restored_and_brought_to_head(empty_url, demo_url,
                                                                tmp_path) -> None:  # noqa: ANN001  # fmt: skip
    _old_database(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    assert pg_backup.backup_revision(saved) == OLD
    assert _revision(demo_url) == head_revision() != OLD
    safety = pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert safety is not None and pg_backup.backup_revision(safety) == head_revision()
    assert _revision(demo_url) == head_revision()
    # The program opens it as it is (nothing left to migrate) and finds the records.
    db = open_database(demo_url)
    try:
        with db.session() as s:
            from ylt_desktop.store.institutions import get_consortium
            from ylt_desktop.store.settings import get_setting

            assert get_consortium(s).name == "旧版医共体"
            assert get_setting(s, "note") == "旧版"
            report = verify_chain(s)
            assert report.ok and report.entries == 4
        assert _institutions(demo_url) == ["旧版县人民医院", "旧版乡镇卫生院"]
        with db.engine.connect() as conn:  # head's columns and tables, at their defaults
            versions = conn.exec_driver_sql("SELECT version FROM institution").scalars().all()
            assert versions and all(v is not None for v in versions)
            assert conn.exec_driver_sql("SELECT count(*) FROM package_event").scalar() == 0
        # New records go on after the restored ones (the sequences came with the dump).
        from ylt_desktop.store.settings import set_setting

        with db.session() as s:
            set_setting(s, key="after", value=1)
        with db.session() as s:
            assert verify_chain(s).ok and verify_chain(s).entries == 5
    finally:
        db.close()


def test_a_newer_programs_dump_is_refused_and_nothing_changes(empty_url, demo_url,
                                                              tmp_path) -> None:  # noqa: ANN001  # fmt: skip
    open_database(empty_url).close()
    engine = server.make_server_engine(server.sqlalchemy_url(empty_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    saved = _dump(empty_url, tmp_path / "newer.dump")
    before = _institutions(demo_url)
    with pytest.raises(RestoreRefused) as caught:
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    message = str(caught.value)
    assert "0099" in message and "比本程序新" in message and "请先升级本程序" in message
    assert "没有被改动" in message
    assert _revision(demo_url) == head_revision() and _institutions(demo_url) == before


def test_a_failure_while_migrating_the_restored_dump_leaves_the_database_as_it_was(
    empty_url, demo_url, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    _old_database(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    before = _institutions(demo_url)
    real = command.upgrade

    def broken(cfg, target):  # noqa: ANN001, ANN202
        real(cfg, target)
        if "connection" in cfg.attributes:  # the restore's migration ran: now it fails
            conn = cfg.attributes["connection"]
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
                head_revision()
            )
            conn.exec_driver_sql("SELECT 1/0")

    monkeypatch.setattr(command, "upgrade", broken)
    with pytest.raises(RestoreRefused) as caught:
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert f"数据结构版本 {OLD}" in str(caught.value) and "没有被改动" in str(caught.value)
    monkeypatch.setattr(command, "upgrade", real)
    assert _revision(demo_url) == head_revision()
    assert _institutions(demo_url) == before and "旧版县人民医院" not in before
    db = open_database(demo_url)
    try:
        with db.session() as s:
            assert verify_chain(s).ok
    finally:
        db.close()


def test_ylt_restore_of_an_older_and_a_newer_dump(empty_url, demo_url, tmp_path,
                                                  capsys) -> None:  # noqa: ANN001  # fmt: skip
    """The same through ``ylt restore`` (what the 恢复数据库… menu also calls)."""
    from ylt_desktop.cli import main

    _old_database(empty_url)
    old = _dump(empty_url, tmp_path / "old.dump")
    engine = server.make_server_engine(server.sqlalchemy_url(empty_url))
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    engine.dispose()
    newer = _dump(empty_url, tmp_path / "newer.dump")
    capsys.readouterr()
    assert main(["restore", "--db", demo_url, str(newer)]) != 0
    assert "比本程序新" in capsys.readouterr().err
    assert _institutions(demo_url) != ["旧版县人民医院", "旧版乡镇卫生院"]
    assert main(["restore", "--db", demo_url, str(old)]) == 0
    assert "原数据库已另存" in capsys.readouterr().out
    assert _institutions(demo_url) == ["旧版县人民医院", "旧版乡镇卫生院"]
    assert _revision(demo_url) == head_revision()


def test_the_dumps_sql_is_run_with_its_copy_rows_and_without_psql_commands(empty_url) -> None:  # noqa: ANN001
    """What newer pg_restore versions write (``\\restrict``, ``\\unrestrict``: psql's commands)
    is skipped; COPY rows (Chinese, an escaped backslash, a NULL) arrive as they were."""
    import psycopg

    u = server.sqlalchemy_url(empty_url)
    script = (
        "\\restrict abc123\n"
        "SET client_encoding = 'UTF8';\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        "CREATE TABLE public.t (\n    a text,\n    b integer\n);\n\n"
        "COPY public.t (a, b) FROM stdin;\n"
        "中文名称\t1\n"
        "x\\\\y\t\\N\n"
        "\\.\n\n"
        "\\unrestrict abc123\n"
    )
    with psycopg.connect(host=u.query["host"], port=int(u.query["port"]), user=u.username,
                         dbname=u.database) as conn:  # fmt: skip
        pg_schema.run_script(conn, script)
        rows = conn.execute("SELECT a, b FROM public.t ORDER BY a DESC").fetchall()
        conn.rollback()
    assert rows == [("中文名称", 1), ("x\\y", None)]
