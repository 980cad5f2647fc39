"""A second program on the same database, for the tests of two programs at once.

``ylt(...)`` runs the real command line in its own process. ``Second`` starts this module as
a process that does one thing and stops where told, reporting on stdout and waiting for a line
on stdin before it goes on (no sleeps: each side waits for the other's line):

- ``hold-open DB``: opens the database like the program; on ``add NAME`` saves a new unit and
  prints the units it then sees; on ``count`` prints the units it sees.
- ``hold-lock DB``: takes the write lock (``BEGIN IMMEDIATE``), prints ``locked``, releases it
  on any line.
- ``import-paused DB KIND FILE``: an import that stops at its first progress report while
  checking (prints ``checking``) and goes on at the next line; prints the summary.
- ``import-writing DB KIND FILE``: an import that stops at its first progress report while
  writing, holding the write lock (prints ``writing``), and goes on at the next line.
- ``clerk DB KIND ID``: a clerk's form on one record (institution or staff): prints
  ``loaded VERSION``; on ``save FIELD=VALUE`` saves the form with that field changed and
  prints ``saved VERSION`` or ``refused MESSAGE | FIELD=THEIR VALUE;…``; on ``delete`` deletes
  it (``deleted`` or ``refused …``); on ``reload`` reads the record again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETPRIV = (
    "setpriv",
    "--bounding-set",
    "-dac_override,-dac_read_search,-fowner",
    "--inh-caps",
    "-dac_override,-dac_read_search,-fowner",
)


def _env() -> dict[str, str]:  # also used by tests of other areas
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def ylt(
    *args: str, prefix: tuple[str, ...] = (), timeout: float = 120
) -> subprocess.CompletedProcess:
    """``ylt ARGS`` in a process of its own (``prefix``: e.g. ``SETPRIV``)."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ylt_desktop.cli", *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=timeout,
        cwd=ROOT,
    )


def start_ylt(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ylt_desktop.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=ROOT,
    )


class Second:
    """This module run as another process; ``expect`` reads its next line."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.programs", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=ROOT,
        )

    def expect(self, start: str) -> str:
        line = self.proc.stdout.readline().rstrip("\n")
        if not line.startswith(start):
            rest = self.proc.stderr.read() if self.proc.poll() is not None else ""
            raise AssertionError(f"expected {start!r}, got {line!r}\n{rest}")
        return line

    def send(self, line: str = "go") -> None:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 120) -> tuple[str, str, int]:
        out, err = self.proc.communicate(timeout=timeout)
        return out, err, self.proc.returncode


def _count(db) -> int:  # noqa: ANN001
    from ylt_desktop.store import institutions

    with db.session() as s:
        return institutions.count_institutions(s)


def _signed_in(path: str):  # noqa: ANN202
    """The database at ``path``, signed in as YLT_USER/YLT_PASSWORD when it has users (as the
    program and ``ylt`` would be); a database without users takes writes unsigned."""
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.users import authenticate, has_users

    db = open_database(path, create=False)
    with db.session() as s:
        if has_users(s):
            db.sign_in(
                authenticate(s, name=os.environ["YLT_USER"], password=os.environ["YLT_PASSWORD"])
            )
    return db


def _hold_open(path: str) -> None:
    import datetime as dt

    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions

    db = _signed_in(path)
    print("open", _count(db), flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        if command == "add":
            data = InstitutionData(
                name=arg, division="360428", category="村卫生室", joined=dt.date(2024, 1, 1)
            )
            with db.session() as s:
                institutions.create_institution(s, data=data)
        print("count", _count(db), flush=True)
    db.close()


def _hold_lock(path: str) -> None:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    conn.close()


def _import_pausing(path: str, kind: str, file: str, *, say: str, when: Callable[[], bool]) -> None:
    """An import that, at its first progress report for which ``when()`` holds, prints ``say``
    and waits for a line on stdin; prints its summary at the end."""
    from ylt_desktop.importing import import_file

    db = _signed_in(path)
    paused = []

    def progress(_done: int, _total: int) -> None:
        if not paused and when():
            paused.append(True)
            print(say, flush=True)
            sys.stdin.readline()

    report = import_file(db, kind, file, dry_run=False, progress=progress)
    print("done", report.summary().replace("\n", " | "), flush=True)
    db.close()


def _import_paused(path: str, kind: str, file: str) -> None:
    _import_pausing(path, kind, file, say="checking", when=lambda: True)


def _holds_write_lock(target: str) -> bool:
    """Whether another connection holds the database's write lock: SQLite's, or on a server
    the advisory lock every writing transaction takes (``store/server.py``)."""
    from ylt_desktop.store.connect import ServerChoice, is_server_url

    if is_server_url(target):
        import psycopg

        from ylt_desktop.store.server import LOCK_KEY

        c = ServerChoice.from_url(target)
        with psycopg.connect(host=c.host, port=c.port, dbname=c.database, user=c.user,
                             autocommit=True) as conn:  # fmt: skip
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
            if got:
                conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
            return not got
    import sqlite3

    probe = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def _import_writing(path: str, kind: str, file: str) -> None:
    _import_pausing(path, kind, file, say="writing", when=lambda: _holds_write_lock(path))


def _clerk(path: str, kind: str, record_id: str) -> None:
    import dataclasses

    from ylt_desktop.store import institutions, staff, versions
    from ylt_desktop.store.models import Institution, Staff

    db = _signed_in(path)
    model, store = {"institution": (Institution, institutions), "staff": (Staff, staff)}[kind]
    rid = int(record_id)

    def load() -> tuple:
        with db.session() as s:
            record = s.get(model, rid)
            return store.to_data(record), record.version

    data, version = load()
    print("loaded", version, flush=True)
    for line in sys.stdin:
        command, _, arg = line.strip().partition(" ")
        try:
            with db.session() as s:
                if command == "save":
                    field, _, value = arg.partition("=")
                    data = dataclasses.replace(data, **{field: value})
                    update = getattr(store, f"update_{kind}")
                    saved = update(s, **{f"{kind}_id": rid}, data=data, version=version)
                    version = saved.version
                    print("saved", version, flush=True)
                elif command == "delete":
                    getattr(store, f"delete_{kind}")(s, **{f"{kind}_id": rid}, version=version)
                    print("deleted", flush=True)
                elif command == "reload":
                    data, version = load()
                    print("loaded", version, flush=True)
        except versions.RecordChanged as exc:
            theirs = ";".join(f"{k}={v}" for k, v in sorted((exc.theirs or {}).items()))
            print("refused", str(exc), "|", theirs, flush=True)
    db.close()


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    {
        "hold-open": _hold_open,
        "hold-lock": _hold_lock,
        "import-paused": _import_paused,
        "import-writing": _import_writing,
        "clerk": _clerk,
    }[what](*rest)
