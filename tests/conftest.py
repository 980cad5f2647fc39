"""Shared fixtures: a fresh database file per test, and the demo consortium."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from ylt_desktop.store.db import Database, open_database  # noqa: E402

# No deadlines anywhere: on a loaded machine a slow example is not a failing one, and a
# DeadlineExceeded saved in the example database would fail every later run (issue #11).
settings.register_profile("ylt", deadline=None)
settings.load_profile("ylt")


@pytest.fixture
def db(tmp_path) -> Database:  # noqa: ANN001
    database = open_database(tmp_path / "ylt.sqlite")
    yield database
    database.close()


@pytest.fixture
def demo_db(tmp_path) -> Database:  # noqa: ANN001
    from ylt_desktop.demo import build_demo

    database = open_database(tmp_path / "demo.sqlite")
    build_demo(database)
    yield database
    database.close()
