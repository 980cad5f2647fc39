"""The day's check of an SQLite file (the full ``integrity_check`` at open, then the program's
verification of the audit log) counts as done only once it has run to its end
(``Database.daily_check_done``), as on a server (``store/server_daily.py``): a check that raises,
a crash or a SIGKILL between opening and the end leaves it due for the next start. The day's
backup stays one a day: a check done again does not copy the file again. While one program
checks a file, another program started meanwhile does not check it at the same time (nor waits).
"""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ylt_desktop.store import backup as backup_module
from ylt_desktop.store.backup import list_backups
from ylt_desktop.store.db import open_database

DAY = dt.date(2026, 11, 30)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """An existing database file (made on an earlier day: its first start today checks)."""
    path = tmp_path / "ylt.sqlite"
    open_database(path).close()
    return path


def _full_checks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records each check of the file's pages at opening: True for the full
    ``integrity_check``, False for ``quick_check``."""
    seen: list[bool] = []
    real = backup_module.check_database

    def spy(p, *, full=True, integrity=True):  # noqa: ANN001, ANN202
        if integrity:
            seen.append(full)
        return real(p, full=full, integrity=integrity)

    monkeypatch.setattr("ylt_desktop.store.db.check_database", spy)
    return seen


def _opened(path: Path, day: dt.date, *, finish: bool = True) -> bool:
    """Whether the program's start on ``path`` runs the day's check; it is then run to its end
    (``finish``) or stops before it (an exception, a crash)."""
    db = open_database(path, daily=True, today=day)
    try:
        if db.daily_checked and finish:
            db.daily_check_done()
        return db.daily_checked
    finally:
        db.close()


def _dailies(path: Path) -> list[dt.date]:
    return [b.taken.date() for b in list_backups(path) if b.reason == "daily"]


def test_a_check_that_raises_stays_due_and_the_backup_is_not_made_twice(path, monkeypatch) -> None:  # noqa: ANN001
    """The start's check stops before its end (here the audit log's verification raises): the
    next start that day checks again (the full integrity check too), without a second backup."""
    full = _full_checks(monkeypatch)
    db = open_database(path, daily=True, today=DAY)
    try:
        assert db.daily_checked
        with pytest.raises(RuntimeError), db.session():
            raise RuntimeError("the audit log's check stopped before its end")
    finally:
        db.close()
    assert _dailies(path) == [DAY]
    assert _opened(path, DAY) is True  # still due
    assert full == [True, True]
    assert _dailies(path) == [DAY]  # one backup a day all the same
    assert _opened(path, DAY) is False  # that one ended: remembered
    assert full == [True, True, False]  # quick_check only
    assert _opened(path, DAY + dt.timedelta(days=1)) is True
    assert _dailies(path) == [DAY + dt.timedelta(days=1), DAY]


def test_a_finished_check_is_remembered_and_each_day_backed_up_once(path) -> None:  # noqa: ANN001
    assert _opened(path, DAY, finish=False) is True
    assert _opened(path, DAY) is True
    assert _opened(path, DAY) is False
    assert _opened(path, DAY) is False
    assert _dailies(path) == [DAY]
    # Mark files beside the backups, never taken for one (listing, rotation).
    assert [p.name for p in (path.parent / "backups").iterdir() if not p.name.startswith(".")] == [
        list_backups(path)[0].path.name
    ]


def test_ylt_commands_neither_run_nor_use_up_the_days_check(path) -> None:  # noqa: ANN001
    """``ylt`` opens without ``daily`` (as on a server): no full check, no backup, and the
    program's next start still checks."""
    assert _opened(path, DAY, finish=True) is True
    assert _opened(path, DAY + dt.timedelta(days=1)) is True
    open_database(path, today=DAY + dt.timedelta(days=2)).close()
    assert _dailies(path) == [DAY + dt.timedelta(days=1), DAY]
    assert _opened(path, DAY + dt.timedelta(days=2)) is True


def test_a_failure_while_opening_lets_the_check_go(path, monkeypatch) -> None:  # noqa: ANN001
    """An opening that raises after the check was claimed (here the backup, unexpectedly) does
    not keep it: the next opening in the same program checks (and backs up)."""

    def broken(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("unexpected")

    monkeypatch.setattr("ylt_desktop.store.db.daily_backup", broken)
    with pytest.raises(RuntimeError):
        open_database(path, daily=True, today=DAY)
    monkeypatch.undo()
    assert _opened(path, DAY) is True
    assert _dailies(path) == [DAY]


def test_a_failed_backup_keeps_the_day_due(path, monkeypatch) -> None:  # noqa: ANN001
    """A full disk: the check ends but the backup was not made; the next start tries both
    again (as before), and once made, neither again that day."""
    from ylt_desktop.store.access import DiskFull

    def full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise DiskFull(5 * 1024 * 1024, path.parent)

    monkeypatch.setattr("ylt_desktop.store.access.ensure_free_space", full)
    assert _opened(path, DAY) is True
    assert _dailies(path) == []
    monkeypatch.undo()
    assert _opened(path, DAY) is True
    assert _dailies(path) == [DAY]
    assert _opened(path, DAY) is False


CHILD = """
import sys
import datetime as dt
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1], daily=True, today=dt.date.fromisoformat(sys.argv[2]))
print("checking" if db.daily_checked else "not due", flush=True)
sys.stdin.readline()  # the check runs ... and is killed here
db.daily_check_done()
db.close()
print("done", flush=True)
"""


def _checker(path: Path, day: dt.date) -> subprocess.Popen:
    """Another program that opens ``path`` for the day's check and stops before the check's
    end until told to go on."""
    from tests.helpers.programs import ROOT, _env

    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), day.isoformat()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(), cwd=ROOT,
    )  # fmt: skip


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL: POSIX")
def test_a_program_killed_while_checking_leaves_the_check_due(path, monkeypatch) -> None:  # noqa: ANN001
    """A program killed (SIGKILL) between opening and the check's end (after its backup): the
    next start checks, and makes no second backup. While a program is checking, another one
    started meanwhile does not check at the same time (quick_check only, no waiting)."""
    full = _full_checks(monkeypatch)
    child = _checker(path, DAY)
    try:
        assert child.stdout.readline().strip() == "checking"
        assert _opened(path, DAY) is False  # the other program is checking right now
        assert full == [False]
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert _dailies(path) == [DAY]
    assert _opened(path, DAY, finish=False) is True  # due again; stops before its end
    assert full == [False, True]
    assert _dailies(path) == [DAY]  # no second backup
    # A program that finishes its check remembers it; the next start that day does not check.
    child = _checker(path, DAY)
    assert child.stdout.readline().strip() == "checking"
    out, err = child.communicate("go\n", timeout=60)
    assert out.strip() == "done" and child.returncode == 0, err
    assert _opened(path, DAY) is False
    assert _dailies(path) == [DAY]
