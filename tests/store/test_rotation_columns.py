"""The rotation list read as columns in steps while others write, and the figures the list
shows for every row (``RotationColumns.all_figures``) against the rules row by row."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.people import add_person, institution, small_world
from tests.store.test_rotation_list import TODAY, _fields, _joined, create, records, whole
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures
from ylt_desktop.store import rotation_read
from ylt_desktop.store import rotations as store
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff
from ylt_desktop.store.rotation_list import list_rotation_rows

D = dt.date


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        return small_world(s)


def test_the_whole_read_in_steps_is_the_joined_read(db, world) -> None:  # noqa: ANN001
    """People and units written while the whole list is read in steps (here, or by another
    program: a new person from a new unit, a rename) show as the joined read shows them at
    the end: the read starts again once something was written."""
    from ylt_desktop.store import institutions as inst_store
    from ylt_desktop.store.models import Institution

    day = D(2026, 1, 1)
    for i in range(7):
        create(db, staff_id=world["王" if i % 2 else "李"], from_id=world["县医院"],
               to_id=world["大树"], form="坐诊/巡诊", start=day + dt.timedelta(days=i), end=None,
               quarters={"2026Q1": QuarterFigures(days=i, outpatient=10 * i)},
               note=f"第{i}次")  # fmt: skip
    added: dict[str, int] = {}

    def meanwhile(step: int) -> None:
        if step != 2:
            return
        with db.session() as s:
            new_unit = institution(s, "示例县白云镇卫生院", category="乡镇卫生院", level="一级",
                                   body="10000009")  # fmt: skip
            added["person"] = add_person(s, new_unit, name="赵新来", seq=9)
            person = staff_store.to_data(s.get(Staff, world["王"]))
            person.name = "王建华"
            staff_store.update_staff(s, staff_id=world["王"], data=person)
            unit = inst_store.to_data(s.get(Institution, world["大树"]))
            unit.name = "示例县大树中心卫生院"
            inst_store.update_institution(s, institution_id=world["大树"], data=unit)
        added["rotation"] = create(
            db, staff_id=added["person"], from_id=new_unit, to_id=world["县医院"],
            form="进修学习", start=D(2025, 12, 1), end=D(2026, 2, 28), note="新人",
        )  # fmt: skip

    read = records(whole(db, chunk=2, between=meanwhile))
    assert [_fields(r) for r in read] == [_fields(r) for r in _joined(db)]
    assert len(read) == 8 and read[-1].id == added["rotation"]
    assert read[-1].from_name == "示例县白云镇卫生院"
    assert {r.staff_name for r in read} == {"王建华", "李秀英", "赵新来"}
    assert {r.to_name for r in read[:-1]} == {"示例县大树中心卫生院"}


def test_a_rotation_and_its_person_deleted_between_steps_are_gone(db, world) -> None:  # noqa: ANN001
    """Another clerk deletes a rotation and its person while the list is read in steps: the
    list ends without them, never a KeyError that stops it."""
    day = D(2026, 1, 1)
    for i in range(5):
        create(db, staff_id=world["王"], from_id=world["县医院"], to_id=world["大树"],
               form="坐诊/巡诊", start=day + dt.timedelta(days=i), end=None)  # fmt: skip
    with db.session() as s:
        newcomer = add_person(s, world["大树"], name="赵新来", seq=9)
    gone = create(db, staff_id=newcomer, from_id=world["大树"], to_id=world["县医院"],
                  form="进修学习", start=D(2025, 12, 1), end=D(2026, 2, 28))  # fmt: skip

    def meanwhile(step: int) -> None:
        if step == 2:
            with db.session() as s:
                store.delete_rotation(s, rotation_id=gone)
                staff_store.delete_staff(s, staff_id=newcomer)

    read = records(whole(db, chunk=2, between=meanwhile))
    assert gone not in {r.id for r in read} and len(read) == 5
    assert [_fields(r) for r in read] == [_fields(r) for r in _joined(db)]


@pytest.mark.parametrize("today", [D(2026, 5, 20), D(2025, 12, 31), D(2026, 9, 30)])
def test_every_rows_figures_follow_the_rules(demo_db, today) -> None:  # noqa: ANN001
    """The days and visits the list shows for every row, over every quarter up to today's
    and for each quarter, are the rules' (``RotationListRow.total_days``/``figures``) for
    the demo consortium's rotations: stored quarters, empty days, open ends, full-time
    defaults. The totals kept for one day are made again for another."""
    with demo_db.session() as s:
        rows = {r.id: r for r in list_rotation_rows(s)}
        first, _total = rotation_read.read_first(s, 40, today)
    cols = whole(demo_db, chunk=97)
    assert len(cols) == len(rows) > 100
    quarters = sorted({Quarter.containing(r.start) for r in rows.values()})
    quarters += [quarters[-1].next(), quarters[0].prev()]
    for read in (cols, first):
        for when in (TODAY, today):  # the totals were counted for TODAY: then for another
            days, visits = read.all_figures(None, when)
            expected = [rows[read.ids[i]] for i in range(len(read))]
            assert days == [r.total_days(today=when) for r in expected]
            assert visits == [r.total_outpatient() for r in expected]
            assert [read.figures(i, None, when) for i in range(len(read))] == list(
                zip(days, visits, strict=True)
            )
        for q in quarters:
            days, visits = read.all_figures(q, today)
            shown = [r.figures(q) or (None, 0) for r in expected]
            assert list(zip(days, visits, strict=True)) == shown, str(q)
