"""Shared fixtures: a fresh database file per test, the demo consortium, and a signed-in user.

Every test acts as a 管理员 unless it signs in someone else: ``store.users.DEFAULT_ACTOR`` is set
for databases opened in Python (``db.sign_in(Actor(...))`` to test another role), and
``YLT_USER``/``YLT_PASSWORD`` name the demo 管理员 for ``ylt`` (``ylt init`` makes that admin,
``ylt demo`` and ``build_demo`` make the demo users). scrypt runs with a cheap cost here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["YLT_SCRYPT_N"] = "16"  # the program's cost (2**15) would slow the suite

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

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
