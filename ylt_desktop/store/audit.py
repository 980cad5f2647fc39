"""操作日志: every insert, update and delete of any record, written in the same transaction.

``install_audit(sessions)`` (done by ``open_database``) listens to ``after_flush`` and writes one
``AuditEntry`` per changed object through the flush's own connection, so an entry exists exactly
when its change commits. Who: ``session.info["user"]``, the signed-in ``Actor`` (see
``store/users.py``; ``set_user`` names one by text). A database with users refuses a change
made with nobody signed in; one without users yet (a new or older database) names the OS user.
Each entry's ``hash`` chains it to the previous one (``store/chain.py``). A user's sign-in
bookkeeping is not logged, and a password hash is logged only as "changed".

Not seen: bulk ``session.execute(update(...)/delete(...))`` statements and raw SQL, which bypass
the unit of work; store commands change records through the ORM, or write many rows with Core
statements (``store/bulk_write.py``) and then the very entries a flush would have written
(``insert_entry``, ``update_entry``, ``delete_entry``, ``write_entries``).

A flush's entries come in this order: the new rows, the changed rows ordered by table and key,
the rows passed to ``session.delete`` (in that order, a record's cascaded parts with it, and
after it the rows the database's ``ON DELETE CASCADE`` would remove unseen, deleted through the
session before the flush: a unit's 等级变更记录, an agreement's scan, a quarter's snapshot), then
the part rows a record's collection dropped (delete-orphan: a rotation's quarter row, an
agreement's recipient or volume), which the unit of work finds only while flushing, ordered by
table and key, each logged as a delete of its own. Logs written before that last kind was
logged lack those deletes; the chain never covered rows, so they verify as they are. A row
dropped (or deleted) and a new one with its primary key added in the same flush is one UPDATE
of the stored row to the database (a row switch): logged as that update, among the updates.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import NO_VALUE

from ylt_desktop.domain.roles import NotAllowed
from ylt_desktop.store.chain import entry_hash
from ylt_desktop.store.models import AuditEntry, User

USER_KEY = "user"
INSERT, UPDATE, DELETE = "insert", "update", "delete"
ACTION_LABELS = {INSERT: "新增", UPDATE: "修改", DELETE: "删除"}
TABLE_LABELS = {
    "consortium": "医联体",
    "institution": "成员单位",
    "institution_level": "等级变更记录",
    "staff": "人员",
    "rotation": "人员流动",
    "rotation_quarter": "人员流动季度数据",
    "agreement": "资源共享协议",
    "agreement_recipient": "协议接收方",
    "agreement_volume": "协议服务量",
    "attachment": "协议附件",
    "quarter_lock": "季度报送",
    "quarter_event": "季度报送记录",
    "quarter_snapshot": "季度报表快照",
    "setting": "设置",
    "member_figures": "运行指标",
    "county_figures": "县域运行指标",
    "app_user": "用户",
    "package_event": "数据包接收与退回",
}
# Columns never logged (sign-in bookkeeping) and columns logged only as changed.
QUIET = {"app_user": frozenset({"failed_attempts", "locked_until"})}
SECRET = frozenset({"password_hash", "exchange_check"})
SECRET_SHOWN = "（已设置）"


def set_user(target: Session | sessionmaker | Any, name: Any) -> None:
    """Name who acts (a text or an ``Actor``): on one session, or on a sessionmaker /
    ``Database`` (all later sessions). A text name carries no role."""
    if isinstance(target, Session):
        target.info[USER_KEY] = name
        return
    sessions = getattr(target, "sessions", target)
    info = dict(sessions.kw.get("info") or {})
    info[USER_KEY] = name
    sessions.configure(info=info)


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (a service account, say)
        return "未知用户"


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


def _acting_name(session: Session) -> str:
    actor = session.info.get(USER_KEY)
    if actor:
        return str(getattr(actor, "name", actor))
    if session.connection().execute(select(User.id).limit(1)).first() is not None:
        raise NotAllowed("请先登录：本数据库的每项修改都要记下修改人")
    return os_user()


def _table_and_key(obj: Any) -> tuple[str, tuple]:
    state = instance_state(obj)
    return _mapped(state)[1], tuple(state.identity or ())


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


def _entries(session: Session, flush_context: Any = None) -> list[dict[str, Any]]:
    at = dt.datetime.now().replace(microsecond=0)
    rows = []

    def add(action: str, obj: Any, old: dict | None, new: dict | None) -> None:
        rows.append(
            {
                "at": at,
                "action": action,
                "table_name": _mapped(instance_state(obj))[1],
                "record_id": _record_id(obj),
                "old_values": _dump(old),
                "new_values": _dump(new),
            }
        )

    orphans = _orphans(session, flush_context)
    switched = _switched(session, flush_context)
    replaced, updates = set(), []
    for obj in session.new:
        key = inspect(obj).mapper.identity_key_from_instance(obj) if switched else None
        was = switched.get(key) if switched else None
        if was is None:
            add(INSERT, obj, None, _values(obj))
            continue
        # A row switch: the database saw an UPDATE of the stored row (none when unchanged).
        replaced.add(id(was))
        old, new = _stored_values(was), _values(obj)
        changed = [col for col, value in new.items() if old.get(col) != value]
        if changed:
            before, after = {c: old.get(c) for c in changed}, {c: new[c] for c in changed}
            updates.append(((_mapped(instance_state(obj))[1], tuple(key[1])), obj, before, after))
    # The session keeps its changed objects in a set (no order, or that of their addresses):
    # ordered by table and key, so the same changes are logged in the same order by every
    # path that makes them (a bulk command, the commands in turn: store/institutions_bulk.py).
    gone = session.deleted.union(orphans)
    for obj in session.dirty:
        if obj in gone:
            continue
        old, new = _changes(obj)
        if new:
            updates.append((_table_and_key(obj), obj, old, new))
    for _key, obj, old, new in sorted(updates, key=lambda u: u[0]):
        add(UPDATE, obj, old, new)
    for obj in session.deleted:  # in the order they were passed to session.delete
        if id(obj) not in replaced:
            add(DELETE, obj, _stored_values(obj), None)
    # Then the dropped part rows, as deletes of their own (by table and key).
    for obj in orphans:
        add(DELETE, obj, _stored_values(obj), None)
    rows = [r for r in rows if r["table_name"] != AuditEntry.__tablename__]
    if rows:
        user = _acting_name(session)
        for row in rows:
            row["user"] = user
    return rows


def _chain(session: Session, rows: list[dict[str, Any]]) -> None:
    """Number the new entries after the newest one and chain their hashes to it. The flush
    has written already, so this transaction holds the write lock: nobody appends between.
    On a server, a write outside ``store/tx.py: transaction`` takes that lock here."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        from ylt_desktop.store import server

        server.lock_for_writing(conn.connection.dbapi_connection)
    last = conn.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    next_id, previous = (last[0] + 1, last[1]) if last else (1, None)
    for row in rows:
        row["id"] = next_id
        row["hash"] = previous = entry_hash(previous, row)
        next_id += 1


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


