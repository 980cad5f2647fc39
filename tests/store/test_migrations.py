"""Migrations: head equals the models, an older database is backed up before upgrading."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ylt_desktop.store.db import head_revision, make_engine, open_database
from ylt_desktop.store.models import Base


def test_migrated_schema_matches_models(tmp_path) -> None:  # noqa: ANN001
    db = open_database(tmp_path / "a.sqlite")
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_fresh_database_is_at_head_without_backup(tmp_path) -> None:  # noqa: ANN001
    db = open_database(tmp_path / "a.sqlite")
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    assert not (tmp_path / "backups").exists()


def test_older_database_is_backed_up_then_upgraded(tmp_path) -> None:  # noqa: ANN001
    from alembic import command

    from ylt_desktop.store.db import alembic_config

    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    command.upgrade(alembic_config(engine), "0001")  # a database of the first release
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO setting (key, value) VALUES ('note', '\"数据\"')")
    engine.dispose()
    db = open_database(path)
    backups = list((tmp_path / "backups").glob("old-*.sqlite"))
    assert len(backups) == 1
    check = make_engine(backups[0])
    with check.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
        assert conn.exec_driver_sql("SELECT value FROM setting WHERE key='note'").scalar()
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
        assert conn.exec_driver_sql("SELECT value FROM setting WHERE key='note'").scalar()


@pytest.mark.sqlite_only("SQLite's own settings of the file (foreign keys, WAL, synchronous)")
def test_pragmas_are_set(db) -> None:  # noqa: ANN001
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_head_revision_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from ylt_desktop.store.db import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config(None)).get_current_head()
