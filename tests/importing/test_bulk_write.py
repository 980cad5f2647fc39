"""Imports write new rows in batches through the bulk store commands: every new record still gets
exactly one audit entry, written with it in the one transaction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.importing import apply, import_file
from ylt_desktop.store.models import AuditEntry, Institution


@pytest.mark.parametrize("batch", [7, apply.BATCH])
def test_one_audit_entry_per_new_record(tmp_path, lead_db, monkeypatch, batch) -> None:  # noqa: ANN001
    monkeypatch.setattr(apply, "BATCH", batch)
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, *(village(n) for n in range(1, 31))])
    with lead_db.session() as s:
        before = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    report = import_file(lead_db, "institutions", path, dry_run=False, user="导入员")
    assert report.written and report.new == 30
    with lead_db.session() as s:
        new = s.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
        ids = {i.id: i.name for i in s.scalars(select(Institution).where(Institution.id > 1))}
    inserts = [e for e in new if e.table_name == "institution"]
    assert all(e.action == "insert" and e.user == "导入员" for e in inserts)
    assert sorted(int(e.record_id) for e in inserts) == sorted(ids)  # one each, none twice
    assert {int(e.record_id): json.loads(e.new_values)["name"] for e in inserts} == ids


def test_a_change_after_the_dry_run_is_planned_again(tmp_path, lead_db, monkeypatch) -> None:  # noqa: ANN001
    """The dry run's plan is written only while no record changed since; else rows are planned
    again inside the writing transaction (here: a row now matches a record made meanwhile)."""
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions as inst_store

    real = apply.backup_before

    def backup_then_someone_adds(db, reason):  # noqa: ANN001, ANN202
        found = real(db, reason)
        with db.session() as s:
            inst_store.create_institution(
                s,
                data=InstitutionData(
                    name="测试村1卫生室",
                    division="360428",
                    category="村卫生室",
                    joined=village(1)[7],
                ),  # fmt: skip
            )
        return found

    monkeypatch.setattr(apply, "backup_before", backup_then_someone_adds)
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, *(village(n) for n in range(1, 4))])
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert report.written and (report.new, report.rejected) == (2, 0)
    with lead_db.session() as s:
        assert inst_store.count_institutions(s) == 1 + 3


def test_the_collector_threshold_is_raised_only_while_importing(
    tmp_path, lead_db, monkeypatch
) -> None:  # noqa: ANN001
    import gc

    from ylt_desktop import importing

    before = gc.get_threshold()
    seen = []
    real = apply.run_plan

    def spying(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        seen.append(gc.get_threshold()[0])
        return real(*args, **kw)

    monkeypatch.setattr(apply, "run_plan", spying)
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, village(1)])
    import_file(lead_db, "institutions", path)
    assert seen == [max(importing.GC_THRESHOLD, before[0])]
    assert gc.get_threshold() == before
    with pytest.raises(importing.ImportFileError):
        import_file(lead_db, "institutions", write_book(tmp_path / "b.xlsx", [["无关", "表头"]]))
    assert gc.get_threshold() == before


@pytest.mark.sqlite_only  # a restore of a backup file
def test_a_restore_of_another_history_after_the_dry_run_is_planned_again(
    tmp_path, lead_db, monkeypatch
) -> None:  # noqa: ANN001
    """Another program restores, between the dry run and the write, a backup with as many
    audit entries but another history: the record the plan matched by id is now another
    unit. Planned again, 测试村1卫生室 keeps its record and 测试村2卫生室 is new."""
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions as inst_store
    from ylt_desktop.store.backup import backup_copy
    from ylt_desktop.store.restore import restore_database

    def create(n: int) -> None:
        with lead_db.session() as s:
            inst_store.create_institution(s, data=InstitutionData(
                name=f"测试村{n}卫生室", division="360428", category="村卫生室",
                joined=village(n)[7]))  # fmt: skip

    start = backup_copy(lead_db.path, reason="manual", now=dt.datetime(2026, 3, 1, 8))
    create(1)  # history X: 村1 takes the next id
    other = backup_copy(lead_db.path, reason="manual", now=dt.datetime(2026, 3, 1, 9))
    restore_database(start, lead_db.path, actor=lead_db.user)
    create(2)  # history Y: 村2 takes that id, as many entries
    real = apply.backup_before

    def backup_then_another_restores(db, reason):  # noqa: ANN001, ANN202
        found = real(db, reason)
        restore_database(other, db.path, actor=db.user)
        return found

    monkeypatch.setattr(apply, "backup_before", backup_then_another_restores)
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, village(2, beds=5)])
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert report.written
    with lead_db.session() as s:
        names = set(s.scalars(select(Institution.name)))
    assert {"测试村1卫生室", "测试村2卫生室"} <= names  # 村1 was renamed 村2 from a stale plan
