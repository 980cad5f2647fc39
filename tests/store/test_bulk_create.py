"""Bulk create commands (used by imports): the single-record rules, all rows or none, bulk
statements, and one audit entry per new record in the same transaction."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import event, select

from tests.helpers.people import ric
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.store import institutions as store
from ylt_desktop.store import institutions_bulk as inst_bulk
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import AuditEntry, Institution
from ylt_desktop.store.tx import all_or_nothing

USCC = make_uscc("12", "360428", "12345678")


def hospital(n: int) -> InstitutionData:
    return village(n, uscc=USCC, category="综合医院", level="二级甲等")


def village(n: int, **kw) -> InstitutionData:  # noqa: ANN003
    values = dict(name=f"批量村{n}卫生室", division="360428", category="村卫生室",
                  joined=dt.date(2024, 1, 1))  # fmt: skip
    values.update(kw)
    return InstitutionData(**values)


def test_rows_are_inserted_in_bulk_with_one_audit_entry_each(db) -> None:  # noqa: ANN001
    flushes = []
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(len(s.new)))
    with db.session() as s:
        ids = inst_bulk.create_institutions(s, rows=[village(n) for n in range(50)])
    assert flushes == []  # Core statements (store/bulk_write.py), not the unit of work
    with db.session() as s:
        assert store.count_institutions(s) == 50
        inserts = list(s.scalars(select(AuditEntry).where(AuditEntry.action == "insert")))
    levels = [e for e in inserts if e.table_name == "institution_level"]
    assert sorted(json.loads(e.new_values)["institution_id"] for e in levels) == sorted(ids)
    inserts = [e for e in inserts if e.table_name != "institution_level"]
    assert sorted(int(e.record_id) for e in inserts) == sorted(ids)
    assert {e.table_name for e in inserts} == {"institution"}
    names = {json.loads(e.new_values)["name"] for e in inserts}
    assert names == {f"批量村{n}卫生室" for n in range(50)}


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([village(1), village(2), village(1)], "name"),  # the file clashes with itself
        ([village(2), village(0)], "name"),  # a stored name
        ([village(5), hospital(3)], "uscc"),  # a stored code
        ([village(4, category="")], "category"),  # a domain rule
    ],
)
def test_any_bad_row_refuses_all_rows(db, rows, field) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_institution(s, data=village(0))
        store.create_institution(s, data=hospital(8))
    with db.session() as s:
        with pytest.raises(RuleViolation) as caught:
            inst_bulk.create_institutions(s, rows=rows)
        assert field in {p.field for p in caught.value.problems if p.is_error}
        assert caught.value.row == len(rows) - 1
    with db.session() as s:
        assert store.count_institutions(s) == 2


def test_joins_an_outer_transaction_and_rolls_back_with_it(db) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(OSError), all_or_nothing(s):
        inst_bulk.create_institutions(s, rows=[village(n) for n in range(5)])
        assert s.scalar(select(Institution.id).limit(1)) is not None  # flushed, not committed
        raise OSError("disk full")
    with db.session() as s:
        assert store.count_institutions(s) == 0
        assert s.scalar(select(AuditEntry.id).limit(1)) is None


def test_check_institutions_matches_the_single_record_check(db) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_institution(s, data=village(0))
        rows = [village(0), village(1), village(1, role="牵头单位"), village(2, beds_actual=-1)]
        bulk = inst_bulk.check_institutions(s, rows)
        for data, problems in zip(rows[:1] + rows[3:], bulk[:1] + bulk[3:], strict=True):
            assert problems == store.check_institution(s, data)
        assert [p.field for p in bulk[2] if p.is_error] == ["name"]  # the earlier row's name


def person(n: int, home: int | None, **kw) -> StaffData:  # noqa: ANN003
    values = dict(name=f"批量{n}", sex="女", id_number=ric(dt.date(1990, 1, 1), "女", n),
                  title="主治医师", home_id=home)  # fmt: skip
    values.update(kw)
    return StaffData(**values)


def test_staff_rows_are_inserted_in_bulk_with_one_audit_entry_each(db) -> None:  # noqa: ANN001
    flushes = []
    with db.session() as s:
        home = store.create_institution(s, data=village(0)).id
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(len(s.new)))
    with db.session() as s:
        ids = staff_store.create_many_staff(s, rows=[person(n, home) for n in range(40)])
    assert flushes == []  # Core statements (store/bulk_write.py), not the unit of work
    assert len(set(ids)) == 40
    with db.session() as s:
        inserts = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "staff")).all()
    assert sorted(int(e.record_id) for e in inserts) == sorted(ids)


def test_any_bad_staff_row_refuses_all_rows_with_the_single_record_message(db) -> None:  # noqa: ANN001
    with db.session() as s:
        home = store.create_institution(s, data=village(0)).id
        staff_store.create_staff(s, data=person(1, home))
    with db.session() as s:
        for rows in ([person(2, home), person(1, home, name="别人")],  # a stored number
                     [person(2, home), person(3, home), person(3, home)],  # the rows clash
                     [person(2, home), person(4, home + 99)]):  # no such home  # fmt: skip
            with pytest.raises(RuleViolation) as caught:
                staff_store.create_many_staff(s, rows=rows)
            alone = staff_store.check_staff(s, rows[-1]) if len(rows) == 2 else None
            if alone is not None:
                assert caught.value.problems == alone
            assert caught.value.row == len(rows) - 1
        assert staff_store.count_staff(s) == 1


def _logged(db) -> list[tuple]:  # noqa: ANN001
    """Every audit entry as the comparison sees it: the database's times left out."""
    stamps = {"created_at", "updated_at", "recorded_at"}
    with db.session() as s:
        found = []
        for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id)):
            new = json.loads(e.new_values) if e.new_values else {}
            found.append((e.id, e.action, e.table_name, e.record_id,
                          {k: v for k, v in new.items() if k not in stamps}))  # fmt: skip
        return found


