"""Migration 0006 brings stored institution names and keys to the cleaned form (issue #11)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from tests.helpers.people import consortium
from ylt_desktop.store.db import alembic_config, make_engine, open_database
from ylt_desktop.store.models import Institution


def test_stored_names_are_cleaned_and_a_clash_is_left_alone(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "old.sqlite"
    db = open_database(path)
    with db.session() as s:
        ids = consortium(s)
    db.close()
    # As an older version could leave them: a zero-width look-alike of the county hospital,
    # ASCII brackets and a full-width digit, each its own key.
    engine = make_engine(path)
    with engine.begin() as conn:
        for inst_id, name in [
            (ids["中医院"], "示例县人民医院\u200b"),
            (ids["大树"], "示例县大树镇卫生院(分院)"),
            (ids["青山"], "示例县青山镇第１卫生院"),
        ]:
            conn.exec_driver_sql(
                "UPDATE institution SET name = ?, name_key = ? WHERE id = ?", (name, name, inst_id)
            )
    command.downgrade(alembic_config(engine), "0005")
    engine.dispose()

    db = open_database(path)  # upgrades to head, after a backup
    with db.session() as s:
        got = dict(s.execute(select(Institution.id, Institution.name_key)).all())
        names = dict(s.execute(select(Institution.id, Institution.name)).all())
    db.close()
    assert got[ids["大树"]] == names[ids["大树"]] == "示例县大树镇卫生院（分院）"
    assert got[ids["青山"]] == names[ids["青山"]] == "示例县青山镇第1卫生院"
    assert got[ids["县医院"]] == "示例县人民医院"
    assert got[ids["中医院"]] == "示例县人民医院\u200b"  # the clash stays visible, both kept
