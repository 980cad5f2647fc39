"""What a flush deletes that the session's own lists do not show, for ``store/audit.py``:
the rows the database's ``ON DELETE CASCADE`` would remove unseen (deleted through the session
before the flush, ``_before_flush``), the part rows a record's collection dropped
(delete-orphan, ``_orphans``) and the row switches (``_switched``), the last two read from the
flush's unit of work (``flush_context.states``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state

from ylt_desktop.store.audit_values import _table_and_key


def _orphans(session: Session, flush_context: Any) -> list[Any]:
    """The rows this flush deleted that nobody passed to ``session.delete``: part rows their
    record's collection dropped (delete-orphan: a rotation's quarter row, an agreement's
    recipient or volume), which the unit of work finds only while flushing. Ordered by table
    and key, as the updates are."""
    if flush_context is None:
        return []
    explicit = session.deleted
    found = []
    for state, (isdelete, listonly) in flush_context.states.items():
        if not isdelete or listonly or state.key is None:
            continue
        obj = state.obj()
        if obj is not None and obj not in explicit:
            found.append(obj)
    return sorted(found, key=_table_and_key)


def _switched(session: Session, flush_context: Any) -> dict[Any, Any]:
    """Row switches: a row dropped or deleted and a new one with its primary key added in the
    same flush, which the unit of work writes as one UPDATE of the stored row (it keeps the
    dropped row's state in the flush, marked list-only). Identity key → the dropped row."""
    if flush_context is None:
        return {}
    return {
        state.key: state.obj()
        for state, (isdelete, listonly) in flush_context.states.items()
        if isdelete and listonly and state.key is not None and state.obj() is not None
    }


def _db_cascades(table: Any) -> list[tuple[Any, Any]]:
    """(child mapper, foreign key) of every mapped table whose foreign key to ``table`` has
    ``ON DELETE CASCADE``: rows the database removes with a deleted row of ``table``."""
    found = _CASCADES.get(table)
    if found is None:
        from ylt_desktop.store.models import Base

        found = []
        for mapper in Base.registry.mappers:
            child = mapper.local_table
            for fk in child.foreign_keys:
                if fk.column.table is table and (fk.ondelete or "").upper() == "CASCADE":
                    found.append((mapper, fk))
        _CASCADES[table] = found
    return found


_CASCADES: dict[Any, list[tuple[Any, Any]]] = {}


def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    """The rows the database's ``ON DELETE CASCADE`` would remove with a deleted row, which no
    ORM cascade deletes (a unit's 等级变更记录, an agreement's scan, a quarter's snapshot), are
    deleted through the session here, after their parent in the order of deletes, so each
    has its entry: the database would drop them with no entry at all."""
    seen: set[int] = set()
    todo = [o for o in session.deleted if instance_state(o).key is not None]
    while todo:
        by_fk: dict[tuple[Any, Any], list[Any]] = {}
        for obj in todo:
            seen.add(id(obj))
            state = instance_state(obj)
            table = state.mapper.local_table
            for mapper, fk in _db_cascades(table):
                prop = state.mapper.get_property_by_column(fk.column)
                value = state.dict.get(prop.key)
                if value is None:  # the key of a persistent row: its identity
                    pk = list(state.mapper.primary_key)
                    value = state.identity[pk.index(fk.column)] if fk.column in pk else None
                if value is not None:
                    by_fk.setdefault((mapper, fk), []).append(value)
        todo = []
        for (mapper, fk), values in by_fk.items():
            column = getattr(mapper.class_, mapper.get_property_by_column(fk.parent).key)
            for i in range(0, len(values), 500):
                stmt = select(mapper).where(column.in_(values[i : i + 500]))
                for child in session.scalars(stmt):
                    if child not in session.deleted and id(child) not in seen:
                        session.delete(child)
                        todo.append(child)
