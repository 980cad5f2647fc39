"""A throw-away PostgreSQL cluster for the tests (PLATFORM.md: "Other engines").

``Cluster.start()`` runs ``initdb`` into a fresh temporary folder and starts the server there,
listening only on a Unix socket in that folder (no TCP port: two clusters, two xdist workers or
two checkouts can never collide). As root, initdb refuses to run: the folder then belongs to the
``postgres`` user and the server runs as it (``runuser``). ``stop()`` stops it and removes the
folder. Fast settings (no fsync): the data are thrown away.

A database per test is ``CREATE DATABASE … TEMPLATE`` of one that has the migrations applied
(~0.1 s), dropped at the test's end.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "ylt"


def find_bin() -> Path | None:
    """The folder of ``initdb``/``pg_ctl``: ``$YLT_PG_BIN``, Debian's newest, or the PATH."""
    env = os.environ.get("YLT_PG_BIN")
    if env:
        return Path(env) if (Path(env) / "initdb").exists() else None
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if found:
        return Path(found[-1]).parent
    which = shutil.which("initdb")
    return Path(which).parent if which else None


def why_unavailable() -> str | None:
    """``None`` when a cluster can be started here, else the reason (for the skip message)."""
    if os.name != "posix":
        return "PostgreSQL tests run on Linux only"
    if find_bin() is None:
        return "PostgreSQL is not installed (no initdb; Debian: apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        self.bin = find_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="ylt-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._count = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=True)

    def start(self) -> Cluster:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        os.chmod(self.dir, 0o700)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"),
                  "-w", "start")  # fmt: skip
        return self

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str = "postgres", *, user: str = SUPERUSER) -> str:
        """The address a user types (``postgresql://``), through the cluster's socket folder."""
        return f"postgresql://{user}@/{dbname}?host={self.dir}&port={self.port}"

    def execute(self, sql: str) -> None:
        """One statement as the superuser, outside a transaction (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(
            host=str(self.dir), port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(sql)

    def new_name(self, prefix: str = "t") -> str:
        self._count += 1
        return f"{prefix}_{os.getpid()}_{self._count}"

    def create_database(self, name: str, *, template: str | None = None) -> str:
        source = f" TEMPLATE {template}" if template else " TEMPLATE template0"
        self.execute(f'CREATE DATABASE "{name}"{source}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
