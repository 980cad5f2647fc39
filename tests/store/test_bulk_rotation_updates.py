"""update_rotations (imports of changed 表2 rows): the rules of update_rotation as if applied
row by row (overlaps, membership, locks), all or nothing, bulk statements, audited alike."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re

import pytest
from sqlalchemy import event, select

from tests.helpers.audit_guard import bulk_against_in_turn
from tests.helpers.bulk import bulk_and_in_turn
from tests.helpers.databases import Twins
from tests.helpers.people import add_person, small_world
from ylt_desktop.domain.periods import Quarter, touches
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotations as store
from ylt_desktop.store import rotations_bulk
from ylt_desktop.store.models import AuditEntry, Rotation, RotationQuarter
from ylt_desktop.store.quarters import submit_quarter
from ylt_desktop.store.tx import all_or_nothing

D = dt.date
TODAY = D(2026, 5, 20)
FORMS = ("派驻", "坐诊/巡诊", "带教/查房", "进修学习")


def seed(db) -> tuple[dict, list[int]]:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        ids["张"] = add_person(s, ids["县医院"], name="张三", seq=3)
        made = []
        for n, (who, start) in enumerate([("王", D(2025, 1, 6)), ("王", D(2025, 6, 2)),
                                          ("李", D(2025, 3, 3)), ("张", D(2025, 9, 1))]):  # fmt: skip
            home = "县医院" if who != "李" else "大树"
            other = "大树" if home == "县医院" else "县医院"
            data = RotationData(staff_id=ids[who], from_id=ids[home], to_id=ids[other],
                                form=FORMS[n % 2], start=start, end=start + dt.timedelta(days=40))  # fmt: skip
            made.append(store.create_rotation(s, data=data, today=TODAY).id)
    return ids, made


def state(db) -> list[tuple]:  # noqa: ANN001
    with db.session() as s:
        rows = s.scalars(select(Rotation).order_by(Rotation.id)).all()
        quarters = s.execute(
            select(RotationQuarter.rotation_id, RotationQuarter.quarter, RotationQuarter.days,
                   RotationQuarter.outpatient).order_by(RotationQuarter.rotation_id,
                                                        RotationQuarter.quarter)
        ).all()  # fmt: skip
        return [(r.id, r.staff_id, r.from_id, r.to_id, r.form, r.direction, r.start, r.end,
                 r.note) for r in rows] + [tuple(q) for q in quarters]  # fmt: skip


def audit_trail(db) -> list[tuple]:  # noqa: ANN001
    """Every entry without its time stamps (the two databases are built seconds apart)."""
    stamp = re.compile(r'"(created_at|updated_at)": "[^"]*"')
    with db.session() as s:
        return [(e.action, e.table_name, e.record_id, stamp.sub("", e.old_values or ""),
                 stamp.sub("", e.new_values or ""))
                for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]  # fmt: skip


def test_changed_figures_are_written_in_bulk(db) -> None:  # noqa: ANN001
    _ids, made = seed(db)
    with db.session() as s:
        rows = []
        for rid in made:
            d = store.to_data(store.get_rotation(s, rid))
            for key in d.quarters:
                d.quarters[key] = QuarterFigures(d.quarters[key].days, outpatient=7)
            rows.append((rid, d, "已核对"))
    flushes = []
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(1))
    with db.session() as s:
        rotations_bulk.update_rotations(s, rows=rows, today=TODAY)
    assert flushes == []  # Core statements (store/bulk_write.py), not the unit of work
    with db.session() as s:
        assert {q.outpatient for q in s.scalars(select(RotationQuarter))} == {7}
        assert {r.note for r in s.scalars(select(Rotation))} == {"已核对"}


def test_a_refused_batch_changes_nothing_inside_an_outer_transaction(db) -> None:  # noqa: ANN001
    ids, made = seed(db)
    before = state(db)
    with db.session() as s, all_or_nothing(s):
        good = dataclasses.replace(store.to_data(store.get_rotation(s, made[0])), form="带教/查房")
        bad = dataclasses.replace(store.to_data(store.get_rotation(s, made[1])), end=D(2024, 1, 1))
        with pytest.raises(RuleViolation) as caught:
            rotations_bulk.update_rotations(s, rows=[(made[0], good, None), (made[1], bad, None)],
                                   today=TODAY)  # fmt: skip
        assert caught.value.row == 1 and not s.dirty
    assert state(db) == before


def random_batch(rng: random.Random, ids: dict, made: list[int], current: dict) -> list[tuple]:
    """Changed rows for ``update_rotations``: new dates, forms, people, units, figures (full-time
    postings may overlap; a quarter may be locked), now and then a rotation deleted meanwhile."""
    chosen = rng.sample(made, rng.randint(1, len(made)))
    rows = []
    for rid in chosen:
        d = dataclasses.replace(current[rid], quarters=dict(current[rid].quarters))
        roll = rng.random()
        if roll < 0.3:
            d.start = d.start + dt.timedelta(days=rng.randint(-60, 60))
            d.end = d.start + dt.timedelta(days=rng.randint(0, 120))
            if rng.random() < 0.5:  # the quarters the new dates leave go, as a form drops them
                d.quarters = {k: v for k, v in d.quarters.items()
                              if touches(d.start, d.end, Quarter.parse(k))}  # fmt: skip
        elif roll < 0.45:
            d.form = rng.choice(FORMS)
        elif roll < 0.55:
            d.staff_id = ids[rng.choice(["王", "李", "张"])]
        elif roll < 0.65:
            d.to_id = ids[rng.choice(["大树", "青山", "中医院"])]
        else:
            for key in d.quarters:
                d.quarters[key] = QuarterFigures(d.quarters[key].days,
                                                 outpatient=rng.randint(0, 9))  # fmt: skip
        rows.append((rid, d, rng.choice([None, "改"])))
    if rng.random() < 0.1:
        rows.append((made[-1] + 100, rows[0][1], None))  # deleted meanwhile
    return rows


def test_same_outcome_as_single_updates_in_turn(tmp_path) -> None:  # noqa: ANN001
    """Random batches (new dates, forms, people, units, figures; overlaps of full-time
    postings; a locked quarter; a deleted rotation): the bulk command accepts exactly when
    update_rotation row by row would, with the same problems, and leaves the same records,
    audited."""
    rng = random.Random(5)
    outcomes = []
    twins = Twins(tmp_path, seed)
    ids, made = twins.seeded
    for trial in range(40):
        dbs = twins.pair(str(trial))
        for x in dbs:
            if trial % 4 == 0:
                with x.session() as s:
                    submit_quarter(s, quarter="2025Q3", by="审核人")
        with dbs[0].session() as s:
            current = {rid: store.to_data(store.get_rotation(s, rid)) for rid in made}
        rows = random_batch(rng, ids, made, current)
        bulk, one = bulk_and_in_turn(
            *dbs,
            lambda s, rows=rows: rotations_bulk.update_rotations(s, rows=rows, today=TODAY),
            [lambda s, r=r: store.update_rotation(s, rotation_id=r[0], data=r[1], note=r[2],
                                                  today=TODAY) for r in rows],
        )  # fmt: skip
        assert bulk == one, rows
        assert state(dbs[0]) == state(dbs[1]), rows
        # The same records changed (row by row, an autoflush inside update_rotation can split
        # one record's change into two entries; the bulk writes one).
        touched = [{(a, t, r) for a, t, r, _old, _new in audit_trail(x)} for x in dbs]
        assert touched[0] == touched[1], rows
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 8 <= outcomes.count(True) <= 32, outcomes  # both outcomes are exercised


def _both_ways(tmp_path, name: str, change) -> tuple:  # noqa: ANN001, ANN202
    """Apply ``change(made, current) -> rows`` in bulk and row by row on twin databases; each
    side's refused error fields, or None when it wrote."""
    twins = Twins(tmp_path, seed)
    _ids, made = twins.seeded
    dbs = twins.pair(name)
    with dbs[0].session() as s:
        rows = change(made, {rid: store.to_data(store.get_rotation(s, rid)) for rid in made})
    results = bulk_and_in_turn(
        *dbs,
        lambda s: rotations_bulk.update_rotations(s, rows=rows, today=TODAY),
        [lambda s, r=r: store.update_rotation(s, rotation_id=r[0], data=r[1], note=r[2],
                                              today=TODAY) for r in rows],
    )  # fmt: skip
    for x in dbs:
        x.close()
    return tuple(None if r is None else [p.field for p in r[1] if p.is_error] for r in results)


