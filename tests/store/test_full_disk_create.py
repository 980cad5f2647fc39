"""A new database that a full disk keeps from being made leaves no file behind.

``ylt init`` (and ``ylt demo``, the first run) on a full disk failed with the disk's message,
but left the file it had started: 0 bytes, or a page without the program's tables. Every
later try, the disk cleared, then refused it as "不是本程序的数据库……程序没有改动它" (the
program had made it) and asked the clerk to delete it. A full disk is simulated with
``RLIMIT_FSIZE`` in a child process, which fails the same writes (EFBIG, "disk is full").
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from ylt_desktop.store.access import explain
from ylt_desktop.store.db import open_database
try:
    open_database(sys.argv[1])
except Exception as exc:
    print("REFUSED", type(exc).__name__, explain(exc) or str(exc).replace(chr(10), " "))
else:
    print("OPENED")
"""


def _open_in_child(path: Path, limit: int) -> str:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(limit)],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout.strip()  # fmt: skip


@pytest.mark.parametrize("limit", [0, 4096, 40_000])
def test_a_new_database_the_disk_cannot_hold_leaves_no_file(tmp_path: Path, limit: int) -> None:
    # 0: not one page written; 4096: the first page only; 40 000: part of the schema.
    path = tmp_path / "new.sqlite"
    out = _open_in_child(path, limit)
    assert out.startswith("REFUSED"), out
    assert "磁盘" in out, out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("new")) == []
    # The disk cleared, the same name makes the database at once.
    from ylt_desktop.store.db import open_database

    db = open_database(path)
    db.close()
    assert path.stat().st_size > 0


def test_an_existing_database_the_disk_cannot_serve_stays(demo_path: Path) -> None:
    # Only a file this opening made is taken away: an existing one is never deleted.
    before = demo_path.read_bytes()
    out = _open_in_child(demo_path, 0)
    assert out.startswith("REFUSED"), out
    assert demo_path.read_bytes() == before
