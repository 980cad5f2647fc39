"""One transaction per command, or one for many commands (imports, the demo builder).

Commands write inside ``with transaction(session):``. Alone, each command commits on its own.
Inside ``with all_or_nothing(session):`` they join that one transaction, which commits only when
the whole block succeeds, so an import or a demo build is never half-written.

A write that finds a record at another version than it read (another program saved it
meanwhile: ``StaleDataError``, see ``store/versions.py``) rolls the whole transaction back and
is refused as ``versions.RecordChanged``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ylt_desktop.store import access

_OUTER = "ylt_outer_transaction"


def lock_for_writing(session: Session) -> None:
    """Take the database's write lock now (``BEGIN IMMEDIATE``), not at the first write.

    Reads inside the transaction then see what the writes go into: another program that
    committed meanwhile (an import, a restore) is waited for, never overwritten or hit by a
    stale snapshot. A lock held too long: ``access.begin_immediate`` tells the user, then
    raises ``DatabaseBusy``. On a PostgreSQL server the same lock is an advisory one held to
    the transaction's end (``store/server.py: lock_for_writing``).
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        from ylt_desktop.store import server

        server.lock_for_writing(connection.connection.dbapi_connection)
        return
    dbapi = connection.connection.dbapi_connection
    if dbapi is None or dbapi.in_transaction:
        return
    access.begin_immediate(dbapi)


def _end_read_transaction(session: Session) -> None:
    # Earlier queries on this session auto-began a transaction; close it so ours is fresh.
    if session.in_transaction():
        session.commit()


def in_outer_transaction(session: Session) -> bool:
    """True inside ``all_or_nothing``: a command's failure there fails the whole block."""
    return bool(session.info.get(_OUTER))


@contextmanager
def _stale_refused() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        from ylt_desktop.store.versions import from_stale

        raise from_stale(exc) from None


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    if session.info.get(_OUTER):
        # A stale write stays a StaleDataError here: a RuleViolation would read as one
        # refused row to an import, which would go on in a failed transaction.
        yield session
        session.flush()
        return
    _end_read_transaction(session)
    with _stale_refused(), session.begin():
        lock_for_writing(session)
        yield session


@contextmanager
def all_or_nothing(session: Session) -> Iterator[Session]:
    _end_read_transaction(session)
    with _stale_refused(), session.begin():
        lock_for_writing(session)
        session.info[_OUTER] = True
        try:
            yield session
        finally:
            session.info.pop(_OUTER, None)


@contextmanager
def rolled_back(session: Session) -> Iterator[Session]:
    """One transaction for commands to join (as in ``all_or_nothing``) that is always rolled
    back: a dry run of the same commands (the lead's package preview)."""
    _end_read_transaction(session)
    session.begin()
    try:
        lock_for_writing(session)
        session.info[_OUTER] = True
        yield session
    finally:
        session.info.pop(_OUTER, None)
        session.rollback()
