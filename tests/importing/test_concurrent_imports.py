"""Two clerks at once on one database (DESIGN §8), as two programs with their own connections:
two imports at once take turns (the second waits for the first's write lock, then writes after
it; nothing either committed is lost), a submit during an import waits for it or is refused
clearly, and the same workbook imported twice at once is written once. Both engines: a server
database (the county's case) and an SQLite file shared by two programs on one PC."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import import_file
from ylt_desktop.store import access, quarters
from ylt_desktop.store import institutions_bulk as inst_bulk
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import Institution


def _count(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Institution))


class HeldImport:
    """Client A's import, held inside its transaction (write lock taken, rows flushed) until
    ``release``; ``waited`` is set once another client has said it is waiting for the lock."""

    def __init__(self, monkeypatch) -> None:  # noqa: ANN001
        self.inside, self.release, self.waited = (threading.Event() for _ in range(3))
        real = inst_bulk.create_institutions

        def held(session, *, rows):  # noqa: ANN001, ANN202
            done = real(session, rows=rows)
            if threading.current_thread().name == "A":
                self.inside.set()
                assert self.release.wait(60), "client B never got to wait"
            return done

        monkeypatch.setattr(inst_bulk, "create_institutions", held)
        access.on_wait(lambda _text: self.waited.set())

    def close(self) -> None:
        access.on_wait(None)
        self.release.set()


def _run(name: str, results: dict, func) -> threading.Thread:  # noqa: ANN001
    def target() -> None:
        try:
            results[name] = func()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            results[name] = exc

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


def test_two_imports_at_once_take_turns_and_keep_both(tmp_path, lead_db, monkeypatch) -> None:  # noqa: ANN001
    book_a = write_book(tmp_path / "a.xlsx", [INST_HEADER, *[village(n) for n in range(1, 31)]])
    book_b = write_book(tmp_path / "b.xlsx", [INST_HEADER, *[village(n) for n in range(31, 61)]])
    other = open_database(lead_db.location)  # client B: its own connections
    held = HeldImport(monkeypatch)
    results: dict = {}
    try:
        a = _run("A", results, lambda: import_file(lead_db, "institutions", book_a, dry_run=False))
        assert held.inside.wait(60)
        b = _run("B", results, lambda: import_file(other, "institutions", book_b, dry_run=False))
        assert held.waited.wait(60)  # B is waiting for A's lock, not writing beside it
        assert _count(other) == 1  # A's rows are not visible before A commits
        held.release.set()
        a.join(60), b.join(60)
    finally:
        held.close()
        other.close()
    assert results["A"].written and results["B"].written, results
    assert _count(lead_db) == 1 + 30 + 30  # the lead unit, A's rows and B's rows


def test_the_same_workbook_imported_twice_at_once_is_written_once(
    tmp_path, lead_db, monkeypatch
) -> None:  # noqa: ANN001
    book = write_book(tmp_path / "a.xlsx", [INST_HEADER, *[village(n) for n in range(1, 21)]])
    other = open_database(lead_db.location)
    held = HeldImport(monkeypatch)
    results: dict = {}
    try:
        a = _run("A", results, lambda: import_file(lead_db, "institutions", book, dry_run=False))
        assert held.inside.wait(60)
        b = _run("B", results, lambda: import_file(other, "institutions", book, dry_run=False))
        assert held.waited.wait(60)
        held.release.set()
        a.join(60), b.join(60)
    finally:
        held.close()
        other.close()
    assert results["A"].written and not isinstance(results["B"], BaseException), results
    assert _count(lead_db) == 1 + 20  # B planned again after A: its rows exist, none twice
    with lead_db.session() as s:
        names = s.scalars(select(Institution.name)).all()
    assert len(names) == len(set(names))


def test_a_submit_during_an_import_waits_then_is_refused_clearly(
    tmp_path, lead_db, monkeypatch
) -> None:  # noqa: ANN001
    book = write_book(tmp_path / "a.xlsx", [INST_HEADER, *[village(n) for n in range(1, 11)]])
    other = open_database(lead_db.location)
    monkeypatch.setattr(access, "BUSY_WAIT", 1.0)
    held = HeldImport(monkeypatch)
    results: dict = {}
    quarter = Quarter(2026, 3)

    def submit() -> object:
        with other.session() as s:
            return quarters.submit_quarter(s, quarter=quarter)

    try:
        a = _run("A", results, lambda: import_file(lead_db, "institutions", book, dry_run=False))
        assert held.inside.wait(60)
        b = _run("B", results, submit)
        b.join(60)  # refused after BUSY_WAIT while A still holds the lock
        held.release.set()
        a.join(60)
    finally:
        held.close()
    assert isinstance(results["B"], access.DatabaseBusy), results
    assert "数据库正被其他程序使用" in str(results["B"])
    assert results["A"].written and _count(lead_db) == 1 + 10  # the import was not disturbed
    with other.session() as s:  # once the import is done, the submit goes through
        quarters.submit_quarter(s, quarter=quarter)
        assert quarters.is_locked(s, quarter)
    other.close()


@pytest.fixture(autouse=True)
def _no_waiting_callback_left() -> None:
    yield
    access.on_wait(None)
