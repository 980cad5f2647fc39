"""A database whose shared-memory file another program holds locked is not a damaged one.

A WAL database is read through its ``-shm`` file; when another program holds that file
locked (a lock left by a program on another PC, on a network share; simulated here by a
POSIX lock over the whole file, held by this process while a child opens), SQLite gives up
with "locking protocol" (SQLITE_PROTOCOL). That was reported as "数据库文件已损坏", and the
program's start then offered to restore the newest backup over a sound database.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
from ylt_desktop.store.backup import DamagedDatabase
from ylt_desktop.store.db import open_database
try:
    open_database(sys.argv[1], daily=True)
except DamagedDatabase as exc:
    print("DAMAGED", str(exc).replace(chr(10), " "))
except Exception as exc:
    print("REFUSED", type(exc).__name__, str(exc).replace(chr(10), " "))
else:
    print("OPENED")
"""


def test_a_locked_shared_memory_file_is_said_as_busy_not_damage(demo_path: Path) -> None:
    before = hashlib.sha256(demo_path.read_bytes()).hexdigest()
    holder = sqlite3.connect(demo_path)  # keeps the -shm file while it is locked
    try:
        holder.execute("SELECT count(*) FROM institution").fetchall()
        shm = os.open(f"{demo_path}-shm", os.O_RDWR)
        try:
            fcntl.lockf(shm, fcntl.LOCK_EX, 0, 0)
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(demo_path)],
                capture_output=True, text=True, timeout=300, check=True,
            ).stdout.strip()  # fmt: skip
        finally:
            os.close(shm)
    finally:
        holder.close()
    assert not out.startswith("DAMAGED"), out
    assert out.startswith("REFUSED DatabaseBusy"), out
    assert "其他程序" in out and "损坏" not in out, out
    assert hashlib.sha256(demo_path.read_bytes()).hexdigest() == before
    assert not list(demo_path.parent.glob("backups/*.sqlite"))  # no restore was started


def test_locking_protocol_met_while_working_is_said_as_busy() -> None:
    from ylt_desktop.store.access import busy_refusal, explain

    assert explain(sqlite3.OperationalError("locking protocol")) == busy_refusal()