def test_a_posting_moved_earlier_in_the_batch_is_seen_by_a_later_row(tmp_path) -> None:  # noqa: ANN001
    """王's first posting moves onto the dates of his second rotation, which then becomes a
    full-time posting too: the second row overlaps the first row's new dates."""

    def change(made, cur):  # noqa: ANN001, ANN202
        moved = dataclasses.replace(cur[made[0]], start=D(2025, 6, 1), end=D(2025, 7, 1),
                                    quarters={})  # fmt: skip
        posted = dataclasses.replace(cur[made[1]], form="派驻", quarters={})
        return [(made[0], moved, None), (made[1], posted, None)]

    bulk, one = _both_ways(tmp_path, "moved", change)
    assert bulk == one and bulk is not None and "start" in bulk


def test_dates_freed_earlier_in_the_batch_may_be_taken_by_a_later_row(tmp_path) -> None:  # noqa: ANN001
    """王's first posting moves away; his second rotation becomes a posting on its old dates."""

    def change(made, cur):  # noqa: ANN001, ANN202
        away = dataclasses.replace(cur[made[0]], start=D(2025, 9, 1), end=D(2025, 9, 30),
                                   quarters={})  # fmt: skip
        taken = dataclasses.replace(cur[made[1]], form="派驻", start=D(2025, 1, 10),
                                    end=D(2025, 2, 1), quarters={})  # fmt: skip
        return [(made[0], away, None), (made[1], taken, None)]

    assert _both_ways(tmp_path, "freed", change) == (None, None)


