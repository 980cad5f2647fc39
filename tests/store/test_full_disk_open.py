"""A full disk at opening is not a damaged database.

SQLite opens a WAL database by making its ``-shm`` file; on a full disk (simulated here with
``RLIMIT_FSIZE`` in a child process, which fails the same writes) that fails with "disk I/O
error". It was reported as "数据库文件已损坏", and at start the program then offered to
restore the newest backup over a sound database, losing the day's work.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

CHILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))
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


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_disk_at_opening_is_said_and_not_called_damage(demo_path: Path) -> None:
    for extra in ("-shm", "-wal"):
        assert not Path(f"{demo_path}{extra}").exists()
    before = _digest(demo_path)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(demo_path)],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout.strip()  # fmt: skip
    assert not out.startswith("DAMAGED"), out
    assert out.startswith("REFUSED"), out
    assert "磁盘" in out and "损坏" not in out, out
    assert _digest(demo_path) == before
    assert not list(demo_path.parent.glob("backups/*.sqlite"))  # no restore was started
