"""Fixtures of the returns tests: the sample consortium of ``sample.py``."""

from __future__ import annotations

import pytest

from tests.returns import sample
from ylt_desktop.store.db import Database, open_database


@pytest.fixture
def sample_db(request, tmp_path, db_engine) -> Database:  # noqa: ANN001
    """The sample consortium, on an SQLite file and on the test PostgreSQL server."""
    if db_engine == "postgresql":
        from tests.conftest import pg_database

        with pg_database(request.getfixturevalue("pg_cluster"), request=request) as url:
            database = open_database(url)
            database.ids = sample.build(database)
            yield database
            database.close()
        return
    database = open_database(tmp_path / "sample.sqlite")
    database.ids = sample.build(database)
    yield database
    database.close()
