"""The rotation list's rows, read as plain columns: values, days, order and freshness."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.people import add_person, institution, small_world
from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotations as store
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.audit import change_token
from ylt_desktop.store.models import Staff
from ylt_desktop.store.rotation_list import Names, RotationListRow, list_rotation_rows

D = dt.date
TODAY = D(2026, 5, 20)


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        return small_world(s)


def create(db, **kw) -> int:  # noqa: ANN001, ANN003
    note = kw.pop("note", "")
    with db.session() as s:
        return store.create_rotation(s, data=RotationData(**kw), note=note, today=TODAY).id


def rows_by_id(db) -> dict[int, RotationListRow]:  # noqa: ANN001
    with db.session() as s:
        return {r.id: r for r in list_rotation_rows(s)}


def test_row_with_every_field(db, world) -> None:  # noqa: ANN001
    rid = create(
        db,
        staff_id=world["王"],
        from_id=world["县医院"],
        to_id=world["大树"],
        form="派驻",
        start=D(2026, 2, 10),
        end=D(2026, 4, 9),
        quarters={"2026Q1": QuarterFigures(outpatient=120), "2026Q2": QuarterFigures(days=5)},
        note="驻点帮扶",
    )
    with db.session() as s:
        number = s.get(Staff, world["王"]).id_number
    row = rows_by_id(db)[rid]
    assert (row.staff_name, row.title, row.form, row.note) == (
        "王建国",
        "主治医师",
        "派驻",
        "驻点帮扶",
    )
    assert row.id_masked == mask_id(number) == number[:6] + "********" + number[-4:]
    assert (row.from_id, row.from_name) == (world["县医院"], "示例县人民医院")
    assert (row.to_id, row.to_name) == (world["大树"], "示例县大树镇卫生院")
    assert row.direction == lists.DIRECTION_DOWN
    assert (row.start, row.end) == (D(2026, 2, 10), D(2026, 4, 9))
    # Q1: the full-time default (50 calendar days); Q2: 5 days as entered.
    assert row.quarters == {"2026Q1": (50, 120), "2026Q2": (5, 0)}
    assert row.figures(Quarter(2026, 1)) == (50, 120)
    assert row.figures(Quarter(2026, 2)) == (5, 0)
    assert row.figures(Quarter(2026, 3)) is None  # ended in April
    assert row.total_days(today=TODAY) == 55
    assert row.total_outpatient() == 120


def test_row_without_optional_fields(db, world) -> None:  # noqa: ANN001
    rid = create(
        db,
        staff_id=world["李"],
        from_id=world["大树"],
        to_id=world["县医院"],
        form="坐诊/巡诊",
        start=D(2026, 3, 2),
        end=None,
    )
    row = rows_by_id(db)[rid]
    assert (row.end, row.note, row.direction) == (None, "", lists.DIRECTION_UP)
    assert row.quarters == {"2026Q1": (None, 0), "2026Q2": (None, 0)}
    assert row.figures(Quarter(2026, 1)) == (None, 0)  # part-time: days not entered yet
    assert row.figures(Quarter(2026, 4)) is None  # no stored row, no default for part-time
    assert row.figures(Quarter(2025, 4)) is None  # before it started
    assert row.total_days(today=TODAY) is None
    assert row.total_outpatient() == 0


def test_open_full_time_days_reach_later_quarters(db, world) -> None:  # noqa: ANN001
    rid = create(
        db,
        staff_id=world["王"],
        from_id=world["县医院"],
        to_id=world["中医院"],
        form="进修学习",
        start=D(2026, 2, 10),
        end=None,
    )
    row = rows_by_id(db)[rid]
    assert row.direction == lists.DIRECTION_LEVEL
    assert row.total_days(today=TODAY) == 50 + 91  # today's quarter counts to its end
    # Saved in Q2; Q3 has no stored row and gets the full-time default.
    assert row.figures(Quarter(2026, 3)) == (92, 0)
    assert row.total_days(today=D(2026, 8, 1)) == 50 + 91 + 92
    assert row.total_days(today=D(2025, 12, 1)) == 0  # its first quarter has not begun


def test_rows_agree_with_quarter_figures(db, world) -> None:  # noqa: ANN001
    create(db, staff_id=world["王"], from_id=world["县医院"], to_id=world["大树"],
           form="派驻", start=D(2025, 11, 3), end=D(2026, 1, 31))  # fmt: skip
    create(db, staff_id=world["王"], from_id=world["县医院"], to_id=world["青山"],
           form="带教/查房", start=D(2026, 2, 1), end=None,
           quarters={"2026Q1": QuarterFigures(days=8, outpatient=30)})  # fmt: skip
    create(db, staff_id=world["李"], from_id=world["大树"], to_id=world["中医院"],
           form="晋升前基层服务", start=D(2026, 4, 1), end=None)  # fmt: skip
    rows = rows_by_id(db)
    quarters = [Quarter(2025, 3)]
    while len(quarters) < 6:
        quarters.append(quarters[-1].next())
    with db.session() as s:
        for rotation in store.list_rotations(s):
            row = rows[rotation.id]
            for q in quarters:
                figures = store.quarter_figures(rotation, q)
                expected = None if figures is None else (figures.days, figures.outpatient)
                assert row.figures(q) == expected, (rotation.id, str(q))


def test_order_edits_and_deletes_are_reflected(db, world) -> None:  # noqa: ANN001
    common = dict(staff_id=world["王"], from_id=world["县医院"], form="坐诊/巡诊")
    older = create(db, **common, to_id=world["大树"], start=D(2025, 3, 1), end=D(2025, 3, 31))
    newer = create(db, **common, to_id=world["大树"], start=D(2026, 1, 5), end=D(2026, 1, 31))
    same_day = create(db, **common, to_id=world["青山"], start=D(2026, 1, 5), end=None)
    with db.session() as s:
        assert [r.id for r in list_rotation_rows(s)] == [same_day, newer, older]
        data = store.to_data(store.get_rotation(s, older))
        data.to_id, data.end = world["中医院"], None
        store.update_rotation(s, rotation_id=older, data=data, note="改派", today=TODAY)
        person = staff_store.to_data(s.get(Staff, world["王"]))
        person.name = "王建华"
        staff_store.update_staff(s, staff_id=world["王"], data=person)
        store.delete_rotation(s, rotation_id=newer)
    rows = rows_by_id(db)
    assert set(rows) == {older, same_day}
    edited = rows[older]
    assert (edited.to_id, edited.to_name, edited.direction) == (
        world["中医院"],
        "示例县中医医院",
        lists.DIRECTION_LEVEL,
    )
    assert (edited.end, edited.note) == (None, "改派")
    assert {r.staff_name for r in rows.values()} == {"王建华"}


def _fields(row: RotationListRow) -> tuple:
    return (row.id, row.staff_name, row.id_masked, row.title, row.from_id, row.from_name,
            row.to_id, row.to_name, row.direction, row.form, row.start, row.end, row.note,
            dict(row.quarters), row.version)  # fmt: skip


def test_parts_read_with_names_equal_the_joined_read(db, world) -> None:  # noqa: ANN001
    """A long list's parts take people and units from ``Names`` read once; the rows are the
    joined read's, also for people and units written after the names were read."""
    day = D(2026, 1, 1)
    for i in range(7):
        create(db, staff_id=world["王" if i % 2 else "李"], from_id=world["县医院"],
               to_id=world["大树"], form="坐诊/巡诊", start=day + dt.timedelta(days=i), end=None,
               quarters={"2026Q1": QuarterFigures(days=i, outpatient=10 * i)},
               note=f"第{i}次")  # fmt: skip
    with db.session() as s:
        names = Names.read(s)
        # Written after the names were read (by this program or another): a new person
        # from a new unit, and a renamed one.
        new_unit = institution(s, "示例县白云镇卫生院", category="乡镇卫生院", level="一级",
                               body="10000009")  # fmt: skip
        newcomer = add_person(s, new_unit, name="赵新来", seq=9)
    create(db, staff_id=newcomer, from_id=new_unit, to_id=world["县医院"], form="进修学习",
           start=D(2025, 12, 1), end=D(2026, 2, 28), note="新人")  # fmt: skip
    with db.session() as s:
        joined = list_rotation_rows(s)
        first = list_rotation_rows(s, limit=3)
        parts, last = [first], first[-1]
        while True:
            part = list_rotation_rows(s, limit=2, before=(last.start, last.id), names=names)
            if not part:
                break
            parts.append(part)
            last = part[-1]
    read = [row for part in parts for row in part]
    assert [_fields(r) for r in read] == [_fields(r) for r in joined]
    assert len(read) == 8
    assert read[-1].staff_name == "赵新来"
    assert read[-1].from_name == "示例县白云镇卫生院"


