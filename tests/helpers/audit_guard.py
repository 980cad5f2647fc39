"""A bulk store command against its single-record commands in turn: every table's rows and
the audit entries, as each side wrote them.

``snapshot(db)`` reads every table (but the audit log) as the audit log shows values.
``written(db, before, mark)`` replays the entries after ``mark`` on ``before``: each insert
must be of a new record, each update's and delete's old values must be the record's values
at that point of the log (so the order matters), and the log replayed must give the rows
stored — every column an entry shows (``version`` and ``updated_at`` are not shown by an
update: they are checked by ``versions_moved``); a part row its record's collection dropped
(delete-orphan: a quarter row, a recipient, a volume) has its delete entry like any other,
so every row gone has one. It returns the entries in a form that does not depend on the database's clock (any date-and-time column) or on which id a part row got (a rotation's quarter rows
and an agreement's volumes are named by their natural key: after a delete SQLite may give a
later insert the same id, so row by row and in bulk the ids may differ).

``same_writes(bulk, one)`` compares the two sides: the same rows in every table; the same
inserts in the same order; the same updates and deletes, a record's in the same order (one
flush orders different records' updates, and the part rows it drops, by table and key, while
single commands in turn write row by row: that order is not compared; ``in_flush_order``
checks a one-flush bulk command's); both chains verify.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import DateTime, select
from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store.audit import QUIET, SECRET, SECRET_SHOWN, jsonable
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import AuditEntry, Base
from ylt_desktop.store.tx import all_or_nothing

# The database's clock: every date-and-time column (a record's stamps, a lock's time).
CLOCK = {
    table.name: frozenset(c.name for c in table.columns if isinstance(c.type, DateTime))
    for table in Base.metadata.sorted_tables
}
NATURAL = {
    "rotation_quarter": ("rotation_id", "quarter"),
    "agreement_volume": ("agreement_id", "quarter", "measure"),
}
NOT_LOGGED_ON_UPDATE = frozenset({"version", "updated_at"})
Rows = dict[str, dict[str, dict[str, Any]]]  # table → record id → column → value


def _record_id(table: Any, row: dict[str, Any]) -> str:
    return ",".join(str(row[col.name]) for col in table.primary_key.columns)


def snapshot(db: Database) -> Rows:
    """Every table but the audit log: record id (as the log names it) → the columns' values
    as the log shows them."""
    out: Rows = {}
    with db.session() as s:
        for table in Base.metadata.sorted_tables:
            if table.name == AuditEntry.__tablename__:
                continue
            quiet = QUIET.get(table.name, ())
            rows = {}
            for row in s.execute(select(table)).mappings():
                values = {
                    k: SECRET_SHOWN if k in SECRET else jsonable(v)
                    for k, v in row.items()
                    if k not in quiet
                }
                rows[_record_id(table, row)] = values
            out[table.name] = rows
    return out


def mark(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def _entries(db: Database, after: int) -> list[AuditEntry]:
    with db.session() as s:
        stmt = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
        found = list(s.scalars(stmt))
        s.expunge_all()
        assert verify_chain(s).ok
    return found


def _without_clock(values: dict[str, Any], table: str) -> dict[str, Any]:
    clock = CLOCK.get(table, ())
    out = {k: ("time" if k in clock else v) for k, v in values.items()}
    if table in NATURAL:
        out.pop("id", None)
    return out


def written(db: Database, before: Rows, after_id: int) -> list[tuple]:
    """Replay the entries after ``after_id`` on ``before`` (see the module); assert the result
    is what ``db`` holds; return the entries as (action, table, record, old, new) with the
    clock's values masked and part rows named by their natural key."""
    state = copy.deepcopy(before)
    out = []
    for e in _entries(db, after_id):
        old = json.loads(e.old_values) if e.old_values else None
        new = json.loads(e.new_values) if e.new_values else None
        rows = state.setdefault(e.table_name, {})
        if e.action == "insert":
            assert e.record_id not in rows, (e.id, e.table_name, e.record_id)
            rows[e.record_id] = dict(new)
            row = rows[e.record_id]
        elif e.action == "update":
            row = rows[e.record_id]
            for col, value in old.items():
                assert row.get(col) == value, (e.id, e.table_name, e.record_id, col, row, old)
            row.update(new)
        else:
            row = rows.pop(e.record_id)
            assert row == old or all(row.get(k) == v for k, v in old.items()), (e.id, row, old)
        record = e.record_id
        if e.table_name in NATURAL:
            record = ",".join(str(row[c]) for c in NATURAL[e.table_name])
        out.append((e.action, e.table_name, record,
                    None if old is None else _without_clock(old, e.table_name),
                    None if new is None else _without_clock(new, e.table_name)))  # fmt: skip
    now = snapshot(db)
    for table, rows in now.items():
        replayed = state.get(table, {})
        assert set(rows) <= set(replayed), (table, set(rows) - set(replayed))
        gone = set(replayed) - set(rows)
        assert not gone, (table, sorted(gone), "deleted without an entry")
        for rid, values in rows.items():
            for col, value in values.items():
                if col in NOT_LOGGED_ON_UPDATE:
                    continue
                assert replayed[rid].get(col) == value, (table, rid, col, replayed[rid], value)
    return out


