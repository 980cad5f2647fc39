"""The OS lock a program holds while it runs the day's check (``store/server_daily.py``: an
SQLite file's and a server database's) on its Windows branch, run here with a stand-in
``msvcrt`` that behaves as ``msvcrt.locking`` does on Windows: a lock covers ``nbytes`` bytes
from the handle's *current position* (not the whole file, unlike ``flock``), ``LK_NBLCK``
raises ``OSError`` at once when any of them is locked by another handle (of this process
too), a zero-byte range locks nothing, and ``LK_UNLCK`` must name exactly a range that handle
locked. The same sequence runs on the ``flock`` branch, so both keep one behaviour."""

from __future__ import annotations

import datetime as dt
import errno
import os
import sys
import types
from pathlib import Path

import pytest

from ylt_desktop.store import server_daily
from ylt_desktop.store.db import open_database

DAY = dt.date(2026, 11, 30)


class FakeMsvcrt(types.ModuleType):
    """``msvcrt.locking`` over byte ranges, per file (device and inode), per handle."""

    LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.held: dict[tuple[int, int], list[tuple[int, int, int]]] = {}  # (start, end, fd)
        self.calls: list[tuple[int, int, int]] = []  # (mode, start, nbytes)
        self.refused_unlocks: list[tuple[int, int]] = []

    def _ranges(self, fd: int) -> list[tuple[int, int, int]]:
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        # A handle closed since lets its locks go (Windows does, in its own time).
        alive = []
        for start, end, owner in self.held.get(key, []):
            try:
                same = (os.fstat(owner).st_dev, os.fstat(owner).st_ino) == key
            except OSError:
                same = False
            if same:
                alive.append((start, end, owner))
        self.held[key] = alive
        return alive

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        if nbytes < 0:
            raise OSError(errno.EINVAL, "Invalid argument")
        start = os.lseek(fd, 0, os.SEEK_CUR)
        self.calls.append((mode, start, nbytes))
        ranges = self._ranges(fd)
        end = start + nbytes
        if mode == self.LK_UNLCK:
            if (start, end, fd) not in ranges:
                self.refused_unlocks.append((start, nbytes))
                raise OSError(errno.EACCES, "Permission denied")
            ranges.remove((start, end, fd))
            return
        if nbytes == 0:
            return  # a zero-length range: granted, and keeps nobody out
        if any(s < end and start < e for s, e, _owner in ranges):
            # LK_LOCK/LK_RLCK retry for 10 s before raising the same; not waited for here.
            raise OSError(errno.EACCES, "Permission denied")
        ranges.append((start, end, fd))


@pytest.fixture
def fake_msvcrt(monkeypatch: pytest.MonkeyPatch) -> FakeMsvcrt:
    """The Windows branch of the lock, with the stand-in ``msvcrt``."""
    fake = FakeMsvcrt()
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    monkeypatch.setattr(server_daily, "_windows", lambda: True)
    return fake


@pytest.fixture(params=["flock", "msvcrt"])
def branch(request: pytest.FixtureRequest) -> FakeMsvcrt | None:
    """Each branch of the lock: ``flock`` (this system's) and ``msvcrt`` (the stand-in)."""
    if request.param == "flock":
        return None
    return request.getfixturevalue("fake_msvcrt")


def _claim(tmp_path: Path) -> server_daily.Claim | None:
    return server_daily.claim_check(
        "ylt.sqlite", today=DAY, marks=tmp_path / "marks.json", lock=tmp_path / "check.lock"
    )


def test_the_fake_locks_ranges_from_the_handles_position(tmp_path: Path) -> None:
    """The stand-in is strict where Windows is: ranges that do not overlap are both granted
    (a holder locking elsewhere in the file keeps nobody out), a zero-byte lock keeps nobody
    out, and an unlock of a range not locked by that handle is refused."""
    fake = FakeMsvcrt()
    path = tmp_path / "x.lock"
    one, two = (os.open(path, os.O_RDWR | os.O_CREAT) for _ in range(2))
    try:
        fake.locking(one, fake.LK_NBLCK, 1)
        with pytest.raises(OSError):
            fake.locking(two, fake.LK_NBLCK, 1)
        with pytest.raises(OSError):
            fake.locking(one, fake.LK_NBLCK, 1)  # the same handle again: refused too
        os.lseek(two, 5, os.SEEK_SET)
        fake.locking(two, fake.LK_NBLCK, 1)  # bytes 5-6: no overlap, granted
        os.lseek(one, 5, os.SEEK_SET)
        with pytest.raises(OSError):
            fake.locking(one, fake.LK_UNLCK, 1)  # not the range it locked
        os.lseek(one, 0, os.SEEK_SET)
        fake.locking(one, fake.LK_UNLCK, 1)
        fake.locking(one, fake.LK_NBLCK, 0)
        os.lseek(two, 0, os.SEEK_SET)
        fake.locking(two, fake.LK_NBLCK, 1)  # the zero-byte lock kept nobody out
    finally:
        os.close(one)
        os.close(two)


