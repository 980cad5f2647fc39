"""One transaction per command, or the caller's transaction when one is already open.

Commands use ``with transaction(session):``. Alone, a command commits on its own; inside an
import or the demo builder's ``with session.begin():`` they all commit or roll back together.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    if session.in_transaction():
        yield session
        session.flush()
        return
    with session.begin():
        yield session
