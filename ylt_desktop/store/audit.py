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
Those deletes and row switches are found in ``store/audit_flush.py``; how a row's columns show
in an entry is ``store/audit_values.py``.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import instance_state

from ylt_desktop.domain.roles import NotAllowed
from ylt_desktop.store.audit_flush import _before_flush, _orphans, _switched
from ylt_desktop.store.audit_values import (
    _SIMPLE,
    QUIET,
    SECRET,
    SECRET_SHOWN,
    _changes,
    _dump,
    _mapped,
    _record_id,
    _shown,
    _stored_values,
    _table_and_key,
    _values,
    jsonable,
)
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


def _acting_name(session: Session) -> str:
    actor = session.info.get(USER_KEY)
    if actor:
        return str(getattr(actor, "name", actor))
    if session.connection().execute(select(User.id).limit(1)).first() is not None:
        raise NotAllowed("请先登录：本数据库的每项修改都要记下修改人")
    return os_user()


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
    """Entries newest first; ``until`` as a date includes that whole day. Plain rows with the
    entry's columns as attributes (read only): making 10,000 ORM objects was most of the
    操作日志 page's build, and grew faster than the log (bench/lists.py, scale)."""
    stmt = select(*AuditEntry.__table__.columns).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc()
    )
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
    return list(session.connection().execute(stmt))  # type: ignore[arg-type]


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
