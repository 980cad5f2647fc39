"""``create_rotations`` (used by imports): the problems ``create_rotation`` would raise row by row,
all rows or none, one flush, one audit entry per new rotation and quarter row."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from tests.store.test_rotations import TODAY, rotation, world  # noqa: F401 - the fixture
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import rotations as store
from ylt_desktop.store import rotations_bulk
from ylt_desktop.store.models import AuditEntry, Rotation, RotationQuarter

D = dt.date


def test_rows_are_inserted_with_one_flush_and_audited(db, world) -> None:  # noqa: ANN001, F811
    rows = [
        (rotation(world, form="坐诊/巡诊", start=D(2025, 1, 6 + n), end=D(2025, 1, 6 + n)), "")
        for n in range(5)
    ] + [
        (
            rotation(world, staff_id=world["李"], from_id=world["大树"], to_id=world["青山"]),
            " 备注 ",
        )
    ]
    flushes = []
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(len(s.new)))
    with db.session() as s:
        made = rotations_bulk.create_rotations(s, rows=rows, today=TODAY)
        ids = [r.id for r in made]
    assert len(flushes) == 1
    with db.session() as s:
        stored = {r.id: r for r in s.scalars(select(Rotation))}
        assert sorted(stored) == sorted(ids)
        assert stored[ids[-1]].note == "备注" and stored[ids[0]].direction
        audited = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "rotation")).all()
        assert sorted(int(e.record_id) for e in audited) == sorted(ids)
        quarters = s.scalars(select(RotationQuarter)).all()
        audited_q = s.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "rotation_quarter")
        ).all()
        assert len(audited_q) == len(quarters) > 0


@pytest.mark.parametrize(
    "bad",
    [
        {"staff_id": 9999},  # no such person
        {"to_id": 9999},  # not a member
        {"start": D(2025, 3, 1), "end": D(2025, 3, 31)},  # overlaps the first row (full time)
        {"end": D(2025, 1, 1)},  # ends before it starts
    ],
)
def test_a_bad_row_refuses_all_with_the_single_record_problems(db, world, bad) -> None:  # noqa: ANN001, F811
    first = rotation(world)
    row = rotation(world, **bad)
    with db.session() as s:
        with pytest.raises(RuleViolation) as caught:
            rotations_bulk.create_rotations(s, rows=[(first, ""), (row, "")], today=TODAY)
        assert caught.value.row == 1
        store.create_rotation(s, data=first, today=TODAY)
        with pytest.raises(RuleViolation) as alone:
            store.create_rotation(s, data=row, today=TODAY)
        assert caught.value.problems == alone.value.problems
    with db.session() as s:
        assert len(s.scalars(select(Rotation)).all()) == 1  # only the one made alone


def test_a_locked_quarter_is_refused_as_alone(db, world) -> None:  # noqa: ANN001, F811
    from ylt_desktop.store.quarters import submit_quarter

    with db.session() as s:
        submit_quarter(s, quarter="2025Q1", by="审核人甲")
        row = rotation(world, form="坐诊/巡诊")
        with pytest.raises(RuleViolation) as caught:
            rotations_bulk.create_rotations(s, rows=[(row, "")], today=TODAY)
        with pytest.raises(RuleViolation) as alone:
            store.create_rotation(s, data=row, today=TODAY)
        assert caught.value.problems == alone.value.problems
