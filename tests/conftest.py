"""Shared fixtures: a fresh database file per test, the demo consortium, and a signed-in user.

Databases are made once per session (per pytest-xdist worker) and each test gets its own copy
of the file: an empty one migrated to head (``db``) and the demo consortium, which takes
seconds to build (users, eight quarters of figures, the hash-chained audit log): ``demo_path``
(closed) or ``demo_db`` (open).

Every test acts as a 管理员 unless it signs in someone else: ``store.users.DEFAULT_ACTOR`` is set
for databases opened in Python (``db.sign_in(Actor(...))`` to test another role), and
``YLT_USER``/``YLT_PASSWORD`` name the demo 管理员 for ``ylt`` (``ylt init`` makes that admin,
``ylt demo`` and ``build_demo`` make the demo users). scrypt runs with a cheap cost here.

Two engines (DESIGN §8): in the areas that touch SQL (``PG_AREAS``) every test using ``db``,
``demo_db``, ``db_target``, ``demo_target`` (or ``sample_db`` of tests/returns) runs twice, on an SQLite file and on a fresh database of a
throw-away PostgreSQL cluster (``tests/helpers/postgres.py``, one per test session and xdist
worker). A test SQLite-only by nature is marked ``@pytest.mark.sqlite_only("why")``. Without
PostgreSQL the PostgreSQL half is skipped with the reason, unless ``YLT_REQUIRE_POSTGRES=1``
(scripts/test, CI): then it fails.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
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

# A test stuck with the GIL held, out of pytest-timeout's reach, still ends (with stacks).
pytest_plugins = ["tests.helpers.hang_backstop"]

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


@pytest.fixture(autouse=True, scope="session")
def _user_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The program's per-user folders (data: the demo database, a server's automatic backups;
    state: the log) in the session's folder, never the user's: ``platformdirs`` follows
    XDG_DATA_HOME / XDG_STATE_HOME on Linux, and so do the ``ylt`` processes tests start."""
    root = tmp_path_factory.mktemp("user-folders")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(root / "data"))
        patch.setenv("XDG_STATE_HOME", str(root / "state"))
        yield


@pytest.fixture(autouse=True, scope="session")
def _server_checks_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The day's check of a server database is remembered in the session's folder, never in
    the user's data folder (``store/server_daily.py``); a test patches it again for its own."""
    from ylt_desktop.store import server_daily

    path = tmp_path_factory.mktemp("server-checks") / server_daily.FILE_NAME
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server_daily, "marks_file", lambda: path)
        yield


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database migrated to head, made once: migrating a new file costs ~0.1 s a test."""
    path = tmp_path_factory.mktemp("empty-template") / "ylt.sqlite"
    open_database(path).close()
    fold_in_wal(path)
    return path


PG_AREAS = {"store", "importing", "returns", "cli"}
ENGINES = ["sqlite", "postgresql"]
PG_TEMPLATE = "ylt_template"  # migrated to head, no data
PG_DEMO_TEMPLATE = "ylt_demo_template"  # the demo consortium


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_engine" not in metafunc.fixturenames:
        return
    area = Path(str(metafunc.definition.path)).parent.name
    if area in PG_AREAS and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("db_engine", ENGINES)


@pytest.fixture
def db_engine() -> str:
    """The engine of ``db``/``demo_db``/``db_target``: SQLite outside ``PG_AREAS``."""
    return "sqlite"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[object]:
    from tests.helpers.postgres import Cluster, why_unavailable

    reason = why_unavailable()
    if reason:
        if os.environ.get("YLT_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"YLT_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(f"PostgreSQL half skipped: {reason}")
    cluster = Cluster().start()
    try:
        open_database(cluster.create_database(PG_TEMPLATE)).close()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster) -> str:  # noqa: ANN001
    from ylt_desktop.demo import build_demo

    database = open_database(pg_cluster.create_database(PG_DEMO_TEMPLATE, template=PG_TEMPLATE))
    build_demo(database)
    with database.engine.begin() as conn:  # the moment this database was set up (below)
        conn.exec_driver_sql(
            f"UPDATE institution SET created_at = '{PG_DEMO_BORN}'"
            " WHERE id = (SELECT min(id) FROM institution)"
        )
    database.close()
    return PG_DEMO_TEMPLATE


PG_DEMO_BORN = "2020-01-01 08:00:00"
"""The demo server database's first institution row's ``created_at``, which a restore compares
(``store.restore.born``): tests that restore "an older program's dump of this database" make
that dump with the same moment (``tests/store/test_pg_restore_versions._old_database``)."""


@contextmanager
def pg_database(cluster, template: str | None = PG_TEMPLATE, request=None) -> Iterator[str]:  # noqa: ANN001
    """The address of a fresh database copied from ``template`` (``None``: empty), dropped after.

    With ``request``, the test's automatic dumps (before an import, a restore) go to its
    ``tmp_path``, not the user's data folder."""
    if request is not None:
        from ylt_desktop.store import pg_backup

        folder = request.getfixturevalue("tmp_path") / "pg-backups"
        request.getfixturevalue("monkeypatch").setattr(pg_backup, "backup_folder", lambda: folder)
    name = cluster.new_name()
    url = cluster.create_database(name, template=template)
    try:
        yield url
    finally:
        cluster.drop_database(name)


