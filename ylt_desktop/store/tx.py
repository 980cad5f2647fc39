"""One transaction per command, or one for many commands (imports, the demo builder).

Commands write inside ``with transaction(session):``. Alone, each command commits on its own.
Inside ``with all_or_nothing(session):`` they join that one transaction, which commits only when
the whole block succeeds, so an import or a demo build is never half-written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

_OUTER = "ylt_outer_transaction"


def _end_read_transaction(session: Session) -> None:
    # Earlier queries on this session auto-began a transaction; close it so ours is fresh.
    if session.in_transaction():
        session.commit()


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    if session.info.get(_OUTER):
        yield session
        session.flush()
        return
    _end_read_transaction(session)
    with session.begin():
        yield session


@contextmanager
def all_or_nothing(session: Session) -> Iterator[Session]:
    _end_read_transaction(session)
    with session.begin():
        session.info[_OUTER] = True
        try:
            yield session
        finally:
            session.info.pop(_OUTER, None)
