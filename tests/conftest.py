"""Shared fixtures: a fresh database file per test, the demo consortium, and a signed-in user.

Databases are made once per session (per pytest-xdist worker) and each test gets its own copy
of the file: an empty one migrated to head (``db``) and the demo consortium, which takes
seconds to build (users, eight quarters of figures, the hash-chained audit log): ``demo_path``
(closed) or ``demo_db`` (open).

Every test acts as a 管理员 unless it signs in someone else: ``store.users.DEFAULT_ACTOR`` is set
for databases opened in Python (``db.sign_in(Actor(...))`` to test another role), and
``YLT_USER``/``YLT_PASSWORD`` name the demo 管理员 for ``ylt`` (``ylt init`` makes that admin,
``ylt demo`` and ``build_demo`` make the demo users). scrypt runs with a cheap cost here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["YLT_SCRYPT_N"] = "16"  # the program's cost (2**15) would slow the suite

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from tests.helpers.databases import copy_database, fold_in_wal  # noqa: E402
from ylt_desktop.demo.users import DEMO_PASSWORDS  # noqa: E402
from ylt_desktop.domain.roles import ADMIN  # noqa: E402
from ylt_desktop.store import users  # noqa: E402
from ylt_desktop.store.db import Database, open_database  # noqa: E402

# No deadlines anywhere: on a loaded machine a slow example is not a failing one, and a
# DeadlineExceeded saved in the example database would fail every later run (issue #11).
settings.register_profile("ylt", deadline=None)
settings.load_profile("ylt")

TEST_ADMIN = "admin"  # the demo 管理员's name, so that ylt signs in on demo databases too


@pytest.fixture(autouse=True, scope="session")
def _signed_in() -> Iterator[None]:
    # Session-wide, so module-scoped fixtures act as the admin too; a test changes it with
    # its own monkeypatch, which puts it back afterwards.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "DEFAULT_ACTOR", users.Actor(TEST_ADMIN, ADMIN))
        patch.setenv("YLT_USER", TEST_ADMIN)
        patch.setenv("YLT_PASSWORD", DEMO_PASSWORDS[TEST_ADMIN])
        yield


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database migrated to head, made once: migrating a new file costs ~0.1 s a test."""
    path = tmp_path_factory.mktemp("empty-template") / "ylt.sqlite"
    open_database(path).close()
    fold_in_wal(path)
    return path


@pytest.fixture
def db(empty_template: Path, tmp_path: Path) -> Database:
    """A new, empty database of the test's own (``tmp_path / "ylt.sqlite"``)."""
    database = open_database(copy_database(empty_template, tmp_path / "ylt.sqlite"))
    yield database
    database.close()


class DemoFiles:
    """The demo consortium built once, on the day it is asked for, and copied for each test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[dt.date, Path] = {}

    def template(self) -> Path:
        # build_demo dates its records from today: a run that passes midnight builds again.
        today = dt.date.today()
        if today not in self.built:
            from ylt_desktop.demo import build_demo

            path = self.folder / today.isoformat() / "demo.sqlite"
            database = open_database(path)
            build_demo(database)
            database.close()
            fold_in_wal(path)
            self.built[today] = path
        return self.built[today]

    def copy(self, target: Path) -> Path:
        """A private copy of the demo database at ``target`` (a file path), closed."""
        return copy_database(self.template(), target)


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    return DemoFiles(tmp_path_factory.mktemp("demo-template"))


@pytest.fixture
def demo_path(demo_files: DemoFiles, tmp_path: Path) -> Path:
    """A fresh copy of the demo database file (``tmp_path / "demo.sqlite"``), not open."""
    return demo_files.copy(tmp_path / "demo.sqlite")


@pytest.fixture
def demo_db(demo_path: Path) -> Database:
    database = open_database(demo_path)
    yield database
    database.close()