def _parts_with(db, names: Names, first: int = 3, size: int = 2) -> list[RotationListRow]:  # noqa: ANN001
    with db.session() as s:
        part = list_rotation_rows(s, limit=first)
        read = list(part)
        while part:
            part = list_rotation_rows(s, limit=size, before=(read[-1].start, read[-1].id),
                                      names=names)  # fmt: skip
            read += part
    return read


def test_parts_read_with_names_show_renames_made_since(db, world) -> None:  # noqa: ANN001
    """Review of feeba21: a person or unit renamed (here, or by another program) after the
    names were read shows under its new name in the later parts, as the joined read shows
    it: never the old name beside the new in one list."""
    from ylt_desktop.store import institutions as inst_store
    from ylt_desktop.store.models import Institution

    day = D(2026, 1, 1)
    for i in range(7):
        create(db, staff_id=world["王"], from_id=world["县医院"], to_id=world["大树"],
               form="坐诊/巡诊", start=day + dt.timedelta(days=i), end=None)  # fmt: skip
    with db.session() as s:
        names = Names.read(s)
        person = staff_store.to_data(s.get(Staff, world["王"]))
        person.name = "王建华"
        staff_store.update_staff(s, staff_id=world["王"], data=person)
        unit = inst_store.to_data(s.get(Institution, world["大树"]))
        unit.name = "示例县大树中心卫生院"
        inst_store.update_institution(s, institution_id=world["大树"], data=unit)
    read = _parts_with(db, names)
    with db.session() as s:
        joined = list_rotation_rows(s)
    assert [_fields(r) for r in read] == [_fields(r) for r in joined]
    assert {(r.staff_name, r.to_name) for r in read} == {("王建华", "示例县大树中心卫生院")}


