"""A power cut while a member opens a newer roster that deletes an agreement the lead deleted:
a child process opens it and is killed (SIGKILL) at seeded random moments. After each kill the
member's database passes the integrity check and is as before or as after a clean open
(every table's row count), never half (review of 9c833a9)."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time

from tests.exchange.test_agreement_deletions import SECOND, _delete, _second_agreement
from tests.exchange.test_kill import counts, restore
from tests.exchange.world import PASSPHRASE, A, lead_database, member_database, unit_ids
from tests.helpers.programs import _env
from tests.store.test_crash_safety import integrity, run_and_kill
from ylt_desktop.exchange import make_roster

CHILD = """
import sys, time
from ylt_desktop.domain.roles import ADMIN
from ylt_desktop.store import users
users.DEFAULT_ACTOR = users.Actor("admin", ADMIN)
from ylt_desktop.exchange import open_roster
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1])
print("ready", flush=True)
started = time.perf_counter()
with db.session() as s:
    result = open_roster(s, sys.argv[3], passphrase=sys.argv[2])
assert result.removed_agreements, result
print("opened", time.perf_counter() - started, flush=True)
"""


def test_a_killed_roster_open_leaves_all_or_nothing(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    _second_agreement(lead)
    member = member_database(lead, A, tmp_path)
    member.close()
    _delete(lead, SECOND)
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "r2")  # fmt: skip
    lead.close()
    pristine = tmp_path / "pristine.sqlite"
    shutil.copyfile(member.path, pristine)
    before = counts(member.path)
    clean = subprocess.run(
        [sys.executable, "-c", CHILD, str(member.path), PASSPHRASE, str(roster)],
        capture_output=True, text=True, env=_env(), timeout=300,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stderr
    seconds = float(clean.stdout.split()[-1])
    after = counts(member.path)
    assert after["agreement"] == before["agreement"] - 1
    rng = random.Random(20261130)
    outcomes = []
    for delay in sorted(rng.uniform(0, seconds * 1.3) for _ in range(10)):
        restore(pristine, member.path)
        started = time.perf_counter()
        run_and_kill(CHILD, [str(member.path), PASSPHRASE, str(roster)], lines=1, delay=delay)
        assert integrity(member.path) == [("ok",)]
        found = counts(member.path)
        assert found in (before, after), f"killed {delay:.3f}s after ready: a half state"
        outcomes.append(found == after)
        assert time.perf_counter() - started < 120
    assert False in outcomes  # some kills landed before the commit
    print("kills after the commit:", outcomes.count(True), "of", len(outcomes))
