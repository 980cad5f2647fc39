"""The 表2 import's bulk path (new people, new and changed rotations with their quarter rows,
written with Core statements and the audit entries a flush would write): all or nothing when
it fails late — the database refusing the last row of the last batch, the audit write of the
last batch, the commit — and a stale write refused as ``RecordChanged``, rolled back. Both
engines (``db`` is parametrized)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from tests.helpers.people import ric
from tests.importing.conftest import INST_HEADER, dump, village, write_book
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import import_file
from ylt_desktop.store import audit, bulk_write, rotations_bulk
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.models import Rotation, RotationQuarter, Staff
from ylt_desktop.store.versions import RecordChanged

N = 1200  # three batches of apply.BATCH
Q = Quarter(2026, 1)
HEADER = ["姓名", "证件号码", "职称", "专业", "派出单位", "接收单位", "流动形式", "开始日期",
          "结束日期", "门急诊人次"]  # fmt: skip
LAST = f"新人{N - 1}"


def _rows(visits: int = 1) -> list[list]:
    """``N`` rotations, each of a person new to the register, with the quarter's visits."""
    return [HEADER] + [
        [f"新人{i}", ric(dt.date(1980, 1, 1) + dt.timedelta(days=i // 500), "女", i % 500),
         "主治医师", "内科", "示例县人民医院", "测试村1卫生室", "坐诊/巡诊",
         dt.date(2026, 1, 5), dt.date(2026, 3, 31), visits + i % 3]
        for i in range(N)
    ]  # fmt: skip


@pytest.fixture
def unit_db(lead_db, tmp_path):  # noqa: ANN001, ANN201
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip
    return lead_db


def _import(db, path):  # noqa: ANN001, ANN202
    return import_file(db, "rotations", path, dry_run=False, quarter=Q)


def _changed(db, tmp_path):  # noqa: ANN001, ANN202
    """The database with the ``N`` rows imported, and the same sheet with every row's visits
    changed (a changed quarter row each: the bulk update path)."""
    assert _import(db, write_book(tmp_path / "a.xlsx", _rows())).new == N
    return write_book(tmp_path / "b.xlsx", _rows(visits=5))


@pytest.mark.parametrize("change", [False, True])
def test_the_last_row_refused_by_the_database_leaves_it_as_it_was(
    tmp_path, unit_db, monkeypatch, change
):  # noqa: ANN001
    """The database itself refuses the last row of the last bulk statement (NOT NULL): the
    batches before it, written in the same transaction, are gone with it."""
    path = _changed(unit_db, tmp_path) if change else write_book(tmp_path / "n.xlsx", _rows())
    before = dump(unit_db)
    calls = []
    if change:
        real = bulk_write.update_parts

        def last_bad(session, model, rows):  # noqa: ANN001, ANN202
            calls.append(len(rows))
            if sum(calls) == N:
                rows = [*rows[:-1], (rows[-1][0], {**rows[-1][1], "outpatient": None})]
            return real(session, model, rows)

        monkeypatch.setattr(bulk_write, "update_parts", last_bad)
    else:
        real = bulk_write.insert_rows

        def last_bad(session, model, rows, *, key):  # noqa: ANN001, ANN202
            if model is RotationQuarter:
                calls.append(len(rows))
                if sum(calls) == N:
                    rows = [*rows[:-1], {**rows[-1], "quarter": None}]
            return real(session, model, rows, key=key)

        monkeypatch.setattr(bulk_write, "insert_rows", last_bad)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the driver's IntegrityError
        _import(unit_db, path)
    assert "null" in str(caught.value).lower()
    assert len(calls) == 3 and sum(calls) == N  # the earlier batches were written first
    assert dump(unit_db) == before


@pytest.mark.parametrize("change", [False, True])
def test_a_failure_writing_the_audit_or_at_commit_leaves_the_database_as_it_was(
    tmp_path, unit_db, monkeypatch, change
):  # noqa: ANN001
    path = _changed(unit_db, tmp_path) if change else write_book(tmp_path / "n.xlsx", _rows())
    before = dump(unit_db)
    real = audit.write_entries
    batches = []

    def failing_last(session, rows):  # noqa: ANN001, ANN202
        if any(r["table_name"] == "rotation_quarter" for r in rows):
            batches.append(len(rows))
            if len(batches) == 3:  # the last batch's entries: everything else is written
                real(session, rows[:-1])
                raise OSError("disk full")
        real(session, rows)

    monkeypatch.setattr(audit, "write_entries", failing_last)
    with pytest.raises(OSError, match="disk full"):
        _import(unit_db, path)
    assert len(batches) == 3
    assert dump(unit_db) == before

    # At commit: every row and entry is written, then the commit itself fails.
    monkeypatch.setattr(audit, "write_entries", real)
    if change:
        last = select(RotationQuarter.id).where(RotationQuarter.outpatient == 5 + (N - 1) % 3)
    else:
        last = select(Staff.id).where(Staff.name == LAST)

    def refuse_commit(session) -> None:  # noqa: ANN001
        if session.connection().execute(last).first() is not None:
            raise OSError("commit failed")

    event.listen(unit_db.sessions, "before_commit", refuse_commit)
    try:
        with pytest.raises(OSError, match="commit failed"):
            _import(unit_db, path)
    finally:
        event.remove(unit_db.sessions, "before_commit", refuse_commit)
    assert dump(unit_db) == before
    report = _import(unit_db, path)
    assert (report.changed if change else report.new) == N
    with unit_db.session() as s:
        assert verify_chain(s).ok
        assert s.scalar(select(Staff.id).where(Staff.name == LAST)) is not None


def test_a_rotation_changed_meanwhile_refuses_the_import_and_changes_nothing(
    tmp_path, unit_db, monkeypatch
):  # noqa: ANN001
    """The bulk UPDATE checks each rotation's version as a flush does: one moved on since it
    was read (here: read as older) refuses the whole import as ``RecordChanged`` naming the
    kind, and the batches before it are rolled back."""
    path = _changed(unit_db, tmp_path)
    before = dump(unit_db)
    with unit_db.session() as s:
        newest = s.scalar(select(Rotation.id).order_by(Rotation.id.desc()).limit(1))
    real = rotations_bulk._stored

    def older(session, ids):  # noqa: ANN001, ANN202
        found, extra = real(session, ids)
        if newest in extra:
            version, direction, parts = extra[newest]
            extra[newest] = (version - 1, direction, parts)
        return found, extra

    monkeypatch.setattr(rotations_bulk, "_stored", older)
    with pytest.raises(RecordChanged, match="人员流动"):
        _import(unit_db, path)
    assert dump(unit_db) == before
