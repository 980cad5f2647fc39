"""Rotation commands and quarter queries on a temporary database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.helpers.people import small_world
from ylt_desktop.domain import lists
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotations as store
from ylt_desktop.store.models import Rotation, RotationQuarter

D = dt.date
TODAY = D(2026, 5, 20)
ONE_DB = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        return small_world(s)


def rotation(ids: dict, **kw) -> RotationData:  # noqa: ANN003
    values = dict(
        staff_id=ids["王"],
        from_id=ids["县医院"],
        to_id=ids["大树"],
        form="派驻",
        start=D(2025, 2, 10),
        end=D(2025, 5, 9),
    )
    values.update(kw)
    return RotationData(**values)


def test_create_stores_direction_and_default_days(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        rot_id = store.create_rotation(s, data=rotation(world), note=" 驻点 ", today=TODAY).id
    with db.session() as s:
        rot = store.get_rotation(s, rot_id)
        assert (rot.direction, rot.note, rot.staff.name) == ("下沉", "驻点", "王建国")
        days = {row.quarter: row.days for row in rot.quarters}
    # 2025-02-10..03-31 is 50 days; 04-01..05-09 is 39 days.
    assert days == {"2025Q1": 50, "2025Q2": 39}


def test_directions_up_and_level(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        up = store.create_rotation(
            s,
            data=rotation(
                world,
                staff_id=world["李"],
                from_id=world["大树"],
                to_id=world["县医院"],
                form="进修学习",
            ),
            today=TODAY,
        )
        level = store.create_rotation(
            s,
            data=rotation(
                world,
                to_id=world["中医院"],
                form="带教/查房",
                start=D(2025, 6, 1),
                end=D(2025, 6, 30),
            ),
            today=TODAY,
        )
    assert (up.direction, level.direction) == (lists.DIRECTION_UP, lists.DIRECTION_LEVEL)


def test_part_time_days_as_entered(db, world) -> None:  # noqa: ANN001
    data = rotation(
        world,
        form="坐诊/巡诊",
        quarters={"2025Q1": QuarterFigures(days=12, outpatient=340, lectures=2)},
    )
    with db.session() as s:
        rot = store.create_rotation(s, data=data, today=TODAY)
        q1 = store.quarter_figures(rot, Quarter(2025, 1))
        q2 = store.quarter_figures(rot, Quarter(2025, 2))
    assert (q1.days, q1.outpatient, q1.lectures) == (12, 340, 2)
    assert q2.days is None  # not entered: the pre-export check will ask for it
    assert store.quarter_figures(rot, Quarter(2025, 3)) is None


def test_update_moves_quarter_rows(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        rot_id = store.create_rotation(s, data=rotation(world), today=TODAY).id
        data = store.to_data(store.get_rotation(s, rot_id))
        assert all(f.days is None for f in data.quarters.values())  # defaults read as empty
        data.start, data.end = D(2025, 4, 1), D(2025, 8, 31)
        data.quarters["2025Q2"].outpatient = 77
        del data.quarters["2025Q1"]  # the form drops quarters the new dates no longer touch
        store.update_rotation(s, rotation_id=rot_id, data=data, today=TODAY)
    with db.session() as s:
        rot = store.get_rotation(s, rot_id)
        rows = {r.quarter: (r.days, r.outpatient) for r in rot.quarters}
        assert rows == {"2025Q2": (91, 77), "2025Q3": (62, 0)}
        assert s.query(RotationQuarter).count() == 2
        store.delete_rotation(s, rotation_id=rot_id)
    with db.session() as s:
        assert s.query(Rotation).count() == 0
        assert s.query(RotationQuarter).count() == 0


def test_overlapping_full_time_refused_on_start(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_rotation(s, data=rotation(world), today=TODAY)
        clash = rotation(
            world, to_id=world["中医院"], form="晋升前基层服务", start=D(2025, 5, 9), end=None
        )
        with pytest.raises(RuleViolation) as err:
            store.create_rotation(s, data=clash, today=TODAY)
        errors = [p for p in err.value.problems if p.is_error]
        assert [p.field for p in errors] == ["start"]
        assert "示例县人民医院 → 示例县大树镇卫生院" in errors[0].message
        assert "2025-02-10 至 2025-05-09" in errors[0].message
        # A periodic clinic may share those days; the next day is free for full-time too.
        store.create_rotation(s, data=rotation(world, form="坐诊/巡诊"), today=TODAY)
        store.create_rotation(s, data=rotation(world, start=D(2025, 5, 10), end=None), today=TODAY)
        assert len(store.list_rotations(s, staff_id=world["王"])) == 3


def test_editing_does_not_overlap_itself(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        rot_id = store.create_rotation(s, data=rotation(world), today=TODAY).id
        data = store.to_data(store.get_rotation(s, rot_id))
        data.end = D(2025, 5, 31)
        store.update_rotation(s, rotation_id=rot_id, data=data, today=TODAY)
        assert store.get_rotation(s, rot_id).end == D(2025, 5, 31)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"end": D(2025, 2, 9)}, "end", "结束日期不得早于开始日期"),
        ({"to_id": "青山", "start": D(2024, 6, 1)}, "to_id", "2024-07-01 才加入"),
        ({"to_id": "县医院"}, "to_id", "不得与派出单位相同"),
        ({"quarters": {"2025Q1": QuarterFigures(days=51)}}, "quarters.2025Q1.days", "日历天数 50"),
        ({"quarters": {"2025Q3": QuarterFigures(days=1)}}, "quarters.2025Q3", "不在流动期间"),
    ],
)
def test_refusals(db, world, changes, field, words) -> None:  # noqa: ANN001
    changes = {k: world[v] if k.endswith("_id") else v for k, v in changes.items()}
    with db.session() as s:
        with pytest.raises(RuleViolation) as err:
            store.create_rotation(s, data=rotation(world, **changes), today=TODAY)
        assert s.query(Rotation).count() == 0
    errors = [p for p in err.value.problems if p.is_error]
    assert [p.field for p in errors] == [field]
    assert words in errors[0].message


def test_institution_that_left_refused(db, world) -> None:  # noqa: ANN001
    from tests.helpers.people import institution

    with db.session() as s:
        gone = institution(
            s,
            "示例县和合镇卫生院",
            category="乡镇卫生院",
            level="一级",
            left=D(2025, 3, 31),
            body="10000009",
        )
        with pytest.raises(RuleViolation) as err:
            store.create_rotation(s, data=rotation(world, to_id=gone), today=TODAY)
    assert [p.field for p in err.value.problems if p.is_error] == ["to_id"]
    assert "2025-03-31 退出" in str(err.value)


def test_submitted_quarter_is_locked(db, world) -> None:  # noqa: ANN001
    from ylt_desktop.store.quarters import reopen_quarter, submit_quarter

    with db.session() as s:
        rot_id = store.create_rotation(s, data=rotation(world, form="坐诊/巡诊"), today=TODAY).id
        submit_quarter(s, quarter="2025Q1", by="审核人甲")
        # A new rotation touching 2025Q1 is refused, on the start date, saying how to reopen.
        with pytest.raises(RuleViolation) as err:
            store.create_rotation(s, data=rotation(world, staff_id=world["李"]), today=TODAY)
        assert [p.field for p in err.value.problems if p.is_error] == ["start"]
        assert "2025年第1季度已报送并锁定" in str(err.value) and "重新打开" in str(err.value)
        # Figures of the open quarter may change; those of the locked one may not.
        data = store.to_data(store.get_rotation(s, rot_id))
        data.quarters["2025Q2"] = QuarterFigures(days=5, outpatient=60)
        store.update_rotation(s, rotation_id=rot_id, data=data, today=TODAY)
        data.quarters["2025Q1"] = QuarterFigures(days=6)
        with pytest.raises(RuleViolation) as err:
            store.update_rotation(s, rotation_id=rot_id, data=data, today=TODAY)
        assert [p.field for p in err.value.problems] == ["quarters.2025Q1"]
        with pytest.raises(RuleViolation):
            store.delete_rotation(s, rotation_id=rot_id)
        reopen_quarter(s, quarter="2025Q1", by="审核人甲", reason="更正天数")
        store.update_rotation(s, rotation_id=rot_id, data=data, today=TODAY)
        assert store.quarter_figures(store.get_rotation(s, rot_id), Quarter(2025, 1)).days == 6


# --- per-quarter attribution, checked day by day ---------------------------------


def _brute_days(start: dt.date, last: dt.date, quarter: Quarter) -> int:
    n, day = 0, start
    while day <= last:
        n += Quarter.containing(day) == quarter
        day += dt.timedelta(days=1)
    return n


@ONE_DB
@given(
    start=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 6, 30)),
    length=st.one_of(st.none(), st.integers(min_value=0, max_value=600)),
    form=st.sampled_from(sorted(lists.FULL_TIME_FORMS)),
    today=st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31)),
)
def test_quarter_days_add_up_to_calendar_days(db, world, start, length, form, today) -> None:  # noqa: ANN001
    end = None if length is None else start + dt.timedelta(days=length)
    data = rotation(world, form=form, start=start, end=end)
    with db.session() as s:
        rot = store.create_rotation(s, data=data, today=today)
        rot_id = rot.id
    with db.session() as s:
        rot = store.get_rotation(s, rot_id)
        # An open end runs to the last day of the quarter holding today (or the start).
        last = end if end is not None else Quarter.containing(max(today, start)).last_day
        quarters = [Quarter.containing(start)]
        while quarters[-1].last_day < last:
            quarters.append(quarters[-1].next())
        per_quarter = {q: store.quarter_figures(rot, q).days for q in quarters}
        assert sum(per_quarter.values()) == (last - start).days + 1
        for q, days in per_quarter.items():
            assert days == _brute_days(start, last, q)
        before, after = quarters[0].prev(), quarters[-1].next()
        assert store.quarter_figures(rot, before) is None
        if end is not None:
            assert store.quarter_figures(rot, after) is None
        stored = {r.quarter for r in rot.quarters}
        assert stored == {str(q) for q in quarters if q.first_day <= today}
        store.delete_rotation(s, rotation_id=rot_id)


spans = st.tuples(
    st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 12, 31)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)


@ONE_DB
@given(ranges=st.lists(spans, min_size=1, max_size=6))
def test_rotations_in_quarter_matches_brute_force(db, world, ranges) -> None:  # noqa: ANN001
    with db.session() as s:
        made = {}
        for start, length in ranges:
            end = None if length is None else start + dt.timedelta(days=length)
            rot = store.create_rotation(
                s, data=rotation(world, form="坐诊/巡诊", start=start, end=end), today=TODAY
            )
            made[rot.id] = (start, end)
    with db.session() as s:
        quarter = Quarter(2024, 1)
        while quarter <= Quarter(2027, 4):
            found = store.rotations_in_quarter(s, quarter)
            expected = set()
            for rot_id, (start, end) in made.items():
                day = quarter.first_day
                while day <= quarter.last_day:
                    if start <= day and (end is None or day <= end):
                        expected.add(rot_id)
                        break
                    day += dt.timedelta(days=1)
            assert {r.id for r in found} == expected
            for r in found:  # loaded for the return, without lazy loads
                assert r.staff.name and r.from_inst.name and r.to_inst.name
                assert isinstance(r.quarters, list)
            quarter = quarter.next()
        for rot_id in made:
            store.delete_rotation(s, rotation_id=rot_id)


# --- the demo -------------------------------------------------------------------


def _summary(database) -> list[tuple]:  # noqa: ANN001
    with database.session() as s:
        return [
            (r.staff.id_number, r.from_id, r.to_id, r.form, r.start, r.end,
             sorted((q.quarter, q.days, q.outpatient) for q in r.quarters))
            for r in store.list_rotations(s)
        ]  # fmt: skip


def test_demo_rotations_are_valid_and_deterministic(tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.demo import build_demo
    from ylt_desktop.store import staff as staff_store
    from ylt_desktop.store.db import open_database

    today = D(2026, 11, 27)
    first, second = (open_database(tmp_path / f"{n}.sqlite") for n in "ab")
    try:
        build_demo(first, today=today)
        build_demo(second, today=today)
        assert _summary(first) == _summary(second)
        with first.session() as s:
            people = staff_store.list_staff(s)
            found = store.list_rotations(s)
            problems = [
                p
                for r in found
                for p in store.check_rotation(s, store.to_data(r), own_id=r.id, today=today)
                if p.is_error
            ]
            staff_problems = [
                p
                for person in people
                for p in staff_store.check_staff(s, staff_store.to_data(person), own_id=person.id)
                if p.is_error
            ]
    finally:
        first.close()
        second.close()
    assert problems == [] and staff_problems == []
    assert len(people) == 150 and 550 <= len(found) <= 700
    window = (Quarter(2024, 4).first_day, Quarter(2026, 3).last_day)
    assert all(window[0] <= r.start <= window[1] for r in found)
    assert {r.direction for r in found} == set(lists.DIRECTIONS)
    down = [r for r in found if r.direction == lists.DIRECTION_DOWN]
    up = [r for r in found if r.direction == lists.DIRECTION_UP]
    assert all(r.to_inst.category in lists.GRASSROOTS_CATEGORIES for r in down)
    assert all(r.from_inst.category in lists.GRASSROOTS_CATEGORIES for r in up)
    assert sum(r.staff.title.startswith(("主任", "副主任")) for r in down) > len(down) / 5


def test_stored_rotations_read_as_the_orm_objects_do(demo_db) -> None:  # noqa: ANN001
    """Imports match rows against plain records; ``to_data`` and ``quarter_figures`` must read
    them exactly as they read the ORM rotations (every rotation of the demo, every quarter)."""
    from ylt_desktop.store.rotations import quarter_figures, stored_rotations

    with demo_db.session() as s:
        plain = {r.id: r for r in stored_rotations(s)}
        orm = {r.id: r for r in s.scalars(select(Rotation))}
        assert plain.keys() == orm.keys() and len(plain) > 500
        quarters = [Quarter(y, n) for y in (2025, 2026) for n in (1, 2, 3, 4)]
        for rid, r in orm.items():
            p = plain[rid]
            assert store.to_data(p) == store.to_data(r)
            assert (p.id, p.note) == (r.id, r.note)
            for q in quarters:
                a, b = quarter_figures(p, q), quarter_figures(r, q)
                assert (a is None) == (b is None)
                if a is not None:
                    fields = ("quarter", "days", *store.VOLUMES)
                    assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