def test_acquire_refuse_release_acquire_again(tmp_path: Path, branch: FakeMsvcrt | None) -> None:
    first = _claim(tmp_path)
    assert first is not None
    assert _claim(tmp_path) is None  # another program runs the check: not run twice, no wait
    first.release()  # stopped before its end: still due, and free
    again = _claim(tmp_path)
    assert again is not None
    assert _claim(tmp_path) is None
    again.done()
    assert _claim(tmp_path) is None  # done today
    if branch is not None:
        # Every holder locks, and unlocks, byte 0 (one byte, the file is empty).
        modes = [mode for mode, _start, _n in branch.calls]
        assert {(start, n) for _mode, start, n in branch.calls} == {(0, 1)}
        lock, unlock = branch.LK_NBLCK, branch.LK_UNLCK
        assert modes == [lock, lock, unlock, lock, lock, unlock]  # none after the day's done
        assert branch.refused_unlocks == []


def test_a_holder_whose_handle_moved_unlocks_the_range_it_locked(
    tmp_path: Path, fake_msvcrt: FakeMsvcrt
) -> None:
    """The lock file's handle read or written after locking (its position moved): the unlock
    still names the range locked, so the lock goes at once (not when Windows gets to it)."""
    first = _claim(tmp_path)
    assert first is not None
    os.lseek(first._handle, 7, os.SEEK_SET)  # noqa: SLF001
    first.release()
    assert fake_msvcrt.refused_unlocks == []
    assert all(ranges == [] for ranges in fake_msvcrt.held.values())


def test_every_holder_locks_the_same_byte_wherever_its_handle_opens(
    tmp_path: Path, fake_msvcrt: FakeMsvcrt, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock file that is not empty, its handles opened at its end: each holder still locks
    byte 0, so the second one is refused (locking from where each handle stands would give
    them different ranges, both granted)."""
    lock = tmp_path / "check.lock"
    lock.write_bytes(b"x" * 10)
    real_open = os.open

    def at_end(path, flags, *args):  # noqa: ANN001, ANN002, ANN202
        handle = real_open(path, flags, *args)
        if Path(path) == lock:
            os.lseek(handle, 0, os.SEEK_END)
        return handle

    monkeypatch.setattr(server_daily.os, "open", at_end)
    first = _claim(tmp_path)
    assert first is not None
    assert _claim(tmp_path) is None
    assert {(start, n) for _mode, start, n in fake_msvcrt.calls} == {(0, 1)}
    first.release()
    assert _claim(tmp_path) is not None


def test_an_sqlite_files_days_check_on_the_windows_branch(
    tmp_path: Path, fake_msvcrt: FakeMsvcrt
) -> None:
    """``open_database(daily=True)``: the first start checks and holds the lock; a second
    start meanwhile does not check; once the first lets go unfinished, the next one checks;
    once that one is done, the day is remembered."""
    path = tmp_path / "ylt.sqlite"
    open_database(path).close()
    first = open_database(path, daily=True, today=DAY)
    try:
        assert first.daily_checked
        second = open_database(path, daily=True, today=DAY)
        assert not second.daily_checked
        second.close()
    finally:
        first.close()  # not done: due again
    third = open_database(path, daily=True, today=DAY)
    try:
        assert third.daily_checked
        third.daily_check_done()
    finally:
        third.close()
    fourth = open_database(path, daily=True, today=DAY)
    fourth.close()
    assert not fourth.daily_checked
    assert {(start, n) for _mode, start, n in fake_msvcrt.calls} == {(0, 1)}
    assert fake_msvcrt.refused_unlocks == []
