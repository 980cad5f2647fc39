"""An import's bulk path failing late, for ``tests/importing/test_bulk_rotations_audit.py`` and
``test_bulk_agreements_audit.py``: the database refusing the last row of the last bulk
statement, the audit write of the last batch, the commit. Each must leave the database as it
was (every table, the audit log included); then the import runs through."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from tests.importing.conftest import dump
from ylt_desktop.store import audit, bulk_write
from ylt_desktop.store.audit_verify import verify_chain

Import = Callable[[], Any]  # the import of the sheet under test; returns its report


def last_row_refused(
    db: Any,
    run: Import,
    monkeypatch: pytest.MonkeyPatch,
    *,
    n: int,
    model: type,
    change: bool,
    spoil: Callable[[Any], Any],
) -> None:
    """The database itself refuses the last of the ``n`` rows of ``model`` sent by the last
    bulk statement (``bulk_write.update_parts`` when ``change``, else ``insert_rows``), made
    NOT NULL-breaking by ``spoil`` (that row as sent → the row sent instead): the three
    batches were sent in turn, and the batches before it, written in the same transaction,
    are gone with it."""
    before = dump(db)
    calls = []
    if change:
        real = bulk_write.update_parts

        def last_bad(session, model_, rows, **kw):  # noqa: ANN001, ANN003, ANN202
            if model_ is model:
                calls.append(len(rows))
                if sum(calls) == n:
                    rows = [*rows[:-1], spoil(rows[-1])]
            return real(session, model_, rows, **kw)

        monkeypatch.setattr(bulk_write, "update_parts", last_bad)
    else:
        real = bulk_write.insert_rows

        def last_bad(session, model_, rows, *, key):  # noqa: ANN001, ANN202
            if model_ is model:
                calls.append(len(rows))
                if sum(calls) == n:
                    rows = [*rows[:-1], spoil(rows[-1])]
            return real(session, model_, rows, key=key)

        monkeypatch.setattr(bulk_write, "insert_rows", last_bad)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the driver's IntegrityError
        run()
    assert "null" in str(caught.value).lower()
    assert len(calls) == 3 and sum(calls) == n  # the earlier batches were written first
    assert dump(db) == before


def audit_or_commit_failure(
    db: Any,
    run: Import,
    monkeypatch: pytest.MonkeyPatch,
    *,
    n: int,
    change: bool,
    table: str,
    last: Any,
    written: Any,
) -> None:
    """The audit write of the last of three batches (those with entries of ``table``) fails
    after all else is written, then (the audit written) the commit fails once the last row
    is in (``last``: a query finding it): the database is as before each time. Then the
    import runs through: ``n`` rows new (changed when ``change``), the chain verifies and
    ``written`` (a query) finds a row."""
    before = dump(db)
    real = audit.write_entries
    batches = []

    def failing_last(session, rows):  # noqa: ANN001, ANN202
        if any(r["table_name"] == table for r in rows):
            batches.append(len(rows))
            if len(batches) == 3:  # the last batch's entries: everything else is written
                real(session, rows[:-1])
                raise OSError("disk full")
        real(session, rows)

    monkeypatch.setattr(audit, "write_entries", failing_last)
    with pytest.raises(OSError, match="disk full"):
        run()
    assert len(batches) == 3
    assert dump(db) == before

    # At commit: every row and entry is written, then the commit itself fails.
    monkeypatch.setattr(audit, "write_entries", real)

    def refuse_commit(session) -> None:  # noqa: ANN001
        if session.connection().execute(last).first() is not None:
            raise OSError("commit failed")

    event.listen(db.sessions, "before_commit", refuse_commit)
    try:
        with pytest.raises(OSError, match="commit failed"):
            run()
    finally:
        event.remove(db.sessions, "before_commit", refuse_commit)
    assert dump(db) == before
    report = run()
    assert (report.changed if change else report.new) == n
    with db.session() as s:
        assert verify_chain(s).ok
        assert s.execute(written).first() is not None
