"""Small helpers the list pages share."""

from __future__ import annotations

from ylt_desktop.store.audit import change_token
from ylt_desktop.store.db import Database


def data_token(db: Database) -> int:
    """Moves whenever a record is written; a page compares it to decide whether to reload."""
    with db.session() as s:
        return change_token(s)
