"""Fixtures of the returns tests: the sample consortium of ``sample.py``."""

from __future__ import annotations

import pytest

from tests.returns import sample
from ylt_desktop.store.db import Database, open_database


@pytest.fixture
def sample_db(tmp_path) -> Database:  # noqa: ANN001
    database = open_database(tmp_path / "sample.sqlite")
    database.ids = sample.build(database)
    yield database
    database.close()
