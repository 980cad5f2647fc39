"""The bulk path of an import (``store/bulk_write.py``: Core statements, then the audit entries
a flush would write) against expected values written out here by hand: the records, their
first 等级变更记录 entries, versions, every audit entry's text and the hash chain; a later
edit through the store commands and a stale save; all-or-nothing when the bulk write fails
late (its last row, its audit entries, the commit). Both engines (``db`` is parametrized)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event, select

from tests.importing.conftest import INST_HEADER, dump, write_book
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.importing import import_file
from ylt_desktop.store import audit, bulk_write
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.models import AuditEntry, Institution, InstitutionLevel
from ylt_desktop.store.versions import RecordChanged

USCC = "12360428MB1234562A"
ROWS = [
    ["甲村卫生室", "", "360428", "村卫生室", "未定级", "公立", "成员单位", dt.date(2024, 1, 1), 3, 3],
    ["乙卫生院", USCC, "360428", "乡镇卫生院", "一级", "公立", "成员单位", dt.date(2024, 2, 1), 5, 6],
    ["丙村卫生室", "", "360428", "村卫生室", "未定级", "公立", "成员单位", dt.date(2024, 3, 1), 0, 0],
]  # fmt: skip


def _entries(db, after: int) -> list[AuditEntry]:  # noqa: ANN001
    with db.session() as s:
        stmt = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
        found = list(s.scalars(stmt))
        s.expunge_all()
    return found


def _last_id(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return audit.latest_entry_id(s)


def _stamps(db, model, ids: list[int], *cols: str) -> dict[int, list[str]]:  # noqa: ANN001
    """Each row's server-filled times as the audit shows them (ISO text)."""
    with db.session() as s:
        found = s.execute(select(model.id, *(getattr(model, c) for c in cols))
                          .where(model.id.in_(ids)))  # fmt: skip
        return {row[0]: [v.isoformat() for v in row[1:]] for row in found}


def _institution(inst_id: int, row: list, stamps: list[str]) -> dict:
    name, uscc, division, category, level, ownership, role, joined, beds_a, beds_b = row
    return {
        "address": "", "beds_actual": beds_b, "beds_authorised": beds_a, "category": category,
        "contact": "", "created_at": stamps[0], "division": division, "doctors": 0,
        "health_tech_staff": 0, "id": inst_id, "joined": joined.isoformat(), "left": None,
        "level": level, "licence_no": "", "name": name, "name_key": name, "nurses": 0,
        "ownership": ownership, "phone": "", "role": role, "staff_total": None,
        "updated_at": stamps[1], "uscc": uscc or None, "version": 1,
    }  # fmt: skip


