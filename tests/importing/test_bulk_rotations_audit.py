"""The 表2 import's bulk path (new people, new and changed rotations with their quarter rows,
written with Core statements and the audit entries a flush would write): all or nothing when
it fails late — the database refusing the last row of the last batch, the audit write of the
last batch, the commit — and a stale write refused as ``RecordChanged``, rolled back. Both
engines (``db`` is parametrized)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.helpers import bulk_import_failures as failures
from tests.helpers.people import ric
from tests.importing.conftest import INST_HEADER, dump, village, write_book
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import import_file
from ylt_desktop.store import rotations_bulk
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
    if change:
        spoil = lambda row: (row[0], {**row[1], "outpatient": None})  # noqa: E731
    else:
        spoil = lambda row: {**row, "quarter": None}  # noqa: E731
    failures.last_row_refused(unit_db, lambda: _import(unit_db, path), monkeypatch, n=N,
                              model=RotationQuarter, change=change, spoil=spoil)  # fmt: skip


@pytest.mark.parametrize("change", [False, True])
def test_a_failure_writing_the_audit_or_at_commit_leaves_the_database_as_it_was(
    tmp_path, unit_db, monkeypatch, change
):  # noqa: ANN001
    path = _changed(unit_db, tmp_path) if change else write_book(tmp_path / "n.xlsx", _rows())
    if change:
        last = select(RotationQuarter.id).where(RotationQuarter.outpatient == 5 + (N - 1) % 3)
    else:
        last = select(Staff.id).where(Staff.name == LAST)
    failures.audit_or_commit_failure(
        unit_db, lambda: _import(unit_db, path), monkeypatch, n=N, change=change,
        table="rotation_quarter", last=last, written=select(Staff.id).where(Staff.name == LAST),
    )  # fmt: skip


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
