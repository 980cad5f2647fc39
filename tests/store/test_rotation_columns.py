"""The rotation list read as columns in steps while others write, and the figures the list
shows for every row (``RotationColumns.all_figures``) against the rules row by row."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.people import add_person, institution, small_world
from tests.store.test_rotation_list import TODAY, _fields, _joined, create, records, whole
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
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


def test_a_note_that_reads_like_a_later_start_date(db, world) -> None:  # noqa: ANN001
    """On SQLite a date is read as text: a note "2026-01-06" and a start day 2026-01-06 (in
    this step or a later one) are two values, not one code. The read stopped with a
    TypeError (the start day taken for the note's text), or showed the note as a date."""
    for staff, start, note in (("王", D(2026, 1, 5), "2026-01-06"), ("李", D(2026, 1, 6), ""),
                               ("王", D(2026, 1, 7), "2026-01-07")):  # fmt: skip
        create(db, staff_id=world[staff], from_id=world["县医院"], to_id=world["大树"],
               form="坐诊/巡诊", start=start, end=None, note=note)  # fmt: skip
    for chunk in (1, 100):
        read = records(whole(db, chunk=chunk))
        assert [_fields(r) for r in read] == [_fields(r) for r in _joined(db)]
        assert [r.note for r in read] == ["2026-01-07", "", "2026-01-06"]
        assert [r.start for r in read] == [D(2026, 1, 7), D(2026, 1, 6), D(2026, 1, 5)]


def test_a_quarter_first_stored_in_a_later_step_counts(db, world) -> None:  # noqa: ANN001
    """Two rotations alike (start, end, form), the first saved in Q1 (only Q1 stored), the
    second later with Q1 and Q2 entered: read in two steps, the second's 工作天数 over every
    quarter is its 5 + 3 days, as the rules say; it was blank (Q2's key was no value yet
    when the first step made the pair's quarters, so its stored days were not seen)."""
    entered = {"2026Q1": QuarterFigures(days=5, outpatient=1),
               "2026Q2": QuarterFigures(days=3, outpatient=7)}  # fmt: skip
    for saved, quarters in ((D(2026, 2, 1), {}), (TODAY, entered)):
        with db.session() as s:
            data = RotationData(staff_id=world["王"], from_id=world["县医院"],
                                to_id=world["大树"], form="坐诊/巡诊", start=D(2026, 1, 5),
                                end=None, quarters=quarters)  # fmt: skip
            store.create_rotation(s, data=data, today=saved)
    want = [(r.total_days(today=TODAY), r.total_outpatient()) for r in _joined(db)]
    assert want == [(8, 8), (None, 0)]
    for chunk in (1, 2):
        cols = whole(db, chunk=chunk)
        assert [cols.figures(i, None, TODAY) for i in range(len(cols))] == want
        days, visits = cols.all_figures(None, TODAY)
        assert list(zip(days, visits, strict=True)) == want