def test_new_rows_give_the_records_levels_versions_and_audit_of_creates_in_turn(tmp_path, lead_db):  # noqa: ANN001
    path = write_book(tmp_path / "new.xlsx", [INST_HEADER, *ROWS])
    mark = _last_id(lead_db)
    with lead_db.session() as s:
        lead_user = s.scalar(select(AuditEntry.user).order_by(AuditEntry.id).limit(1))
        lead_id = s.scalar(select(Institution.id))
        first_level = s.scalar(select(InstitutionLevel.id))
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert report.written and report.new == 3

    ids = [lead_id + 1, lead_id + 2, lead_id + 3]  # in file order, after the lead unit
    level_ids = [first_level + 1, first_level + 2, first_level + 3]
    with lead_db.session() as s:
        stored = s.execute(
            select(Institution.id, Institution.name, Institution.uscc, Institution.level,
                   Institution.beds_actual, Institution.version)
            .where(Institution.id != lead_id).order_by(Institution.id)
        ).all()  # fmt: skip
        levels = s.execute(
            select(InstitutionLevel.id, InstitutionLevel.institution_id, InstitutionLevel.since,
                   InstitutionLevel.level, InstitutionLevel.category)
            .where(InstitutionLevel.id != first_level).order_by(InstitutionLevel.id)
        ).all()  # fmt: skip
    assert [tuple(r) for r in stored] == [
        (ids[0], "甲村卫生室", None, "未定级", 3, 1),
        (ids[1], "乙卫生院", USCC, "一级", 6, 1),
        (ids[2], "丙村卫生室", None, "未定级", 0, 1),
    ]
    assert [tuple(r) for r in levels] == [
        (level_ids[0], ids[0], None, "未定级", "村卫生室"),
        (level_ids[1], ids[1], None, "一级", "乡镇卫生院"),
        (level_ids[2], ids[2], None, "未定级", "村卫生室"),
    ]

    stamps = _stamps(lead_db, Institution, ids, "created_at", "updated_at")
    recorded = _stamps(lead_db, InstitutionLevel, level_ids, "recorded_at")
    expected = []
    for inst_id, level_id, row in zip(ids, level_ids, ROWS, strict=True):
        level = {"category": row[3], "id": level_id, "institution_id": inst_id,
                 "level": row[4], "recorded_at": recorded[level_id][0], "since": None}  # fmt: skip
        expected.append(("institution", str(inst_id), None, _institution(inst_id, row,
                                                                          stamps[inst_id])))  # fmt: skip
        expected.append(("institution_level", str(level_id), None, level))
    entries = _entries(lead_db, mark)
    got = [(e.table_name, e.record_id, e.old_values, json.loads(e.new_values)) for e in entries]
    assert got == expected
    assert [e.id for e in entries] == list(range(mark + 1, mark + 7))
    assert {e.action for e in entries} == {"insert"} and {e.user for e in entries} == {lead_user}
    # The text as stored: sorted keys, Chinese as itself, as every flush writes it.
    assert entries[2].new_values.startswith('{"address": "", "beds_actual": 6, "beds_authorised"')
    assert '"name": "乙卫生院"' in entries[2].new_values
    with lead_db.session() as s:
        chain = verify_chain(s)
    assert chain.ok and chain.entries == mark + 6

    # A later edit through the normal command works from version 1; a stale one is refused.
    with lead_db.session() as s:
        data = inst_store.to_data(s.get(Institution, ids[1]))
        data.beds_actual = 7
        inst_store.update_institution(s, institution_id=ids[1], data=data, version=1)
    with lead_db.session() as s:
        assert s.get(Institution, ids[1]).version == 2
        data.beds_actual = 8
        with pytest.raises(RecordChanged):
            inst_store.update_institution(s, institution_id=ids[1], data=data, version=1)
    with lead_db.session() as s:
        assert s.get(Institution, ids[1]).beds_actual == 7
        assert verify_chain(s).ok


