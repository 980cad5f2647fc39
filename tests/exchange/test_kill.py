"""A power cut while the lead applies packages: a child process previews three members'
packages, prints "ready", applies them and is killed (SIGKILL) at seeded random moments.
After each kill the lead's database passes the integrity check and holds all of the
packages or none of them (every table's row count as before, or as after a clean apply)."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from pathlib import Path

from tests.exchange.world import ENTER, A, B, C, lead_database, make_package, member_database
from tests.helpers.programs import _env
from tests.store.test_crash_safety import integrity, run_and_kill

CHILD = """
import sys, time
from ylt_desktop.domain.roles import ADMIN
from ylt_desktop.store import users
users.DEFAULT_ACTOR = users.Actor("admin", ADMIN)
from ylt_desktop.exchange import apply_packages, preview_packages
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1])
previews = preview_packages(db, sys.argv[3:], passphrase=sys.argv[2])
assert all(p.usable for p in previews), [p.refusal for p in previews]
print("ready", flush=True)
started = time.perf_counter()
apply_packages(db, previews)
print("applied", time.perf_counter() - started, flush=True)
"""


def counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def restore(pristine: Path, path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, path)


def test_a_killed_apply_leaves_all_or_nothing(tmp_path) -> None:  # noqa: ANN001
    from tests.exchange.world import PASSPHRASE

    lead = lead_database(tmp_path)
    packages = []
    for name in (A, B, C):
        member = member_database(lead, name, tmp_path)
        ENTER[name](member)
        packages.append(str(make_package(member, tmp_path)))
        member.close()
    lead.close()
    pristine = tmp_path / "pristine.sqlite"
    shutil.copyfile(lead.path, pristine)
    before = counts(lead.path)
    import subprocess
    import sys

    env = _env()
    clean = subprocess.run(
        [sys.executable, "-c", CHILD, str(lead.path), PASSPHRASE, *packages],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    seconds = float(clean.stdout.split()[-1])
    after = counts(lead.path)
    assert after["package_event"] == 3 and after["rotation"] > before["rotation"]
    rng = random.Random(20261130)
    outcomes = []
    for delay in sorted(rng.uniform(0, seconds * 1.3) for _ in range(12)):
        restore(pristine, lead.path)
        started = time.perf_counter()
        run_and_kill(CHILD, [str(lead.path), PASSPHRASE, *packages], lines=1, delay=delay)
        assert integrity(lead.path) == [("ok",)]
        found = counts(lead.path)
        assert found in (before, after), f"killed {delay:.3f}s after ready: a half state"
        outcomes.append(found == after)
        assert time.perf_counter() - started < 120
    assert False in outcomes  # some kills landed before the commit
    print("kills after the commit:", outcomes.count(True), "of", len(outcomes))
