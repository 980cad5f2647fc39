"""等级变更记录: kept by the institution commands; a rotation's direction follows the units'
level and category on its start date; a dated change and a correction (DESIGN.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import select

from tests.helpers.people import institution, small_world
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.store import institutions as store
from ylt_desktop.store import levels
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store.db import alembic_config, make_engine, open_database
from ylt_desktop.store.models import Institution, InstitutionLevel, Rotation

D = dt.date
TODAY = D(2026, 11, 20)


def _entries(s, inst_id: int) -> list[tuple]:  # noqa: ANN001
    return [(e.since, e.level, e.category) for e in levels.entries_of(s, inst_id)]


def _rotate(
    s, ids, frm: str, to: str, start: dt.date, who: str = "王", form: str = "坐诊/巡诊"
) -> int:  # noqa: ANN001, E501
    data = RotationData(staff_id=ids[who], from_id=ids[frm], to_id=ids[to], form=form,
                        start=start, end=start + dt.timedelta(days=5))  # fmt: skip
    return rotation_store.create_rotation(s, data=data, today=TODAY).id


def _directions(s) -> dict[int, str]:  # noqa: ANN001
    return dict(s.execute(select(Rotation.id, Rotation.direction)).all())


def test_a_new_unit_starts_with_one_entry(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        assert _entries(s, ids["大树"]) == [(None, "一级", "乡镇卫生院")]
        assert _entries(s, ids["县医院"]) == [(None, "二级甲等", "综合医院")]


def test_an_upgrade_keeps_the_direction_of_earlier_rotations(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        ids["市医院"] = institution(s, "市人民医院", level="三级甲等", body="10000009")
        before = _rotate(s, ids, "县医院", "中医院", D(2026, 3, 2))  # 二级 -> 二级: 平级
        later = _rotate(s, ids, "县医院", "中医院", D(2026, 8, 3))
        to_city = _rotate(s, ids, "县医院", "市医院", D(2026, 3, 10))  # 二级 -> 三级: 上派
        data = store.to_data(s.get(Institution, ids["中医院"]))
        data.level = "三级乙等"  # the TCM hospital is upgraded from 2026-07-01
        store.update_institution(
            s, institution_id=ids["中医院"], data=data, level_since=D(2026, 7, 1), today=TODAY
        )
        assert _entries(s, ids["中医院"]) == [
            (None, "二级甲等", "综合医院"),
            (D(2026, 7, 1), "三级乙等", "综合医院"),
        ]
        assert s.get(Institution, ids["中医院"]).level == "三级乙等"
        got = _directions(s)
        assert (got[before], got[later], got[to_city]) == ("平级交流", "上派", "上派")
        # a rotation saved afterwards takes the level on its own start date
        again = _rotate(s, ids, "县医院", "中医院", D(2026, 5, 4), who="李", form="派驻")
        assert _directions(s)[again] == "平级交流"
        assert (
            rotation_store.direction_between(s, ids["县医院"], ids["中医院"], D(2026, 7, 1))
            == "上派"
        )  # noqa: E501


def test_a_correction_rewrites_the_entry_in_force(db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        early = _rotate(s, ids, "县医院", "大树", D(2025, 3, 3))
        data = store.to_data(s.get(Institution, ids["大树"]))
        data.category = "村卫生室"  # mis-entered: it is a village clinic (no date: a correction)
        store.update_institution(s, institution_id=ids["大树"], data=data)
        assert _entries(s, ids["大树"]) == [(None, "一级", "村卫生室")]
        assert _directions(s)[early] == "下沉"
        # a later dated change, then a correction of that change
        data.category = "乡镇卫生院"
        store.update_institution(
            s, institution_id=ids["大树"], data=data, level_since=D(2026, 1, 1), today=TODAY
        )
        data.level = "二级"
        store.update_institution(s, institution_id=ids["大树"], data=data)
        assert _entries(s, ids["大树"]) == [
            (None, "一级", "村卫生室"),
            (D(2026, 1, 1), "二级", "乡镇卫生院"),
        ]
        late = _rotate(s, ids, "大树", "青山", D(2026, 2, 2), who="李")
        assert _directions(s)[late] == "平级交流"  # both township level on 2026-02-02
        early_village = _rotate(s, ids, "青山", "大树", D(2025, 8, 1), who="李")
        assert _directions(s)[early_village] == "下沉"  # 大树 was a village clinic then


@pytest.mark.parametrize(
    ("since", "words"),
    [(D(2025, 12, 31), "不得早于上次变更日期 2026-01-01"), (D(2026, 11, 21), "不得晚于今天"),
     (D(2019, 12, 31), "不得早于加入日期")],
)  # fmt: skip
def test_a_change_date_is_checked(db, since, words) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        data = store.to_data(s.get(Institution, ids["县医院"]))
        data.level = "三级乙等"
        if "上次" in words:
            store.update_institution(
                s, institution_id=ids["县医院"], data=data, level_since=D(2026, 1, 1), today=TODAY
            )
            data.level = "三级甲等"
        with pytest.raises(RuleViolation) as err:
            store.update_institution(
                s, institution_id=ids["县医院"], data=data, level_since=since, today=TODAY
            )
        [p] = err.value.problems
        assert p.field == "level_since" and words in p.message
        # nothing changed by the refused update
        assert len(_entries(s, ids["县医院"])) == (2 if "上次" in words else 1)


def test_a_unit_without_entries_keeps_its_old_values_when_changed(db) -> None:  # noqa: ANN001
    """A unit written outside the store commands (bench, old tests) has no entry yet."""
    with db.session() as s:
        ids = small_world(s)
        s.execute(InstitutionLevel.__table__.delete())
        before = _rotate(s, ids, "县医院", "中医院", D(2025, 3, 2))
        data = store.to_data(s.get(Institution, ids["中医院"]))
        data.level = "三级甲等"
        store.update_institution(
            s, institution_id=ids["中医院"], data=data, level_since=D(2026, 1, 1), today=TODAY
        )
        assert _entries(s, ids["中医院"]) == [
            (None, "二级甲等", "综合医院"),
            (D(2026, 1, 1), "三级甲等", "综合医院"),
        ]
        assert _directions(s)[before] == "平级交流"


def test_migration_0007_gives_every_unit_one_entry_and_rederives_by_tier(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "old.sqlite"
    db = open_database(path)
    with db.session() as s:
        ids = small_world(s)
        ids["村"] = institution(s, "示例县大树村卫生室", category="村卫生室", level="未定级",
                               body="10000010")  # fmt: skip
        village = _rotate(s, ids, "大树", "村", D(2025, 5, 5), who="李")
        up = _rotate(s, ids, "大树", "县医院", D(2025, 6, 5), who="李")
    db.close()
    engine = make_engine(path)
    command.downgrade(alembic_config(engine), "0006")
    with engine.begin() as conn:  # as version 0006 left them
        conn.exec_driver_sql("UPDATE rotation SET direction = '平级交流' WHERE id = ?", (village,))
        conn.exec_driver_sql("UPDATE rotation SET direction = '上派进修' WHERE id = ?", (up,))
        names = [r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")]
        assert "institution_level" not in names
    engine.dispose()

    db = open_database(path)  # upgrades to head, after a backup
    with db.session() as s:
        assert _directions(s) == {village: "下沉", up: "上派"}
        for name, inst_id in ids.items():
            if name in ("王", "李"):
                continue
            inst = s.get(Institution, inst_id)
            assert _entries(s, inst_id) == [(None, inst.level, inst.category)]
        # 在岗职工 may now be empty
        data = store.to_data(s.get(Institution, ids["大树"]))
        data.staff_total = None
        store.update_institution(s, institution_id=ids["大树"], data=data)
    with db.session() as s:
        assert s.get(Institution, ids["大树"]).staff_total is None
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    db.close()
