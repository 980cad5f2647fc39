"""Staff commands on a temporary database: create, read, update, delete and refusals."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tests.helpers.people import consortium, person, ric
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.store import rotations
from ylt_desktop.store import staff as store
from ylt_desktop.store.models import Staff


def test_ric_helper_makes_valid_numbers() -> None:
    from ylt_desktop.domain.codes import check_ric, ric_sex

    for seq in range(12):
        for sex in ("男", "女"):
            number = ric(dt.date(1990, 5, 6), sex, seq)
            assert check_ric(number) == [] and ric_sex(number) == sex


def test_create_read_update_delete(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        data = person(ids["县医院"], name=" 王建国　")
        staff_id = store.create_staff(s, data=data).id
    with db.session() as s:
        got = s.get(Staff, staff_id)
        assert got.name == "王建国"
        assert got.home.name == "示例县人民医院"
        changed = store.to_data(got)
        changed.title = "副主任医师"
        changed.specialty = "全科"
        store.update_staff(s, staff_id=staff_id, data=changed)
    with db.session() as s:
        assert (s.get(Staff, staff_id).title, s.get(Staff, staff_id).specialty) == (
            "副主任医师",
            "全科",
        )
        assert [p.name for p in store.list_staff(s)] == ["王建国"]
        store.delete_staff(s, staff_id=staff_id)
    with db.session() as s:
        assert store.list_staff(s) == []


def test_full_width_id_is_stored_normalised(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        data = person(ids["县医院"], sex="女", seq=3)
        expected = data.id_number
        data.id_number = "".join(chr(ord(c) + 0xFEE0) for c in expected)
        stored = store.create_staff(s, data=data)
    assert stored.id_number == expected


def test_wrong_check_digit_and_sex_refused(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        good = person(ids["县医院"])
        last = good.id_number[-1]
        bad = dataclasses.replace(
            good, id_number=good.id_number[:-1] + ("1" if last != "1" else "2")
        )
        with pytest.raises(RuleViolation) as err:
            store.create_staff(s, data=bad)
        assert [p.field for p in err.value.problems if p.is_error] == ["id_number"]
        assert f"校验位错误，应为 {last}" in str(err.value)
        with pytest.raises(RuleViolation) as err:
            store.create_staff(s, data=dataclasses.replace(good, sex="女"))
        assert [p.field for p in err.value.problems if p.is_error] == ["sex"]
        assert store.list_staff(s) == []


def test_id_number_unique_per_type(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        first = person(ids["县医院"])
        store.create_staff(s, data=first)
        twin = dataclasses.replace(first, name="王建军", home_id=ids["大树"])
        with pytest.raises(RuleViolation) as err:
            store.create_staff(s, data=twin)
        assert [p.field for p in err.value.problems] == ["id_number"]
        assert "王建国" in err.value.problems[0].message
        # The same number under another type is another document.
        passport = dataclasses.replace(twin, id_type="护照")
        store.create_staff(s, data=passport)
        assert len(store.list_staff(s)) == 2


def test_update_keeps_own_number(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        staff_id = store.create_staff(s, data=person(ids["县医院"])).id
        data = store.to_data(s.get(Staff, staff_id))
        assert store.check_staff(s, data, own_id=staff_id) == []
        assert [p.field for p in store.check_staff(s, data)] == ["id_number"]


def test_missing_home_refused(db) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
        problems = store.check_staff(s, person(9999))
    assert [p.field for p in problems] == ["home_id"]


def test_delete_refused_while_rotations_point_at_person(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        staff_id = store.create_staff(s, data=person(ids["县医院"])).id
        rotations.create_rotation(
            s,
            data=RotationData(
                staff_id=staff_id,
                from_id=ids["县医院"],
                to_id=ids["大树"],
                form="坐诊/巡诊",
                start=dt.date(2025, 1, 6),
                end=dt.date(2025, 2, 28),
            ),
            today=dt.date(2025, 6, 1),
        )
        with pytest.raises(RuleViolation) as err:
            store.delete_staff(s, staff_id=staff_id)
    assert "人员流动记录 1 条" in str(err.value)
    with db.session() as s:
        assert s.get(Staff, staff_id) is not None


def test_promotion_days_accumulate(db) -> None:  # noqa: ANN001
    today = dt.date(2026, 3, 31)
    with db.session() as s:
        ids = consortium(s)
        staff_id = store.create_staff(s, data=person(ids["县医院"])).id
        for start, end in (
            (dt.date(2025, 1, 1), dt.date(2025, 6, 30)),
            (dt.date(2025, 7, 1), None),
        ):
            rotations.create_rotation(
                s,
                data=RotationData(
                    staff_id=staff_id,
                    from_id=ids["县医院"],
                    to_id=ids["大树"],
                    form="晋升前基层服务",
                    start=start,
                    end=end,
                ),
                today=today,
            )
        days = store.promotion_days_by_staff(s, today=today)
    assert days == {staff_id: (today - dt.date(2025, 1, 1)).days + 1}
