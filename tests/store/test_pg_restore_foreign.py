"""Review of be56804: an older dump's restore drops what the dump replaces, and only that.
A server database often holds an extension the administrator installed into its schema
(pg_stat_statements, pg_trgm …): its views, functions and tables are the extension's, not the
program's, and the server refuses to drop them one by one."""

from __future__ import annotations

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
    _sql(demo_url, "CREATE EXTENSION pg_stat_statements")
    pg_backup.restore(server.sqlalchemy_url(demo_url), saved)
    assert _revision(demo_url) == head_revision()
    assert _institutions(demo_url) == ["旧版县人民医院", "旧版乡镇卫生院"]
    [found] = _sql(
        demo_url, "SELECT extname FROM pg_extension WHERE extname = 'pg_stat_statements'"
    )
    assert found == [("pg_stat_statements",)]