def _after_flush(session: Session, flush_context: Any) -> None:
    rows = _entries(session, flush_context)
    if rows:
        _chain(session, rows)
        session.connection().execute(insert(AuditEntry.__table__), rows)


def now() -> dt.datetime:
    """An entry's time, as a flush stamps its entries."""
    return dt.datetime.now().replace(microsecond=0)


def insert_entry(
    table: str, record_id: Any, values: dict[str, Any], at: dt.datetime
) -> dict[str, Any]:
    """The entry a flush writes for a new row of ``table`` whose loaded columns (column name →
    value, as the ORM holds them after the flush) are ``values``."""
    quiet = QUIET.get(table, ())
    simple = _SIMPLE
    shown = {
        col: SECRET_SHOWN if col in SECRET else v if type(v) in simple else jsonable(v)
        for col, v in values.items()
        if col not in quiet
    }
    return {"at": at, "action": INSERT, "table_name": table, "record_id": str(record_id),
            "old_values": None, "new_values": _dump(shown)}  # fmt: skip


def update_entry(
    table: str, record_id: Any, old: dict[str, Any], new: dict[str, Any], at: dt.datetime
) -> dict[str, Any]:
    """The entry a flush writes for a changed row: ``old``/``new`` hold the changed columns."""
    quiet = QUIET.get(table, ())
    before = {col: _shown(col, v) for col, v in old.items() if col not in quiet}
    after = {col: _shown(col, v) for col, v in new.items() if col not in quiet}
    return {"at": at, "action": UPDATE, "table_name": table, "record_id": str(record_id),
            "old_values": _dump(before), "new_values": _dump(after)}  # fmt: skip


