"""The audit log's hash chain: each entry's hash covers the previous hash and its own canonical
JSON (sorted keys), as Certificate Transparency's append-only log does. Verifying is one pass
from the first entry; the first entry altered, inserted or removed outside the program breaks it.

Pure functions over plain values, so the migration that chains older entries uses them too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = ""


def at_text(value: dt.datetime | str) -> str:
    """The entry's time as one text, whether read through the ORM or as raw SQLite text."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(microsecond=0).isoformat(sep=" ")


def canonical(row: dict[str, Any]) -> str:
    """``row`` holds id, at, user, action, table_name, record_id, old_values, new_values."""
    data = {
        "id": int(row["id"]),
        "at": at_text(row["at"]),
        "user": row["user"],
        "action": row["action"],
        "table": row["table_name"],
        "record": str(row["record_id"] or ""),
        "old": row["old_values"],
        "new": row["new_values"],
    }
    return _JSON.encode(data)


# ``json.dumps`` with these options, built once (it builds an encoder per call).
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(previous: str | None, row: dict[str, Any]) -> str:
    text = (previous or GENESIS) + canonical(row)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