@pytest.fixture
def pg_url(pg_cluster) -> Iterator[str]:  # noqa: ANN001
    """A fresh PostgreSQL database with the schema at head and no data."""
    with pg_database(pg_cluster) as url:
        yield url


@pytest.fixture
def db_target(request, tmp_path, db_engine) -> Iterator[str]:  # noqa: ANN001
    """What ``--db`` names for a database not made yet: a file path, or an empty server database."""
    if db_engine == "postgresql":
        with pg_database(request.getfixturevalue("pg_cluster"), None, request) as url:
            yield url
    else:
        yield str(tmp_path / "ylt.sqlite")


@pytest.fixture
def demo_target(request, tmp_path, db_engine) -> Iterator[str]:  # noqa: ANN001
    """What ``--db`` names for a fresh copy of the demo consortium (what ``ylt demo`` makes)."""
    if db_engine == "postgresql":
        template = request.getfixturevalue("pg_demo_template")
        with pg_database(request.getfixturevalue("pg_cluster"), template, request) as url:
            yield url
        return
    yield str(request.getfixturevalue("demo_files").copy(tmp_path / "demo.sqlite"))


@pytest.fixture
def db(request, tmp_path, db_engine) -> Iterator[Database]:  # noqa: ANN001
    """A new, empty database of the test's own (``tmp_path / "ylt.sqlite"``, or one on the
    test server)."""
    if db_engine == "postgresql":
        with pg_database(request.getfixturevalue("pg_cluster"), request=request) as url:
            database = open_database(url)
            yield database
            database.close()
        return
    # A copy of the session's migrated empty file (``empty_template``).
    database = open_database(
        copy_database(request.getfixturevalue("empty_template"), tmp_path / "ylt.sqlite")
    )
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
def demo_db(request, tmp_path, db_engine) -> Iterator[Database]:  # noqa: ANN001
    """The demo consortium: a copy of the session's demo file, or a database on the test
    server copied from the demo template."""
    if db_engine == "postgresql":
        template = request.getfixturevalue("pg_demo_template")
        with pg_database(request.getfixturevalue("pg_cluster"), template, request) as url:
            database = open_database(url)
            yield database
            database.close()
        return
    database = open_database(request.getfixturevalue("demo_path"))
    yield database
    database.close()


@pytest.fixture
def member(tmp_path) -> Iterator[Database]:  # noqa: ANN001
    """A member's database (成员库) of unit A, set up from the lead's roster
    (``tests/exchange/world.py``); the lead's database is closed."""
    from tests.exchange.world import A, lead_database, member_database

    lead = lead_database(tmp_path)
    db = member_database(lead, A, tmp_path)
    lead.close()
    yield db
    db.close()
