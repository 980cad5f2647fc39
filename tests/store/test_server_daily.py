"""The day's first start on a server database verifies the audit log (DESIGN §8, issue 17):
``open_database(url, daily=True)`` sets ``daily_checked`` on this PC's first opening of that
database on a day, not on the second, again on the next day; remembered per address in the data
folder (``store/server_daily.py``) once the check has run to its end (``daily_check_done``), so
a check that fails or a program killed while checking leaves it due. An unreachable server is
the usual Chinese message."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import pg_database
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.db import open_database
from ylt_desktop.store.server import ServerProblem

DAY = dt.date(2026, 11, 30)


def _alter_entry(url: str, entry_id: int) -> None:
    """An audit entry changed with raw SQL, outside the program."""
    import psycopg

    from ylt_desktop.store.server import sqlalchemy_url

    u = sqlalchemy_url(url)
    with psycopg.connect(host=u.query["host"], port=int(u.query["port"]), user=u.username,
                         dbname=u.database, autocommit=True) as conn:  # fmt: skip
        conn.execute('UPDATE audit_entry SET "user" = %s WHERE id = %s', ("someone", entry_id))


def _opened(url: str, day: dt.date, *, daily: bool = True) -> bool:
    """Whether the program's start on ``url`` checks; a check is then run to its end."""
    db = open_database(url, daily=daily, today=day)
    try:
        assert db.on_server and db.backup_problem is None  # no backup of the server's data
        if db.daily_checked:
            db.daily_check_done()
        return db.daily_checked
    finally:
        db.close()


def test_first_start_of_a_day_checks_then_not_then_the_next_day(demo_url, marks) -> None:  # noqa: ANN001
    assert _opened(demo_url, DAY, daily=False) is False  # ylt commands: never the day's check
    assert not marks.exists()
    assert _opened(demo_url, DAY) is True
    assert _opened(demo_url, DAY) is False  # the second start the same day
    assert _opened(demo_url, DAY + dt.timedelta(days=1)) is True
    assert _opened(demo_url, DAY + dt.timedelta(days=1)) is False
    # Remembered by the address without a password, nothing else in it.
    saved = json.loads(marks.read_text("utf-8"))
    assert list(saved.values()) == [(DAY + dt.timedelta(days=1)).isoformat()]
    (key,) = saved
    assert key.startswith("postgresql://ylt@/") and ":" not in key.split("@")[0][13:]


def test_each_server_database_is_checked_on_its_own(request, pg_cluster, pg_demo_template,
                                                    demo_url, marks) -> None:  # noqa: ANN001  # fmt: skip
    assert _opened(demo_url, DAY) is True
    with pg_database(pg_cluster, pg_demo_template, request) as other:
        assert _opened(other, DAY) is True
        assert _opened(other, DAY) is False
    assert _opened(demo_url, DAY) is False


def test_an_unreadable_marks_file_means_the_check_is_due(demo_url, marks) -> None:  # noqa: ANN001
    marks.parent.mkdir(parents=True)
    marks.write_text("{not json", "utf-8")
    assert _opened(demo_url, DAY) is True
    assert _opened(demo_url, DAY) is False


def test_the_days_check_finds_an_entry_altered_on_the_server(demo_url, marks) -> None:  # noqa: ANN001
    db = open_database(demo_url, daily=True, today=DAY)
    try:
        assert db.daily_checked
        with db.session() as s:
            intact = verify_chain(s)
        assert intact.ok and intact.entries > 12
        _alter_entry(demo_url, 12)
        with db.session() as s:
            report = verify_chain(s)
        assert report.first_bad_id == 12 and "操作日志第 12 条" in report.problems[0]
    finally:
        db.close()


def test_an_unreachable_server_is_said_in_chinese_and_nothing_is_remembered(
    pg_cluster, tmp_path, marks
) -> None:  # noqa: ANN001
    url = pg_cluster.url("ylt").replace(f"host={pg_cluster.dir}", f"host={tmp_path}")
    with pytest.raises(ServerProblem) as caught:
        open_database(url, daily=True, today=DAY)
    assert "无法连接数据库服务器：服务器没有运行" in str(caught.value)
    assert "postgresql://ylt@" in str(caught.value)
    assert not marks.exists()


def test_a_check_that_fails_before_its_end_is_not_remembered(demo_url, marks) -> None:  # noqa: ANN001
    """The day is remembered once the check has run to its end (``daily_check_done``), not
    when the database is opened: a check that raises leaves it due for the next start."""
    db = open_database(demo_url, daily=True, today=DAY)
    try:
        assert db.daily_checked
        with pytest.raises(RuntimeError), db.session() as s:
            verify_chain(s)
            raise RuntimeError("the check failed before its end")
    finally:
        db.close()
    assert not marks.exists()
    db = open_database(demo_url, daily=True, today=DAY)
    try:
        assert db.daily_checked  # still due
        with db.session() as s:
            assert verify_chain(s).ok
        db.daily_check_done()
    finally:
        db.close()
    assert json.loads(marks.read_text("utf-8")) == {db.url: DAY.isoformat()}
    assert _opened(demo_url, DAY) is False


CHILD = """
import sys
from pathlib import Path
from ylt_desktop.store import server_daily
server_daily.marks_file = lambda: Path(sys.argv[2])
import datetime as dt
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1], daily=True, today=dt.date.fromisoformat(sys.argv[3]))
print("checking" if db.daily_checked else "not due", flush=True)
sys.stdin.readline()  # the check runs ... and is killed here
db.daily_check_done()
print("done", flush=True)
"""


def _checker(url: str, marks, day: dt.date):  # noqa: ANN001, ANN202
    """Another program of this PC that opens ``url`` for the day's check and stops before the
    check's end until told to go on."""
    import subprocess
    import sys

    from tests.helpers.programs import ROOT, _env

    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(marks), day.isoformat()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(), cwd=ROOT,
    )  # fmt: skip


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGKILL"), reason="SIGKILL: POSIX")
def test_a_program_killed_while_checking_leaves_the_check_due(demo_url, marks) -> None:  # noqa: ANN001
    """A program killed (SIGKILL) between the check's start and its end: the next start checks.
    While a program of this PC is checking, another started meanwhile does not check at the
    same time (it holds the check's lock until it ends, however it ends)."""
    import signal

    child = _checker(demo_url, marks, DAY)
    try:
        assert child.stdout.readline().strip() == "checking"
        assert _opened(demo_url, DAY) is False  # the other program is checking right now
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert not marks.exists()
    db = open_database(demo_url, daily=True, today=DAY)
    try:
        assert db.daily_checked  # due again
    finally:
        db.close()  # and not done: still due
    # A program that finishes its check remembers it; the next start that day does not check.
    child = _checker(demo_url, marks, DAY)
    assert child.stdout.readline().strip() == "checking"
    out, err = child.communicate("go\n", timeout=60)
    assert out.strip() == "done" and child.returncode == 0, err
    assert _opened(demo_url, DAY) is False