def test_changed_rows_give_the_updates_versions_and_audit_of_updates_in_turn(tmp_path, lead_db):  # noqa: ANN001
    import_file(lead_db, "institutions", write_book(tmp_path / "a.xlsx", [INST_HEADER, *ROWS]),
                dry_run=False)  # fmt: skip
    with lead_db.session() as s:
        ids = list(s.scalars(select(Institution.id).order_by(Institution.id)))[1:]
        level_of = dict(
            s.execute(select(InstitutionLevel.institution_id, InstitutionLevel.id)).all()
        )
    changed = [list(r) for r in ROWS]
    changed[0][9] = 4  # 甲: 实有床位 3 → 4
    changed[1][4], changed[1][8] = "二级", 7  # 乙: a corrected level, 编制床位 5 → 7
    mark = _last_id(lead_db)
    report = import_file(lead_db, "institutions",
                         write_book(tmp_path / "b.xlsx", [INST_HEADER, *changed]),
                         dry_run=False)  # fmt: skip
    assert (report.changed, report.unchanged) == (2, 1)
    got = [(e.action, e.table_name, e.record_id, json.loads(e.old_values),
            json.loads(e.new_values)) for e in _entries(lead_db, mark)]  # fmt: skip
    assert got == [
        ("update", "institution", str(ids[0]), {"beds_actual": 3}, {"beds_actual": 4}),
        ("update", "institution", str(ids[1]), {"beds_authorised": 5, "level": "一级"},
         {"beds_authorised": 7, "level": "二级"}),
        ("update", "institution_level", str(level_of[ids[1]]), {"level": "一级"},
         {"level": "二级"}),
    ]  # fmt: skip
    with lead_db.session() as s:
        assert verify_chain(s).ok
        rows = s.execute(select(Institution.id, Institution.version, Institution.beds_actual,
                                Institution.level).where(Institution.id.in_(ids))
                         .order_by(Institution.id)).all()  # fmt: skip
        level = s.get(InstitutionLevel, level_of[ids[1]])
        assert (level.level, level.category, level.since) == ("二级", "乡镇卫生院", None)
    assert [tuple(r) for r in rows] == [
        (ids[0], 2, 4, "未定级"), (ids[1], 2, 6, "二级"), (ids[2], 1, 0, "未定级")
    ]  # fmt: skip
    # The next save of a form that loaded version 1 is refused; one from version 2 goes in.
    with lead_db.session() as s:
        data = inst_store.to_data(s.get(Institution, ids[0]))
        with pytest.raises(RecordChanged):
            inst_store.update_institution(s, institution_id=ids[0], data=data, version=1)
    with lead_db.session() as s:
        data = InstitutionData(**{**vars(data), "beds_actual": 9})
        inst_store.update_institution(s, institution_id=ids[0], data=data, version=2)
        assert s.get(Institution, ids[0]).version == 3


def test_a_corrected_level_is_logged_right_after_its_row_before_the_next_rows(tmp_path, lead_db):  # noqa: ANN001
    """As ``update_institution`` row by row: 甲's entry, 乙's, its 等级变更记录 correction, then
    丙's (the level entry came after every row's entry)."""
    import_file(lead_db, "institutions", write_book(tmp_path / "a.xlsx", [INST_HEADER, *ROWS]),
                dry_run=False)  # fmt: skip
    with lead_db.session() as s:
        ids = list(s.scalars(select(Institution.id).order_by(Institution.id)))[1:]
        level_of = dict(
            s.execute(select(InstitutionLevel.institution_id, InstitutionLevel.id)).all()
        )
    changed = [list(r) for r in ROWS]
    changed[1][4] = "二级"  # 乙: a corrected level
    changed[2][9] = 5  # 丙: 实有床位 0 → 5
    changed[0][8] = 4  # 甲: 编制床位 3 → 4
    mark = _last_id(lead_db)
    report = import_file(lead_db, "institutions",
                         write_book(tmp_path / "b.xlsx", [INST_HEADER, *changed]),
                         dry_run=False)  # fmt: skip
    assert report.changed == 3
    got = [(e.table_name, e.record_id, json.loads(e.old_values), json.loads(e.new_values))
           for e in _entries(lead_db, mark)]  # fmt: skip
    assert got == [
        ("institution", str(ids[0]), {"beds_authorised": 3}, {"beds_authorised": 4}),
        ("institution", str(ids[1]), {"level": "一级"}, {"level": "二级"}),
        ("institution_level", str(level_of[ids[1]]), {"level": "一级"}, {"level": "二级"}),
        ("institution", str(ids[2]), {"beds_actual": 0}, {"beds_actual": 5}),
    ]  # fmt: skip
    with lead_db.session() as s:
        assert verify_chain(s).ok


def _many(n: int) -> list[list]:
    return [[f"批量村{i}卫生室", "", "360428", "村卫生室", "未定级", "公立", "成员单位",
             dt.date(2024, 1, 1), i % 7, i % 7] for i in range(n)]  # fmt: skip