def test_a_person_gone_between_the_part_and_its_names_is_no_keyerror(
    db, world, monkeypatch
) -> None:  # noqa: ANN001
    """On a server each statement sees the data of its own moment: a rotation and its new
    person deleted by another clerk between the part's read and the names' completion. The
    part is read again joined (without them), never a KeyError that stops the list."""
    day = D(2026, 1, 1)
    for i in range(5):
        create(db, staff_id=world["王"], from_id=world["县医院"], to_id=world["大树"],
               form="坐诊/巡诊", start=day + dt.timedelta(days=i), end=None)  # fmt: skip
    with db.session() as s:
        names = Names.read(s)
        newcomer = add_person(s, world["大树"], name="赵新来", seq=9)
    gone = create(db, staff_id=newcomer, from_id=world["大树"], to_id=world["县医院"],
                  form="进修学习", start=D(2025, 12, 1), end=D(2026, 2, 28))  # fmt: skip
    with db.session() as s:  # both written after the part's token was read, before its rows
        names.token = change_token(s)

    def vanished(self, session, staff_ids, unit_ids) -> None:  # noqa: ANN001
        store.delete_rotation(session, rotation_id=gone)  # another clerk, meanwhile
        staff_store.delete_staff(session, staff_id=newcomer)

    monkeypatch.setattr(Names, "complete", vanished)
    read = _parts_with(db, names)
    assert gone not in {r.id for r in read} and len(read) == 5