def test_bulk_creates_log_what_the_command_in_turn_logs_in_the_same_order(tmp_path) -> None:  # noqa: ANN001
    """``create_institutions`` against ``create_institution`` row by row (what an import falls
    back to): the same entries in the same order, each unit before its first 等级变更记录."""
    from ylt_desktop.store.audit_verify import verify_chain
    from ylt_desktop.store.db import open_database

    rows = [village(1), hospital(2), village(3)]
    logged = []
    for how in ("bulk", "turn"):
        db = open_database(tmp_path / f"{how}.sqlite")
        try:
            with db.session() as s, all_or_nothing(s):
                if how == "bulk":
                    inst_bulk.create_institutions(s, rows=rows)
                else:
                    for row in rows:
                        store.create_institution(s, data=row)
            logged.append(_logged(db))
            with db.session() as s:
                assert verify_chain(s).ok
        finally:
            db.close()
    assert logged[0] == logged[1]
    assert [e[2] for e in logged[0]] == ["institution", "institution_level"] * 3


def test_new_staff_write_the_rows_and_audit_entries_of_single_creates_in_turn(tmp_path) -> None:  # noqa: ANN001
    """The guard of the bulk write (tests/helpers/audit_guard.py) for create_many_staff on
    random batches (an ID number taken before or by an earlier row, a missing home, a bad
    name): the same refusal; else every table's rows and the audit entries (text, order; the
    log replayed gives the rows), chains that verify, as create_staff in turn."""
    import dataclasses
    import random

    from tests.helpers.audit_guard import bulk_against_in_turn
    from tests.helpers.databases import Twins
    from tests.helpers.people import consortium, person

    rng = random.Random(21)
    numbers = [ric(dt.date(1979, 5, 1), "女", n) for n in range(40)]

    def register(x):  # noqa: ANN001, ANN202
        with x.session() as s:
            ids = consortium(s)
            staff_store.create_staff(s, data=dataclasses.replace(
                person(ids["县医院"], name="已登记", sex="女"), id_number=numbers[0]))  # fmt: skip
        return ids

    twins = Twins(tmp_path, register)
    units = twins.seeded
    outcomes = []
    for trial in range(30):
        dbs = twins.pair(f"g{trial}")
        rows = []
        for _ in range(rng.randint(1, 6)):
            data = dataclasses.replace(
                person(rng.choice(list(units.values())), name=f"新人{rng.randint(0, 99)}",
                       sex="女", title=rng.choice(["主治医师", "医师"])),
                id_number=numbers[rng.randint(0, 39) if rng.random() < 0.15 else
                                  rng.randint(1, 39)],
            )  # fmt: skip
            if rng.random() < 0.04:
                data = dataclasses.replace(data, home_id=max(units.values()) + 9)
            if rng.random() < 0.04:
                data = dataclasses.replace(data, name="")
            rows.append(data)
        bulk, one = bulk_against_in_turn(
            dbs,
            lambda s, rows=rows: staff_store.create_many_staff(s, rows=rows),
            [lambda s, d=d: staff_store.create_staff(s, data=d) for d in rows],
        )
        assert bulk == one, rows
        outcomes.append(bulk is None)
        for x in dbs:
            x.close()
    assert 5 <= outcomes.count(True) <= 25, outcomes  # both outcomes are exercised
