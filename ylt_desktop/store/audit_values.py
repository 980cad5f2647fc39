"""How a row's columns show in its audit entry (``store/audit.py``): each mapper's columns,
table and key worked out once, values made JSON-able, secrets shown as set, sign-in
bookkeeping left out, a deleted row's values as stored, a changed row's old and new values.
Shared by the flush listener (``store/audit.py``), the flush's unseen deletes
(``store/audit_flush.py``) and the entries of the Core path (``audit.insert_entry`` and the
rest)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import NO_VALUE

# Columns never logged (sign-in bookkeeping) and columns logged only as changed.
QUIET = {"app_user": frozenset({"failed_attempts", "locked_until"})}
SECRET = frozenset({"password_hash", "exchange_check"})
SECRET_SHOWN = "（已设置）"

_SIMPLE = frozenset({type(None), bool, int, float, str})


def jsonable(value: Any) -> Any:
    if type(value) in _SIMPLE or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    return str(value)


_MAPPED: dict[Any, tuple[list[tuple[str, str]], str, list[str]]] = {}


def _mapped(state: Any) -> tuple[list[tuple[str, str]], str, list[str]]:
    """(attribute key, column name) of every mapped column, the table name and the primary key
    attributes of an object's mapper, worked out once per mapper."""
    mapper = state.mapper
    found = _MAPPED.get(mapper)
    if found is None:
        found = _MAPPED[mapper] = (
            [(attr.key, attr.columns[0].name) for attr in mapper.column_attrs],
            mapper.local_table.name,
            [mapper.get_property_by_column(col).key for col in mapper.primary_key],
        )
    return found


def _columns(obj: Any) -> list[tuple[str, str]]:
    """(attribute key, column name) of every mapped column."""
    return _mapped(instance_state(obj))[0]


def _shown(col: str, value: Any) -> Any:
    return SECRET_SHOWN if col in SECRET else jsonable(value)


def _values(obj: Any) -> dict[str, Any]:
    # Only what is loaded: reading an expired attribute here would query mid-flush.
    state = instance_state(obj)
    loaded = state.dict
    columns, table, _ = _mapped(state)
    quiet = QUIET.get(table, ())
    return {
        col: _shown(col, loaded[key]) for key, col in columns if key in loaded and col not in quiet
    }


def _stored_values(obj: Any) -> dict[str, Any]:
    """``_values`` of a row being deleted as it was stored: a column changed in the session
    before the delete (a part row edited, then dropped by its record) shows its value as read,
    since the DELETE writes no change first; one not read before it changed is left out."""
    state = instance_state(obj)
    values = _values(obj)
    committed = state.committed_state
    if committed:
        for key, col in _mapped(state)[0]:
            if key in committed and col in values:
                before = committed[key]
                if before is NO_VALUE:
                    del values[col]
                else:
                    values[col] = _shown(col, before)
    return values


def _record_id(obj: Any) -> str:
    # New objects get their identity key only after after_flush; their primary key is loaded.
    state = instance_state(obj)
    loaded = state.dict
    identity = state.identity or [loaded.get(key) for key in _mapped(state)[2]]
    return ",".join(str(part) for part in identity)


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    old, new = {}, {}
    quiet = QUIET.get(_mapped(state)[1], ())
    for key, col in _columns(obj):
        if col in quiet:
            continue
        history = state.attrs[key].history
        if not history.added and not history.deleted:
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after or (after is None and not history.added):
            continue
        if not isinstance(after, _PLAIN) and after is not None:
            continue  # an SQL expression (onupdate and the like), not a value
        old[col], new[col] = _shown(col, before), _shown(col, after)
    return old, new


_PLAIN = (bool, int, float, str, bytes, bytearray, memoryview, dt.date, dt.datetime)


# One encoder for every entry: ``json.dumps`` with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def _dump(values: dict[str, Any] | None) -> str | None:
    return None if values is None else _JSON.encode(values)


def _table_and_key(obj: Any) -> tuple[str, tuple]:
    state = instance_state(obj)
    return _mapped(state)[1], tuple(state.identity or ())