def delete_entry(
    table: str, record_id: Any, values: dict[str, Any], at: dt.datetime
) -> dict[str, Any]:
    """The entry a flush writes for a deleted row (one ``session.delete`` named, or a part row
    its record's collection dropped) whose columns (column name → value) are ``values``."""
    quiet = QUIET.get(table, ())
    before = {col: _shown(col, v) for col, v in values.items() if col not in quiet}
    return {"at": at, "action": DELETE, "table_name": table, "record_id": str(record_id),
            "old_values": _dump(before), "new_values": None}  # fmt: skip


def write_entries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Write entries made by ``insert_entry``/``update_entry``/``delete_entry`` for rows written outside the
    unit of work (bulk Core statements, ``store/bulk_write.py``), in order, chained after the
    newest entry, in the session's transaction: what the flush would have written."""
    if not rows:
        return
    user = _acting_name(session)
    for row in rows:
        row["user"] = user
    _chain(session, rows)
    session.connection().execute(insert(AuditEntry.__table__), rows)


def install_audit(sessions: sessionmaker) -> None:
    # Marked on the sessionmaker itself: ``event.contains`` keys its registry by id(), and a
    # new sessionmaker may take the address of a freed one whose registration SQLAlchemy
    # has not dropped yet (that happens when the cyclic GC frees its Session class), which
    # would leave a new database without its audit log.
    if getattr(sessions, "_ylt_audited", False):
        return
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)
    sessions._ylt_audited = True  # type: ignore[attr-defined]


def latest_entry_id(session: Session) -> int | None:
    """The newest entry's id: it grows with every committed change of any record (entries are
    never deleted), so an unchanged id means no record changed in between."""
    return session.scalar(select(func.max(AuditEntry.id)))


def list_entries(
    session: Session,
    *,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    table: str | None = None,
    action: str | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """Entries newest first; ``until`` as a date includes that whole day."""
    stmt = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= _start(since))
    if until is not None:
        end = until + dt.timedelta(days=1) if type(until) is dt.date else until
        stmt = stmt.where(AuditEntry.at < _start(end))
    if table:
        stmt = stmt.where(AuditEntry.table_name == table)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if text:
        like = f"%{text}%"
        stmt = stmt.where(
            or_(
                AuditEntry.old_values.like(like),
                AuditEntry.new_values.like(like),
                AuditEntry.user.like(like),
                AuditEntry.record_id == text,
            )
        )
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def _start(value: dt.date | dt.datetime) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def describe(entry: AuditEntry, names: Mapping[str, Mapping[int, str]] | None = None) -> str:
    """A short Chinese summary of what changed (labels, form values, IDs masked; units,
    people and agreements named from ``audit_text.read_names``)."""
    from ylt_desktop.store.audit_text import describe as text

    return text(entry, names=names)


def change_token(session: Session) -> tuple[int, str]:
    """The newest audit entry's id and hash: moves with every audited write, and with a
    restore (by any program) of a backup of another history, even one with as many entries;
    pages reload only when it moved. A database without any entry (an old one, or a backup
    from before the log) has ``(0, snapshot_key.data_stamp(...))``, which a restore of
    another such database moves too."""
    newest = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if newest:
        return newest[0], newest[1] or ""
    from ylt_desktop.store.snapshot_key import data_stamp

    return 0, data_stamp(session)
