"""Power cuts, simulated: a child process is killed (SIGKILL) at seeded random points.

After every kill the database passes ``PRAGMA integrity_check`` and holds all or none of a batch
written in one ``all_or_nothing`` transaction (with its audit entries); a kill during a backup or
a restore leaves the original database intact and no partial file under a real name.
The parent waits on the child's progress lines rather than sleeping blindly.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ylt_desktop.store.backup import (
    backup_copy,
    check_database,
    list_backups,
    verify_backup,
)
from ylt_desktop.store.db import open_database

BATCH = 60

BATCH_CHILD = """
import datetime as dt, sys
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import open_database
from ylt_desktop.store.tx import all_or_nothing

path, run, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = open_database(path)
print("ready", flush=True)
with db.session() as s, all_or_nothing(s):
    for i in range(n):
        data = InstitutionData(
            name=f"批次{run}-机构{i}", uscc=make_uscc("12", "360428", f"{run:04d}{i:04d}"),
            division="360428", category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1),
        )
        store.create_institution(s, data=data)
        print("row", i, flush=True)
print("committed", flush=True)
"""

BACKUP_CHILD = """
import sys
from pathlib import Path
from ylt_desktop.store.backup import backup_copy
backup_copy(Path(sys.argv[1]), reason="manual", progress=lambda t: print(t, flush=True))
print("done", flush=True)
"""

RESTORE_CHILD = """
import sys
from ylt_desktop.store.restore import restore_database
print("ready", flush=True)
restore_database(sys.argv[1], sys.argv[2], progress=lambda t: print(t, flush=True))
print("done", flush=True)
"""

HOT_WAL = """
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO setting (key, value) VALUES ('marker-wal', 'old-wal')")
c.commit()
os._exit(0)  # no close: the committed row stays in the -wal only, as after a power cut
"""


def run_and_kill(script: str, args: list[str], *, lines: int, delay: float) -> list[str]:
    """Start the child, read ``lines`` progress lines, wait ``delay`` s, then kill it hard."""
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        while len(seen) < lines:
            line = child.stdout.readline()
            if not line:
                break
            seen.append(line.strip())
        if delay:
            time.sleep(delay)
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
        child.wait()
    finally:
        child.stdout.close()
        stderr = child.stderr.read()
        child.stderr.close()
    assert "Traceback" not in stderr, stderr
    return seen


def integrity(path: Path) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def query(path: Path, sql: str, *params: object) -> list:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def test_killed_bulk_write_leaves_all_or_nothing(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "ylt.sqlite"
    open_database(path).close()
    rng = random.Random(20260601)
    outcomes = set()
    for run in range(16):
        # Lines: "ready", then one per row, then "committed" (BATCH + 2 in all).
        lines = rng.choice([1, rng.randint(2, BATCH), BATCH + 1, BATCH + 1, BATCH + 2])
        delay = rng.choice([0.0, rng.uniform(0, 0.004)])
        run_and_kill(BATCH_CHILD, [str(path), str(run), str(BATCH)], lines=lines, delay=delay)
        assert integrity(path) == [("ok",)]
        (rows,) = query(path, "SELECT count(*) FROM institution WHERE name LIKE ?", f"批次{run}-%")
        (audited,) = query(
            path,
            "SELECT count(*) FROM audit_entry WHERE action='insert' AND new_values LIKE ?",
            f"%批次{run}-%",
        )
        assert rows[0] in (0, BATCH), f"run {run}: {rows[0]} of {BATCH} rows after the kill"
        assert audited[0] == rows[0]
        outcomes.add(rows[0])
        if lines <= BATCH:
            assert rows[0] == 0  # killed before the commit was even reached
    assert outcomes == {0, BATCH}
    db = open_database(path)  # and the program opens it as usual
    db.close()


def _filled(path: Path, marker: str, *, padding: int) -> None:
    db = open_database(path)
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO setting (key, value) VALUES ('marker', ?)", (marker,))
    blob = "填" * 4000
    conn.executemany(
        "INSERT INTO setting (key, value) VALUES (?, ?)",
        [(f"pad{i}", blob) for i in range(padding)],
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_killed_backup_leaves_the_original_intact_and_no_partial_backup(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "ylt.sqlite"
    _filled(path, "original", padding=600)  # ~7 MB: the copy goes in several steps
    before = path.read_bytes()
    rng = random.Random(7)
    for _ in range(5):
        run_and_kill(BACKUP_CHILD, [str(path)], lines=rng.randint(1, 6), delay=rng.uniform(0, 0.01))
        assert path.read_bytes() == before
        assert integrity(path) == [("ok",)]
        for backup in list_backups(path):  # whatever carries a backup's name is complete
            assert verify_backup(backup.path).ok
    assert backup_copy(path, reason="manual").exists()


@pytest.fixture
def restore_files(tmp_path) -> tuple[Path, Path]:  # noqa: ANN001
    template, source = tmp_path / "old.sqlite", tmp_path / "new-backup.sqlite"
    _filled(template, "old", padding=5)
    _filled(source, "new", padding=600)
    return template, source


def test_killed_restore_leaves_the_old_or_the_new_database(tmp_path, restore_files) -> None:  # noqa: ANN001
    template, source = restore_files
    folder = tmp_path / "live"
    folder.mkdir()
    target = folder / "ylt.sqlite"
    rng = random.Random(11)
    outcomes = set()
    # Lines: ready, verified, backed-up, copy k/n (8), copied, replaced, done; 99 = the end.
    stops = [1, 2, 3, rng.randint(4, 11), rng.randint(4, 11), 12, 13, 99]
    for lines in stops:
        for leftover in folder.glob("ylt.sqlite*"):
            leftover.unlink()
        shutil.copyfile(template, target)
        subprocess.run([sys.executable, "-c", HOT_WAL, str(target)], check=True)
        assert Path(f"{target}-wal").stat().st_size > 0
        run_and_kill(RESTORE_CHILD, [str(source), str(target)], lines=lines, delay=0.0)
        assert check_database(target).ok
        markers = {
            r[0] for r in query(target, "SELECT value FROM setting WHERE key LIKE 'marker%'")
        }
        assert markers in ({"old", "old-wal"}, {"new"}), markers
        outcomes.add(frozenset(markers))
        assert {
            r[0] for r in query(source, "SELECT value FROM setting WHERE key LIKE 'marker%'")
        } == {"new"}
        db = open_database(target)
        db.close()
    assert len(outcomes) == 2
