"""update_institutions (used by imports of changed rows): the rules of update_institution,
applied as if row by row, all rows or none, bulk statements, one audit entry per changed
record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest
from sqlalchemy import event, select

from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import institutions as store
from ylt_desktop.store import institutions_bulk as inst_bulk
from ylt_desktop.store.models import AuditEntry, Institution


def uscc(n: int) -> str:
    return make_uscc("12", "360428", f"{n:08d}")


def village(n: int, **kw) -> InstitutionData:  # noqa: ANN003
    values = dict(name=f"更新村{n}卫生室", division="360428", category="村卫生室",
                  joined=dt.date(2024, 1, 1))  # fmt: skip
    values.update(kw)
    return InstitutionData(**values)


def seed(db, n: int = 6) -> list[int]:  # noqa: ANN001
    with db.session() as s:
        lead = store.create_institution(
            s, data=village(0, uscc=uscc(0), role="牵头单位", category="综合医院", level="二级甲等")
        )
        rest = inst_bulk.create_institutions(
            s, rows=[village(i, uscc=uscc(i)) for i in range(1, n)]
        )
        return [lead.id, *rest]


def state(db) -> list[tuple]:  # noqa: ANN001
    with db.session() as s:
        rows = s.scalars(select(Institution).order_by(Institution.id))
        return [(x.id, x.name, x.uscc, x.role, x.beds_actual) for x in rows]


def test_changed_rows_are_written_in_bulk_with_one_audit_entry_each(db) -> None:  # noqa: ANN001
    ids = seed(db)
    flushes = []
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(len(s.dirty)))
    pairs = [(i, village(n, uscc=uscc(n), beds_actual=n + 10)) for n, i in enumerate(ids) if n]
    with db.session() as s:
        inst_bulk.update_institutions(s, rows=pairs)
    assert flushes == []  # Core statements (store/bulk_write.py), not the unit of work
    with db.session() as s:
        updates = s.scalars(select(AuditEntry).where(AuditEntry.action == "update")).all()
    assert sorted(int(e.record_id) for e in updates) == sorted(i for i, _ in pairs)
    assert {json.loads(e.new_values)["beds_actual"] for e in updates} == {11, 12, 13, 14, 15}


def test_names_and_codes_may_move_between_rows_in_turn(db) -> None:  # noqa: ANN001
    ids = seed(db, 4)
    # Row 1 frees 更新村1's name and code, row 2 takes them: fine in this order ...
    pairs = [(ids[1], village(9, uscc=uscc(9))), (ids[2], village(1, uscc=uscc(1)))]
    with db.session() as s:
        inst_bulk.update_institutions(s, rows=pairs)
    names = {i: name for i, name, *_ in state(db)}
    assert names[ids[1]] == "更新村9卫生室" and names[ids[2]] == "更新村1卫生室"
    # ... but not the other way round: the first row would clash with the stored record.
    before = state(db)
    with db.session() as s, pytest.raises(RuleViolation) as caught:
        inst_bulk.update_institutions(s, rows=[(ids[3], village(1)), (ids[2], village(8))])
    assert caught.value.row == 0
    assert [p.field for p in caught.value.problems if p.is_error] == ["name"]
    assert state(db) == before


@pytest.mark.parametrize(
    ("make_rows", "field", "row"),
    [
        (lambda ids: [(ids[1], village(21)), (ids[2], village(2, uscc=uscc(3)))], "uscc", 1),
        (lambda ids: [(ids[1], village(1, role="牵头单位"))], "role", 0),
        (lambda ids: [(ids[1], village(1)), (ids[2], village(2, category=""))], "category", 1),
        (lambda ids: [(ids[1], village(1)), (ids[-1] + 99, village(50))], "name", 1),  # deleted
        (lambda ids: [(ids[1], village(30)), (ids[2], village(30))], "name", 1),  # rows clash
    ],
)
def test_any_bad_row_refuses_all_rows(db, make_rows, field, row) -> None:  # noqa: ANN001
    ids = seed(db)
    before = state(db)
    with db.session() as s, pytest.raises(RuleViolation) as caught:
        inst_bulk.update_institutions(s, rows=make_rows(ids))
    assert field in {p.field for p in caught.value.problems if p.is_error}
    assert caught.value.row == row
    assert state(db) == before


def test_the_lead_may_pass_from_one_row_to_another(db) -> None:  # noqa: ANN001
    ids = seed(db, 3)
    lead = dict(role="牵头单位", category="综合医院", level="二级甲等")
    pairs = [(ids[0], village(0, uscc=uscc(0))), (ids[1], village(1, uscc=uscc(1), **lead))]
    with db.session() as s:
        inst_bulk.update_institutions(s, rows=pairs)
    assert [role for _, _, _, role, _ in state(db)] == ["成员单位", "牵头单位", "成员单位"]


def test_same_outcome_as_single_updates_in_turn(db, tmp_path) -> None:  # noqa: ANN001
    """Random batches of renames, code moves and lead changes: the bulk command accepts exactly
    when updating row by row would, and then leaves the same records."""
    from tests.helpers.databases import Twins
    from ylt_desktop.store.tx import all_or_nothing

    rng = random.Random(20261127)
    outcomes = []
    twins = Twins(tmp_path, lambda x: seed(x, 6))
    ids = twins.seeded
    for trial in range(40):
        dbs = twins.pair(str(trial))
        pairs = []
        for _ in range(rng.randint(1, 5)):
            n = rng.randint(0, 24)  # names and codes 0-5 are stored, so some rows clash
            data = village(n, uscc=uscc(rng.randint(0, 24)) if rng.random() < 0.7 else "")
            if rng.random() < 0.1:
                data = dataclasses.replace(
                    data, role="牵头单位", category="综合医院", level="二级甲等"
                )
            pairs.append((rng.choice(ids), data))
        with dbs[0].session() as s:
            try:
                inst_bulk.update_institutions(s, rows=pairs)
                bulk_ok = True
            except RuleViolation:
                bulk_ok = False
        with dbs[1].session() as s:
            try:
                with all_or_nothing(s):
                    for inst_id, data in pairs:
                        store.update_institution(s, institution_id=inst_id, data=data)
                single_ok = True
            except RuleViolation:
                single_ok = False
        assert bulk_ok == single_ok, pairs
        assert state(dbs[0]) == state(dbs[1]), pairs
        outcomes.append(bulk_ok)
        for x in dbs:
            x.close()
    assert 5 <= outcomes.count(True) <= 35  # both outcomes are exercised


@pytest.mark.parametrize("bulk", [False, True])
def test_a_units_new_level_rederives_its_rotations_direction(db, bulk) -> None:  # noqa: ANN001
    """流动方向 is stored when a rotation is saved; correcting a unit's level or category must
    re-derive it (the list, the command line and the return read it), audited."""
    from tests.helpers.people import add_person, consortium
    from ylt_desktop.domain.rotation import RotationData
    from ylt_desktop.store import rotations as rotation_store
    from ylt_desktop.store.models import Rotation

    with db.session() as s:
        ids = consortium(s)
        person = add_person(s, ids["县医院"])
        rot = rotation_store.create_rotation(
            s,
            data=RotationData(staff_id=person, from_id=ids["县医院"], to_id=ids["大树"],
                              form="派驻", start=dt.date(2025, 2, 10), end=dt.date(2025, 5, 9)),
            today=dt.date(2026, 5, 20),
        ).id  # fmt: skip
        other = rotation_store.create_rotation(
            s,
            data=RotationData(staff_id=person, from_id=ids["县医院"], to_id=ids["青山"],
                              form="派驻", start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 30)),
            today=dt.date(2026, 5, 20),
        ).id  # fmt: skip
        assert s.get(Rotation, rot).direction == "下沉"
        data = store.to_data(s.get(Institution, ids["大树"]))
    data.category, data.level = "综合医院", "三级甲等"  # the township centre was mis-entered
    with db.session() as s:
        if bulk:
            inst_bulk.update_institutions(s, rows=[(ids["大树"], data)])
        else:
            store.update_institution(s, institution_id=ids["大树"], data=data)
    with db.session() as s:
        assert s.get(Rotation, rot).direction == "上派"
        assert s.get(Rotation, other).direction == "下沉"  # another unit: untouched
        audited = s.scalars(
            select(AuditEntry).where(AuditEntry.table_name == "rotation",
                                     AuditEntry.action == "update")
        ).all()  # fmt: skip
    assert [int(e.record_id) for e in audited] == [rot]
    assert json.loads(audited[0].new_values)["direction"] == "上派"


def staff_state(db) -> list[tuple]:  # noqa: ANN001
    from ylt_desktop.store.models import Staff

    with db.session() as s:
        rows = s.scalars(select(Staff).order_by(Staff.id))
        return [(x.id, x.name, x.id_number, x.title, x.home_id) for x in rows]


def test_staff_updates_match_single_updates_in_turn(tmp_path) -> None:  # noqa: ANN001
    """update_many_staff accepts exactly when update_staff row by row would, leaves the same
    register, and writes with one flush; ID numbers may move between people in turn."""
    from tests.helpers.databases import Twins
    from tests.helpers.people import consortium, person, ric
    from ylt_desktop.store import staff as staff_store
    from ylt_desktop.store.tx import all_or_nothing

    rng = random.Random(11)
    numbers = [ric(dt.date(1980, 1, 1), "男", n) for n in range(12)]
    outcomes = []

    def register(x):  # noqa: ANN001, ANN202
        with x.session() as s:
            home = consortium(s)["县医院"]
            ids = [staff_store.create_staff(s, data=dataclasses.replace(
                person(home, name=f"人员{n}"), id_number=numbers[n])).id for n in range(4)]  # fmt: skip
        return home, ids

    twins = Twins(tmp_path, register)
    home, ids = twins.seeded
    for trial in range(30):
        dbs = twins.pair(f"s{trial}")
        pairs = []
        for _ in range(rng.randint(1, 4)):
            data = dataclasses.replace(
                person(home, name=f"改名{rng.randint(0, 9)}"),
                id_number=numbers[rng.randint(0, 11)],
                home_id=home if rng.random() < 0.9 else home + 99,
            )
            pairs.append((rng.choice(ids) if rng.random() < 0.95 else ids[-1] + 50, data))
        flushes = []
        event.listen(dbs[0].sessions, "after_flush", lambda s, _ctx, f=flushes: f.append(1))
        with dbs[0].session() as s:
            try:
                staff_store.update_many_staff(s, rows=pairs)
                bulk = None
            except RuleViolation as exc:
                bulk = exc.problems
        with dbs[1].session() as s:
            try:
                with all_or_nothing(s):
                    for staff_id, data in pairs:
                        staff_store.update_staff(s, staff_id=staff_id, data=data)
                one = None
            except RuleViolation as exc:
                one = exc.problems
        assert bulk == one, pairs  # the same refusal, with the same message
        assert staff_state(dbs[0]) == staff_state(dbs[1]), pairs
        # One flush, plus one before each row that takes a number an earlier row gave up.
        assert (1 <= len(flushes) <= len(pairs)) if bulk is None else flushes == []
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 5 <= outcomes.count(True) <= 25  # both outcomes are exercised


def test_a_name_or_code_may_move_to_a_lower_id(db) -> None:  # noqa: ANN001
    """The higher id gives its name and code up, the lower id takes them: fine row by row, so
    fine in bulk (the UPDATEs must reach SQLite's UNIQUE checks in that order)."""
    ids = seed(db, 4)
    pairs = [(ids[2], village(9, uscc=uscc(9))), (ids[1], village(2, uscc=uscc(2)))]
    with db.session() as s:
        inst_bulk.update_institutions(s, rows=pairs)
    got = {i: (name, code) for i, name, code, *_ in state(db)}
    assert got[ids[1]] == ("更新村2卫生室", uscc(2)) and got[ids[2]] == ("更新村9卫生室", uscc(9))


def test_an_id_number_may_move_to_a_lower_id(db) -> None:  # noqa: ANN001
    from tests.helpers.people import consortium, person, ric
    from ylt_desktop.store import staff as staff_store

    numbers = [ric(dt.date(1980, 1, 1), "男", n) for n in range(3)]
    with db.session() as s:
        home = consortium(s)["县医院"]
        ids = [staff_store.create_staff(s, data=dataclasses.replace(
            person(home, name=f"人员{n}"), id_number=numbers[n])).id for n in range(2)]  # fmt: skip
    pairs = [(ids[1], dataclasses.replace(person(home, name="人员1"), id_number=numbers[2])),
             (ids[0], dataclasses.replace(person(home, name="人员0"), id_number=numbers[1]))]  # fmt: skip
    with db.session() as s:
        staff_store.update_many_staff(s, rows=pairs)
    assert [number for _, _, number, _, _ in staff_state(db)] == [numbers[1], numbers[2]]


def test_a_refused_batch_changes_nothing_inside_an_outer_transaction(db) -> None:  # noqa: ANN001
    """Rows are checked before any is applied: the caller's transaction, if it goes on and
    commits, writes none of the batch."""
    from ylt_desktop.store.tx import all_or_nothing

    ids = seed(db, 4)
    before = state(db)
    with db.session() as s, all_or_nothing(s):
        with pytest.raises(RuleViolation):
            inst_bulk.update_institutions(
                s, rows=[(ids[1], village(21, beds_actual=9)), (ids[2], village(3))]
            )
        assert not s.dirty
    assert state(db) == before


def test_staff_updates_write_the_rows_and_audit_entries_of_single_updates_in_turn(
    tmp_path,
) -> None:  # noqa: ANN001
    """The guard of the bulk write (tests/helpers/audit_guard.py) for update_many_staff on
    random batches (each person once, as an import has them; names, titles, homes, ID numbers
    moving between people in either id order, a person deleted meanwhile): the same refusal;
    else every table's rows, versions moved once, the audit entries (text, each record's in
    order, the log replayed gives the rows) and chains that verify, as update_staff in turn."""
    from tests.helpers.audit_guard import bulk_against_in_turn
    from tests.helpers.databases import Twins
    from tests.helpers.people import consortium, person, ric
    from ylt_desktop.store import staff as staff_store

    rng = random.Random(12)
    numbers = [ric(dt.date(1980, 1, 1), "男", n) for n in range(10)]

    def register(x):  # noqa: ANN001, ANN202
        with x.session() as s:
            ids = consortium(s)
            made = [staff_store.create_staff(s, data=dataclasses.replace(
                person(ids["县医院"], name=f"人员{n}"), id_number=numbers[n])).id
                for n in range(5)]  # fmt: skip
        return ids, made

    twins = Twins(tmp_path, register)
    units, ids = twins.seeded
    outcomes = []
    for trial in range(30):
        dbs = twins.pair(f"g{trial}")
        pairs = []
        for staff_id in rng.sample(ids, rng.randint(1, 5)):
            data = dataclasses.replace(
                person(rng.choice(list(units.values())), name=f"人员{rng.randint(0, 6)}",
                       title=rng.choice(["主治医师", "医师", "主任医师"])),
                id_number=numbers[rng.randint(0, 9)],
            )  # fmt: skip
            if rng.random() < 0.05:
                data = dataclasses.replace(data, home_id=max(units.values()) + 9)
            pairs.append((staff_id if rng.random() < 0.95 else ids[-1] + 50, data))
        bulk, one = bulk_against_in_turn(
            dbs,
            lambda s, pairs=pairs: staff_store.update_many_staff(s, rows=pairs),
            [lambda s, p=p: staff_store.update_staff(s, staff_id=p[0], data=p[1])
             for p in pairs],
        )  # fmt: skip
        assert bulk == one, pairs
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 5 <= outcomes.count(True) <= 25, outcomes  # both outcomes are exercised
