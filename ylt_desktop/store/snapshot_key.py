"""What identifies the data of an SQLite database for a saved overview (``ui/pages/overview_snapshot.py``).

Every record is written through the ORM, and every ORM write adds an audit entry in its own
transaction (``store/audit.py``; no bulk UPDATE/DELETE/INSERT anywhere in the program), and
each entry's hash chains it to all before it (``store/chain.py``). So the newest entry's id
and hash name the whole history of the records: equal means no record changed in between.
A restore copies the backup's entries too (``store/restore.py``): its newest entry differs
unless the backup holds this very history. A migration may rewrite data without an entry:
the schema revision is part of the key. The database's users are not: only whether it has
any (the overview may not show before a required sign-in). A database without any entry
has no key: its records may predate the log (a database or a backup from before it, whose
log a migration creates empty), so two of them with other records look the same.

``file_fingerprint`` reads a file with the standard ``sqlite3`` module, read-only (it runs
before SQLAlchemy is imported); ``fingerprint`` reads the same through a session.

Pages reload when ``audit.change_token`` moves: for a database without any entry that is
``data_stamp`` (each table's largest id, and where the data lie: the SQLite file's identity,
size and modification time with its WAL's, which every commit changes, or the server tables'
storage, which both kinds of server restore make anew), so a restore between two such
databases by another program is seen. It is not a key for the overview: equal stamps do not
promise equal records (a file's time can be set back), and a stamp cannot be read before the
database is opened.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

NEWEST_ENTRY = "SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1"
REVISION = "SELECT version_num FROM alembic_version"
ANY_USER = "SELECT EXISTS (SELECT 1 FROM app_user)"


@dataclass(frozen=True)
class Fingerprint:
    entry: int  # the newest audit entry's id
    hash: str  # its hash
    revision: str  # the schema's Alembic revision
    has_users: bool = False  # not part of the key: whether a sign-in is required

    def key(self) -> dict[str, Any]:
        return {"entry": self.entry, "hash": self.hash, "revision": self.revision}


def file_fingerprint(path: Path) -> Fingerprint | None:
    """The fingerprint of the SQLite file ``path``, or None when it cannot be read here and
    now: missing, empty, not ours, locked, damaged, or without any audit entry. Opened read-only
    (``mode=ro``; nothing is ever written, not even a journal), without waiting for a lock."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        conn.execute("PRAGMA query_only=1")
        newest = conn.execute(NEWEST_ENTRY).fetchone()
        revision = conn.execute(REVISION).fetchone()
        users = conn.execute(ANY_USER).fetchone()
    except sqlite3.Error as exc:  # not ours, locked, damaged: the overview is computed
        log.info("no overview snapshot: the database cannot be read (%s)", type(exc).__name__)
        return None
    finally:
        conn.close()
    if not revision or not newest:
        return None
    entry, hash_ = newest
    return Fingerprint(int(entry), hash_ or "", str(revision[0]), bool(users and users[0]))


def fingerprint(session: Any) -> Fingerprint | None:
    """The same read through ``session`` (any thread's own); None without a schema or
    without any audit entry."""
    from sqlalchemy import text

    newest = session.execute(text(NEWEST_ENTRY)).first()
    revision = session.execute(text(REVISION)).scalar()
    if not revision or not newest:
        return None
    entry, hash_ = newest
    users = session.execute(text(ANY_USER)).scalar()
    return Fingerprint(int(entry), hash_ or "", str(revision), bool(users))


_LARGEST: list[str] = []  # the query of every table's largest id, made once


def _largest_ids() -> str:
    """Each id's largest value: a look at the end of each primary key's index (a count would
    read every row: ~0.8 ms at the bench's 50,000 rotations, growing with them)."""
    if not _LARGEST:
        from ylt_desktop.store.models import Base

        parts = [f'(SELECT max(id) FROM "{table.name}")' for table in Base.metadata.sorted_tables
                 if "id" in table.c and table.name != "audit_entry"]  # fmt: skip
        _LARGEST.append("SELECT " + ", ".join(parts))
    return _LARGEST[0]


_STORAGE = (  # a table's storage: pg_restore --clean and an older dump's restore make it anew
    "SELECT relname, relfilenode FROM pg_catalog.pg_class"
    " WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY relname"
)


def data_stamp(session: Any) -> str:
    """What tells a database without audit entries from another, cheaply (``change_token``)."""
    from sqlalchemy import text

    bind = session.get_bind()
    dialect = bind.dialect.name
    parts: list[Any] = [tuple(session.execute(text(_largest_ids())).one())]
    if dialect == "sqlite":
        path = bind.url.database
        for suffix in ("", "-wal"):
            try:
                st = os.stat(f"{path}{suffix}")
                parts.append((st.st_ino, st.st_size, st.st_mtime_ns))
            except OSError:  # no WAL now
                parts.append(None)
    else:
        parts.append(session.execute(text(_STORAGE)).all())
    return "data:" + hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]