def test_one_rotation_twice_in_a_batch_is_refused_before_anything_is_written(db) -> None:  # noqa: ANN001
    _ids, made = seed(db)
    before = state(db)
    with db.session() as s:
        d = store.to_data(store.get_rotation(s, made[0]))
        with pytest.raises(ValueError, match="once in a batch"):
            rotations_bulk.update_rotations(s, rows=[(made[0], d, "甲"), (made[0], d, "乙")],
                                            today=TODAY)  # fmt: skip
    assert state(db) == before


def test_same_rows_and_audit_entries_as_single_updates_in_turn(tmp_path) -> None:  # noqa: ANN001
    """The guard of the bulk write (tests/helpers/audit_guard.py) on the random batches above:
    the same refusal; else every table's rows, every version moved once per changed rotation,
    the audit entries (text; inserts and deletes in order, each record's updates in order;
    the log replayed gives the rows stored) and chains that verify — as update_rotation row by
    row writes them; and in bulk, in one flush's order."""
    rng = random.Random(7)
    outcomes = []
    twins = Twins(tmp_path, seed)
    ids, made = twins.seeded
    for trial in range(30):
        dbs = twins.pair(f"g{trial}")
        if trial % 4 == 0:
            for x in dbs:
                with x.session() as s:
                    submit_quarter(s, quarter="2025Q3", by="审核人")
        with dbs[0].session() as s:
            current = {rid: store.to_data(store.get_rotation(s, rid)) for rid in made}
        rows = random_batch(rng, ids, made, current)
        bulk, one = bulk_against_in_turn(
            dbs,
            lambda s, rows=rows: rotations_bulk.update_rotations(s, rows=rows, today=TODAY),
            [lambda s, r=r: store.update_rotation(s, rotation_id=r[0], data=r[1], note=r[2],
                                                  today=TODAY) for r in rows],
            one_flush=True,
        )  # fmt: skip
        assert bulk == one, rows
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 6 <= outcomes.count(True) <= 24, outcomes  # both outcomes are exercised
