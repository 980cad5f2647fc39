"""Review of be56804: an older dump's restore drops what the dump replaces, and only that.
A server database often holds an extension the administrator installed into its schema
(pg_stat_statements, pg_trgm …): its views, functions and tables are the extension's, not the
program's, and the server refuses to drop them one by one."""

from __future__ import annotations

import pytest

from tests.store.test_pg_restore_versions import _dump, _institutions, _old_database, _revision
from ylt_desktop.store import pg_backup, server
from ylt_desktop.store.db import head_revision


def _sql(url: str, *statements: str) -> list:
    engine = server.make_server_engine(server.sqlalchemy_url(url))
    try:
        with engine.begin() as conn:
            results = [conn.exec_driver_sql(s) for s in statements]
            return [r.fetchall() if r.returns_rows else [] for r in results]
    finally:
        engine.dispose()


def test_an_extension_in_the_schema_does_not_refuse_the_restore(
    empty_url, demo_url, tmp_path
) -> None:  # noqa: ANN001
    _old_database(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    # The administrator installed an extension into the program's database (its schema).
    # and a view of its own schema on it (not on the program's tables: no reason to refuse).
    _sql(
        demo_url,
        "CREATE EXTENSION pg_stat_statements",
        "CREATE SCHEMA monitor",
        "CREATE VIEW monitor.top AS SELECT query FROM pg_stat_statements",
    )
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _revision(demo_url) == head_revision()
    assert _institutions(demo_url) == ["旧版县人民医院", "旧版乡镇卫生院"]
    [found] = _sql(
        demo_url, "SELECT extname FROM pg_extension WHERE extname = 'pg_stat_statements'"
    )
    assert found == [("pg_stat_statements",)]
    [view] = _sql(demo_url, "SELECT to_regclass('monitor.top')::text")
    assert view == [("monitor.top",)]


def _schema_with_a_view_on_ours(url: str) -> None:
    """What a county's administrator may add beside the program: a schema of their own with a
    report view on the program's table and a table referring to it."""
    _sql(
        url,
        "CREATE SCHEMA reports",
        "CREATE VIEW reports.units AS SELECT id, name FROM institution",
        "CREATE TABLE reports.visits (unit_id integer REFERENCES institution (id), n integer)",
    )


@pytest.mark.parametrize("older", [True, False], ids=["older", "head"])
def test_another_schemas_objects_on_ours_are_not_dropped_unasked(
    empty_url, demo_url, tmp_path, older
) -> None:  # noqa: ANN001
    """DROP TABLE … CASCADE dropped another schema's view on the program's tables (and the
    foreign key of its table) with them, silently and for good: the dump does not bring them
    back; a dump of this program's schema failed on them in pg_restore, said as a damaged
    file. The restore is refused instead, naming them; nothing changes."""
    from ylt_desktop.store.backup import RestoreRefused

    if older:
        _old_database(empty_url)
        saved = _dump(empty_url, tmp_path / "old.dump")
    else:
        saved = _dump(demo_url, tmp_path / "head.dump")
    _schema_with_a_view_on_ours(demo_url)
    before = _institutions(demo_url)
    with pytest.raises(RestoreRefused) as caught:
        pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    message = str(caught.value)
    assert "reports.units" in message and "reports.visits" in message, message
    assert "没有被改动" in message
    assert _institutions(demo_url) == before
    [views, keys] = _sql(
        demo_url,
        "SELECT to_regclass('reports.units')::text",
        "SELECT count(*) FROM pg_constraint WHERE conrelid = 'reports.visits'::regclass"
        " AND contype = 'f'",
    )
    assert views == [("reports.units",)] and keys == [(1,)]


def test_another_schemas_use_of_an_extensions_type_does_not_refuse(
    empty_url, demo_url, tmp_path
) -> None:  # noqa: ANN001
    """An extension's type and function in the program's schema are left by the restore, so
    another schema's column of that type (a report table with a citext column) is no reason
    to refuse it (573dffc counted every type and function of the schema)."""
    _old_database(empty_url)
    saved = _dump(empty_url, tmp_path / "old.dump")
    _sql(
        demo_url,
        "CREATE EXTENSION citext",
        "CREATE SCHEMA reports",
        "CREATE TABLE reports.tags (tag citext)",
        "INSERT INTO reports.tags VALUES ('甲')",
    )
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _revision(demo_url) == head_revision()
    [tags] = _sql(demo_url, "SELECT tag::text FROM reports.tags")
    assert tags == [("甲",)]
