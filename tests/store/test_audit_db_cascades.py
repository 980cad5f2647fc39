"""Rows the database's ON DELETE CASCADE removes with a deleted record, which no ORM cascade
deletes (a unit's 等级变更记录, an agreement's scan, a submitted quarter's snapshot), have a
delete entry each, after their record's: the log replayed onto the old rows gives the stored
ones (tests/helpers/audit_guard.py). Both engines."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.helpers.audit_guard import mark, snapshot, written
from tests.store.test_agreements import ids, imaging  # noqa: F401 - the fixture
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns import snapshot as frozen
from ylt_desktop.store import agreements, attachments, institutions, quarters
from ylt_desktop.store.models import AuditEntry, Institution, InstitutionLevel

SCAN = b"%PDF-1.4\n" + b"x" * 100


def deletes(db, after: int) -> list[tuple[str, str]]:  # noqa: ANN001
    with db.session() as s:
        stmt = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
        return [(e.table_name, e.record_id) for e in s.scalars(stmt) if e.action == "delete"]


def test_deleting_a_unit_logs_its_level_entries(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s:
        unused = s.scalar(select(Institution.id).order_by(Institution.id.desc()))
        levels = list(
            s.scalars(select(InstitutionLevel.id).where(InstitutionLevel.institution_id == unused))
        )
    assert levels
    before, after = snapshot(db), mark(db)
    with db.session() as s:
        institutions.delete_institution(s, institution_id=unused)
    written(db, before, after)  # failed before: institution_level deleted without an entry
    assert deletes(db, after) == [("institution", str(unused))] + [
        ("institution_level", str(i)) for i in levels
    ]


def test_deleting_an_agreement_logs_its_scan(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s:
        aid = agreements.create_agreement(s, data=imaging(ids)).id
    with db.session() as s:
        attachments.attach(s, agreement_id=aid, file_name="协议.pdf", content=SCAN)
    before, after = snapshot(db), mark(db)
    with db.session() as s:
        agreements.delete_agreement(s, agreement_id=aid)
    written(db, before, after)  # failed before: the attachment deleted without an entry
    found = deletes(db, after)
    assert found[0] == ("agreement", str(aid)) and found[-1][0] == "attachment"
    assert len(found) == len(set(found)) == 6  # agreement, 2 recipients, 2 volumes, scan
    with db.session() as s:
        (scan,) = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "attachment",
                                                     AuditEntry.action == "delete"))  # fmt: skip
        assert json.loads(scan.old_values)["file_name"] == "协议.pdf"


def test_reopening_a_quarter_logs_its_snapshot(demo_db) -> None:  # noqa: ANN001
    q = Quarter.last_finished(dt.date.today())
    with demo_db.session() as s:
        frozen.submit(s, quarter=q, by="审核员")
    before, after = snapshot(demo_db), mark(demo_db)
    with demo_db.session() as s:
        quarters.reopen_quarter(s, quarter=q, reason="更正")
    written(demo_db, before, after)  # failed before: the snapshot deleted without an entry
    assert deletes(demo_db, after) == [("quarter_lock", str(q)), ("quarter_snapshot", str(q))]


def test_every_logged_table_and_column_is_named_in_chinese() -> None:
    """Such entries are read on 操作日志: a unit's level entry showed 'category：…；level：…；
    since：…', a snapshot's entry its table's English name."""
    from ylt_desktop.store.audit import QUIET, TABLE_LABELS
    from ylt_desktop.store.audit_text import HIDDEN, label
    from ylt_desktop.store.models import Base

    for table in Base.metadata.sorted_tables:
        if table.name == AuditEntry.__tablename__:
            continue
        assert table.name in TABLE_LABELS, table.name
        for column in table.columns:
            if column.name in HIDDEN or column.name in QUIET.get(table.name, ()):
                continue
            assert label(table.name, column.name) != column.name, (table.name, column.name)
