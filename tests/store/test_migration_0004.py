"""Migration 0004 re-derives the 流动方向 stored before units' corrections re-derived it."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import select

from tests.helpers.people import small_world
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store.db import alembic_config, make_engine, open_database
from ylt_desktop.store.models import Rotation


def test_a_stale_direction_is_rederived_on_upgrade(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "old.sqlite"
    db = open_database(path)
    with db.session() as s:
        ids = small_world(s)
        down = rotation_store.create_rotation(
            s,
            data=RotationData(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"],
                              form="派驻", start=dt.date(2025, 2, 10), end=dt.date(2025, 5, 9)),
            today=dt.date(2026, 5, 20),
        ).id  # fmt: skip
        level = rotation_store.create_rotation(
            s,
            data=RotationData(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["中医院"],
                              form="坐诊/巡诊", start=dt.date(2025, 8, 1), end=dt.date(2025, 8, 9)),
            today=dt.date(2026, 5, 20),
        ).id  # fmt: skip
    db.close()
    # As an older version left it: the township centre's level corrected by hand in the
    # file, the stored direction not re-derived, and the schema at 0003.
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE institution SET level = '三级甲等', category = '综合医院' WHERE id = ?",
            (ids["大树"],),
        )
    command.downgrade(alembic_config(engine), "0003")
    engine.dispose()

    db = open_database(path)  # upgrades to head, after a backup
    with db.session() as s:
        got = {
            rid: direction for rid, direction in s.execute(select(Rotation.id, Rotation.direction))
        }
    assert got == {down: "上派", level: "平级交流"}  # 0007 names upward moves 上派
    assert list((tmp_path / "backups").glob("old-*.sqlite"))
    db.close()
