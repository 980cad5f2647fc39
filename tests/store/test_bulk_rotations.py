"""``create_rotations`` (used by imports): the problems ``create_rotation`` would raise row by row,
all rows or none, bulk statements, one audit entry per new rotation and quarter row."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import event, select

from tests.store.test_rotations import TODAY, rotation, world  # noqa: F401 - the fixture
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import rotations as store
from ylt_desktop.store import rotations_bulk
from ylt_desktop.store.models import AuditEntry, Rotation, RotationQuarter

D = dt.date


def test_rows_are_inserted_in_bulk_and_audited(db, world) -> None:  # noqa: ANN001, F811
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
        ids = rotations_bulk.create_rotations(s, rows=rows, today=TODAY)
    assert flushes == []  # Core statements (store/bulk_write.py), not the unit of work
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


def test_new_people_and_rotations_write_what_single_creates_in_turn_write(tmp_path) -> None:  # noqa: ANN001
    """The guard of the bulk write (tests/helpers/audit_guard.py) for what a 表2 import of new
    rows does — create_many_staff for the persons new to the register, then create_rotations —
    on random batches (people stored or new, units, forms, dates open or past today, figures;
    full-time postings overlapping, a unit not yet a member, an end before the start): the
    same refusal; else every table's rows and the audit entries (text, order; the log
    replayed gives the rows), chains that verify, as create_staff and create_rotation in
    turn."""
    import random

    from tests.helpers.audit_guard import bulk_against_in_turn
    from tests.helpers.databases import Twins
    from tests.helpers.people import person
    from tests.store.test_bulk_rotation_updates import FORMS, seed
    from ylt_desktop.domain.rotation import QuarterFigures
    from ylt_desktop.store import staff as staff_store
    from ylt_desktop.store.tx import all_or_nothing

    rng = random.Random(9)
    twins = Twins(tmp_path, seed)
    ids, _made = twins.seeded
    units = [ids[k] for k in ("县医院", "中医院", "大树", "青山")]
    stored = {-3: ids["王"], -2: ids["李"], -1: ids["张"]}

    def staff_of(who: int, box: dict) -> int:
        return stored[who] if who < 0 else box[who]

    outcomes = []
    for trial in range(30):
        dbs = twins.pair(f"g{trial}")
        people = [
            person(rng.choice(units[:3]), name=f"新人{n}", seq=20 + n,
                   birth=D(1990, 1, 1 + trial % 28))
            for n in range(rng.randint(0, 3))
        ]  # fmt: skip
        rows = []
        for _ in range(rng.randint(1, 6)):
            who = rng.randrange(-3, len(people)) if people else rng.randrange(-3, 0)
            start = D(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 560))
            end = None if rng.random() < 0.15 else start + dt.timedelta(days=rng.randint(-5, 150))
            data = rotation(
                ids, staff_id=who, from_id=rng.choice(units), to_id=rng.choice(units),
                form=rng.choice(FORMS), start=start, end=end,
            )  # fmt: skip
            if rng.random() < 0.4:
                key = f"{start.year}Q{(start.month - 1) // 3 + 1}"
                data.quarters[key] = QuarterFigures(None, outpatient=rng.randint(0, 30))
            rows.append((data, rng.choice(["", " 备注 "])))

        def bulk(s, people=people, rows=rows):  # noqa: ANN001, ANN202
            with all_or_nothing(s):
                made = staff_store.create_many_staff(s, rows=people)
                box = {n: getattr(m, "id", m) for n, m in enumerate(made)}
                fixed = [(dataclasses.replace(d, staff_id=staff_of(d.staff_id, box)), note)
                         for d, note in rows]  # fmt: skip
                try:
                    rotations_bulk.create_rotations(s, rows=fixed, today=TODAY)
                except RuleViolation as exc:
                    exc.row += len(people)
                    raise

        box: dict[int, int] = {}

        def one_person(s, n: int, p=None, box=box) -> None:  # noqa: ANN001
            box[n] = staff_store.create_staff(s, data=p).id

        def one_rotation(s, d=None, note="", box=box) -> None:  # noqa: ANN001
            fixed = dataclasses.replace(d, staff_id=staff_of(d.staff_id, box))
            store.create_rotation(s, data=fixed, note=note, today=TODAY)

        singles = [lambda s, n=n, p=p: one_person(s, n, p) for n, p in enumerate(people)]
        singles += [lambda s, d=d, note=note: one_rotation(s, d, note) for d, note in rows]
        by_bulk, by_one = bulk_against_in_turn(dbs, bulk, singles)
        assert by_bulk == by_one, (people, rows)
        outcomes.append(by_bulk is None)
        for x in dbs:
            x.close()
    assert 5 <= outcomes.count(True) <= 25, outcomes  # both outcomes are exercised