def comparable(rows: Rows) -> dict[str, Any]:
    """``rows`` without the clock's values, part rows keyed by their natural key."""
    out: dict[str, Any] = {}
    for table, records in rows.items():
        keyed = {}
        for rid, values in records.items():
            key = rid
            if table in NATURAL:
                key = ",".join(str(values[c]) for c in NATURAL[table])
            keyed[key] = _without_clock(values, table)
        out[table] = keyed
    return out


def versions_moved(before: Rows, after: Rows, entries: list[tuple]) -> None:
    """Each versioned record's version moved by one when it (or one of its parts: a quarter
    row, a recipient, a volume) has entries of the write, else not at all; a new one is 1."""
    owners = {"rotation_quarter": ("rotation", "rotation_id"),
              "agreement_volume": ("agreement", "agreement_id"),
              "agreement_recipient": ("agreement", "agreement_id")}  # fmt: skip
    touched: set[tuple[str, str]] = set()
    for action, table, record, old, new in entries:
        if table in owners:
            owner, column = owners[table]
            if table in NATURAL:
                owner_id = record.split(",")[0]
            else:
                owner_id = str((new or old or {}).get(column, record.split(",")[0]))
            touched.add((owner, owner_id))
        elif action == "update":
            touched.add((table, record))
    for table, rows in after.items():
        for rid, values in rows.items():
            if "version" not in values:
                continue
            was = before.get(table, {}).get(rid)
            if was is None:
                assert values["version"] == 1, (table, rid, values["version"])
            else:
                moved = 1 if (table, rid) in touched else 0
                assert values["version"] == was["version"] + moved, (
                    table, rid, was["version"], values["version"], moved,
                )  # fmt: skip


def same_writes(bulk: list[tuple], one: list[tuple]) -> None:
    """See the module: inserts in the same order, updates and deletes per record in order."""
    assert [e for e in bulk if e[0] == "insert"] == [e for e in one if e[0] == "insert"]
    for action in ("update", "delete"):
        # One flush orders them by table and key; flushes in turn, row by row.
        found = [[e for e in side if e[0] == action] for side in (bulk, one)]
        assert Counter(map(repr, found[0])) == Counter(map(repr, found[1]))
        for side in found:
            side.sort(key=lambda e: (e[1], e[2]))  # stable: each record's own order kept
        assert found[0] == found[1]


Refusal = tuple[int, list] | None  # (index of the refused row, its problems), or None


def bulk_against_in_turn(
    dbs: list[Database],
    bulk: Callable[[Session], Any],
    singles: Sequence[Callable[[Session], Any]],
    *,
    one_flush: bool = False,
) -> tuple[Refusal, Refusal]:
    """Run ``bulk`` on ``dbs[0]`` and ``singles`` (one per row, in order, in one all-or-nothing
    transaction) on its twin ``dbs[1]``, and compare what each wrote (see the module). The
    singles run without autoflush: ``update_rotation`` reads the units' levels after setting
    the dates, and an autoflush there writes half the row first (two entries, the version
    moved twice); with it off each row is one flush, as each is alone in a form's save.
    ``one_flush``: the bulk command writes what one flush writes, so its entries come in a
    flush's order too: the inserts, then the updates ordered by table and key, then the
    part rows dropped by table and key (``audit._entries``). Returns each side's refusal, or None when it wrote."""
    befores = [snapshot(x) for x in dbs]
    assert comparable(befores[0]) == comparable(befores[1])  # twins, made seconds apart
    after_id = mark(dbs[0])
    assert mark(dbs[1]) == after_id
    with dbs[0].session() as s:
        try:
            bulk(s)
            by_bulk: Refusal = None
        except RuleViolation as exc:
            by_bulk = (exc.row, exc.problems)
    by_single: Refusal = None
    with dbs[1].session() as s:
        try:
            with all_or_nothing(s), s.no_autoflush:
                for i, single in enumerate(singles):
                    try:
                        single(s)
                    except RuleViolation as exc:
                        by_single = (i, exc.problems)
                        raise
        except RuleViolation:
            pass
    sides = []
    for x, before in zip(dbs, befores, strict=True):
        entries = written(x, before, after_id)
        versions_moved(before, snapshot(x), entries)
        sides.append(entries)
    if by_bulk is not None:  # a refused batch writes nothing
        assert sides[0] == [] and snapshot(dbs[0]) == befores[0]
    if by_bulk is None and by_single is None:
        assert comparable(snapshot(dbs[0])) == comparable(snapshot(dbs[1]))
        same_writes(*sides)
    if by_bulk is None and one_flush:
        in_flush_order(dbs[0], after_id)
    return by_bulk, by_single


def in_flush_order(db: Database, after_id: int) -> None:
    """The entries after ``after_id`` in the order one flush logs them: the inserts, the
    updates ordered by table and key, then the deletes (part rows dropped) by table and key."""
    entries = [(e.action, e.table_name, tuple(map(int, e.record_id.split(","))))
               for e in _entries(db, after_id)]  # fmt: skip
    rank = {"insert": 0, "update": 1, "delete": 2}
    actions = [a for a, _t, _k in entries]
    assert actions == sorted(actions, key=rank.__getitem__), actions
    for action in ("update", "delete"):
        found = [(t, k) for a, t, k in entries if a == action]
        assert found == sorted(found), (action, found)
