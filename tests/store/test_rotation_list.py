"""The rotation list's rows: values, days, order and freshness, the same whether read by one
joined statement (``list_rotation_rows``) or as columns (``rotation_columns``: the first part
through the start index, or the whole list in steps in the tables' order)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.people import small_world
from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotation_columns as columns
from ylt_desktop.store import rotation_read
from ylt_desktop.store import rotations as store
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Staff
from ylt_desktop.store.rotation_list import RotationListRow, list_rotation_rows

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


def whole(db, chunk: int = 2, between=None) -> columns.RotationColumns:  # noqa: ANN001
    """The whole list read as columns in steps of ``chunk`` rotations; ``between(n)`` runs
    after the n-th step (another program writing meanwhile)."""
    read, n = rotation_read.WholeRead(TODAY, chunk), 0
    while True:
        with db.session() as s:
            cols = read.step(s)
        if cols is not None:
            return cols
        n += 1
        if between is not None:
            between(n)


def records(cols: columns.RotationColumns) -> list[RotationListRow]:
    return [cols.record(i) for i in range(len(cols))]


READERS = ("joined", "first", "whole")
_used: list = []


def _joined(db) -> list[RotationListRow]:  # noqa: ANN001
    with db.session() as s:
        return list_rotation_rows(s)


def _first(db) -> list[RotationListRow]:  # noqa: ANN001
    with db.session() as s:
        cols, total = rotation_read.read_first(s, 10**6, TODAY)
    assert total == len(cols)
    return records(cols)


@pytest.fixture(params=READERS, autouse=True)
def reader(request):  # noqa: ANN001, ANN201
    """Every test of the rows runs with each way of reading them."""
    _used[:] = [request.param]
    yield request.param
    _used.clear()


def read_list(db) -> list[RotationListRow]:  # noqa: ANN001
    how = _used[0]
    if how == "joined":
        return _joined(db)
    if how == "first":
        return _first(db)
    return records(whole(db))


def rows_by_id(db) -> dict[int, RotationListRow]:  # noqa: ANN001
    return {r.id: r for r in read_list(db)}


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
    assert [r.id for r in read_list(db)] == [same_day, newer, older]
    with db.session() as s:
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
