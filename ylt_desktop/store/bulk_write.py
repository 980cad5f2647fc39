"""Many rows at once with SQLAlchemy Core, audited as the ORM's flush would audit them.

An import writes thousands of rows; through the unit of work each costs several times its SQL
in ORM bookkeeping (instances, attribute events, the flush's sort, the audit listener reading
each object back). ``insert_rows`` sends one executemany (SQLAlchemy's "insertmanyvalues"
batches of multi-row ``INSERT … RETURNING``), reads back the id and the server defaults, and
returns each row's values exactly as the ORM holds them after its flush: the given values, the
Python-side column defaults (``version`` starts at 1), the id and the server defaults
(``created_at``…) — which is what the row's audit entry shows (``audit.insert_entry``).
``update_rows`` is one executemany ``UPDATE … WHERE id = ? AND version = ?`` that moves the
version and ``updated_at`` as the ORM's ``version_id_col`` and ``onupdate`` do, and refuses
(``StaleDataError``, as a flush would) when a row was changed meanwhile.

The caller writes the audit entries (``audit.write_entries``) in the order the flush would
have written them, in the same transaction, after flushing whatever the session held before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

_PLANS: dict[Table, tuple[dict[str, Any], list[Any]]] = {}


def _plan(table: Table) -> tuple[dict[str, Any], list[Any]]:
    """(column → Python-side scalar default, columns the database fills: the primary key and
    server defaults), worked out once per table."""
    found = _PLANS.get(table)
    if found is None:
        defaults: dict[str, Any] = {}
        filled = []
        for col in table.columns:
            if col.default is not None:
                if not col.default.is_scalar:
                    raise NotImplementedError(f"{table.name}.{col.name}: not a scalar default")
                defaults[col.name] = col.default.arg
            elif col.primary_key or col.server_default is not None:
                filled.append(col)
        found = _PLANS[table] = (defaults, filled)
    return found


def insert_rows(
    session: Session, model: Any, rows: list[dict[str, Any]], *, key: str | None
) -> list[dict[str, Any]]:
    """INSERT ``rows`` (column name → value, the same columns in every row) into ``model``'s
    table with one executemany in the session's transaction; return each row's values as the
    ORM holds them after a flush (see the module). ``key``: a column whose values differ
    between the rows, to pair the rows read back with the rows sent (a multi-row INSERT's
    RETURNING promises no order); None when no column does: then SQLAlchemy returns the
    rows in the order sent (``sort_by_parameter_order``; on SQLite one INSERT per row, in
    one executemany), and the ids grow in that order, as a flush gives them."""
    if not rows:
        return []
    table = model.__table__
    defaults, filled = _plan(table)
    given = rows[0].keys()
    fill = {col: value for col, value in defaults.items() if col not in given}
    params = [{**fill, **row} for row in rows]
    if key is None:
        returned = [col for col in filled if col.name not in given]
        if not returned:  # every key given (a recipient's): nothing to read back
            session.connection().execute(insert(table), params)
            return params
        names = [col.name for col in returned]
        stmt = insert(table).returning(*returned, sort_by_parameter_order=True)
        result = session.connection().execute(stmt, params)
        for values, back in zip(params, result, strict=True):
            values.update(zip(names, back, strict=True))
        return params
    returned = [table.c[key]] + [col for col in filled if col.name not in given]
    names = [col.name for col in returned[1:]]
    result = session.connection().execute(insert(table).returning(*returned), params)
    back = {row[0]: row[1:] for row in result}
    if len(back) != len(params):
        raise ValueError(f"insert_rows: {key} must differ between the rows")
    for values in params:
        values.update(zip(names, back[values[key]], strict=True))
    return params


def update_rows(session: Session, model: Any, rows: list[tuple[int, int, dict[str, Any]]]) -> None:
    """UPDATE many rows of a ``Versioned`` model: ``(id, version read, {column: new value})``,
    the same columns in every row; each row's version grows by one and ``updated_at`` becomes
    the database's time, as a flush of a changed ORM object does. Raises ``StaleDataError``
    (what the flush raises; ``store/tx.py`` makes it ``RecordChanged``) when any row is no
    longer at the version read."""
    if not rows:
        return
    table = model.__table__
    columns = list(rows[0][2])
    values: dict[str, Any] = {col: bindparam(f"new_{col}") for col in columns}
    values["version"] = table.c.version + 1
    if "updated_at" in table.c:
        values["updated_at"] = func.current_timestamp()
    stmt = (
        update(table)
        .where(table.c.id == bindparam("old_id"), table.c.version == bindparam("old_version"))
        .values(values)
    )
    params = [
        {"old_id": row_id, "old_version": version, **{f"new_{c}": new[c] for c in columns}}
        for row_id, version, new in rows
    ]
    conn = session.connection()
    result = conn.execute(stmt, params)
    if conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(params):
        raise StaleDataError(
            f"UPDATE statement on table '{table.name}' expected to update {len(params)} row(s);"
            f" {result.rowcount} were matched."
        )


def update_rows_grouped(
    session: Session, model: Any, rows: list[tuple[int, int, dict[str, Any]]]
) -> None:
    """``update_rows`` of rows whose changed columns differ: one executemany per set of
    changed columns, the sets in the order they first come."""
    groups: dict[tuple[str, ...], list] = {}
    for item in rows:
        groups.setdefault(tuple(item[2]), []).append(item)
    for group in groups.values():
        update_rows(session, model, group)


def update_parts(
    session: Session,
    model: Any,
    rows: list[tuple[Any, dict[str, Any]]],
    *,
    by: tuple[str, ...] = ("id",),
) -> None:
    """UPDATE rows of a table without a version of its own (a rotation's quarter rows, an
    agreement's volumes or recipients): ``(key, {column: new value})``, the key the value of
    ``by`` (the id) or a tuple of the values of ``by`` (an agreement's and a unit's id), one
    executemany per set of columns changed. Their record's ``update_rows``, sent first in the
    same transaction, checked the record's version."""
    groups: dict[tuple[str, ...], list[tuple[Any, dict[str, Any]]]] = {}
    for key, new in rows:
        groups.setdefault(tuple(new), []).append((key, new))
    table = model.__table__
    conn = session.connection()
    where = [table.c[col] == bindparam(f"old_{col}") for col in by]
    for columns, group in groups.items():
        values = {col: bindparam(f"new_{col}") for col in columns}
        stmt = update(table).where(*where).values(values)
        params = [
            {**_key_params(by, key), **{f"new_{c}": new[c] for c in columns}} for key, new in group
        ]
        conn.execute(stmt, params)


def _key_params(by: tuple[str, ...], key: Any) -> dict[str, Any]:
    parts = key if len(by) > 1 else (key,)
    return {f"old_{col}": value for col, value in zip(by, parts, strict=True)}


def delete_rows(session: Session, model: Any, ids: list[int]) -> None:
    """DELETE the rows of ``model``'s table with these ids, 500 ids a statement."""
    table = model.__table__
    conn = session.connection()
    for i in range(0, len(ids), 500):
        conn.execute(delete(table).where(table.c.id.in_(ids[i : i + 500])))


def delete_parts(session: Session, model: Any, keys: list[tuple], *, by: tuple[str, ...]) -> None:
    """DELETE the rows of ``model``'s table whose columns ``by`` hold one of ``keys`` (an
    agreement's recipients by agreement and unit): one executemany."""
    if not keys:
        return
    table = model.__table__
    stmt = delete(table).where(*(table.c[col] == bindparam(f"old_{col}") for col in by))
    session.connection().execute(stmt, [_key_params(by, key) for key in keys])