def test_the_last_row_refused_by_the_database_leaves_it_as_it_was(tmp_path, lead_db, monkeypatch):  # noqa: ANN001
    """The database itself refuses the last row of the last bulk INSERT (NOT NULL): the rows
    before it, flushed in the same transaction, are gone with it."""
    path = write_book(tmp_path / "many.xlsx", [INST_HEADER, *_many(1200)])
    before = dump(lead_db)
    real = bulk_write.insert_rows
    calls = []

    def last_row_bad(session, model, rows, *, key):  # noqa: ANN001, ANN202
        calls.append(len(rows))
        if model is Institution and rows[-1]["name"] == "批量村1199卫生室":
            rows = [*rows[:-1], {**rows[-1], "division": None}]
        return real(session, model, rows, key=key)

    monkeypatch.setattr(bulk_write, "insert_rows", last_row_bad)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the driver's IntegrityError
        import_file(lead_db, "institutions", path, dry_run=False)
    assert "division" in str(caught.value).lower() or "null" in str(caught.value).lower()
    assert sum(calls) > 1200  # earlier batches were written in the transaction
    assert dump(lead_db) == before


def test_a_failure_writing_the_audit_or_at_commit_leaves_the_database_as_it_was(
    tmp_path, lead_db, monkeypatch
):  # noqa: ANN001
    path = write_book(tmp_path / "many.xlsx", [INST_HEADER, *_many(1200)])
    before = dump(lead_db)
    real = audit.write_entries
    written = []

    def failing_last(session, rows):  # noqa: ANN001, ANN202
        written.append(len(rows))
        if sum(written) == 2 * 1200:  # the last batch's entries: everything else is written
            real(session, rows[:-1])
            raise OSError("disk full")
        real(session, rows)

    monkeypatch.setattr(audit, "write_entries", failing_last)
    with pytest.raises(OSError):
        import_file(lead_db, "institutions", path, dry_run=False)
    assert dump(lead_db) == before

    # At commit: every row and entry is written, then the commit itself fails.
    monkeypatch.setattr(audit, "write_entries", real)

    def refuse_commit(session) -> None:  # noqa: ANN001
        has = session.connection().execute(select(Institution.id).where(
            Institution.name == "批量村1199卫生室")).first()  # fmt: skip
        if has is not None:
            raise OSError("commit failed")

    event.listen(lead_db.sessions, "before_commit", refuse_commit)
    try:
        with pytest.raises(OSError, match="commit failed"):
            import_file(lead_db, "institutions", path, dry_run=False)
    finally:
        event.remove(lead_db.sessions, "before_commit", refuse_commit)
    assert dump(lead_db) == before
    assert import_file(lead_db, "institutions", path, dry_run=False).new == 1200
    with lead_db.session() as s:
        assert verify_chain(s).ok


def test_a_bulk_update_of_a_row_at_another_version_is_refused_and_rolled_back(tmp_path, lead_db):  # noqa: ANN001
    """``update_rows`` checks every row's version as the ORM's UPDATE does (the sum of rows
    matched, on both engines): one row moved on makes it fail (``StaleDataError``, refused as
    ``RecordChanged`` naming the kind, as a flush's) and the transaction roll back."""
    from ylt_desktop.store.tx import all_or_nothing

    import_file(lead_db, "institutions", write_book(tmp_path / "a.xlsx", [INST_HEADER, *ROWS]),
                dry_run=False)  # fmt: skip
    before = dump(lead_db)
    with lead_db.session() as s:
        ids = list(s.scalars(select(Institution.id).order_by(Institution.id)))[1:]
        rows = [(i, 1, {"beds_actual": 20}) for i in ids]
        rows[-1] = (ids[-1], 2, {"beds_actual": 20})  # the last row is read at version 2
        with pytest.raises(RecordChanged, match="成员单位"), all_or_nothing(s):
            bulk_write.update_rows(s, Institution, rows)
    assert dump(lead_db) == before
    with lead_db.session() as s, all_or_nothing(s):
        bulk_write.update_rows(s, Institution, [(i, 1, {"beds_actual": 20}) for i in ids])
    with lead_db.session() as s:
        got = s.execute(select(Institution.version, Institution.beds_actual)
                        .where(Institution.id.in_(ids))).all()  # fmt: skip
    assert [tuple(r) for r in got] == [(2, 20)] * 3
