"""Restoring a file that is not a backup of this database (DESIGN §6, §7).

A member's database (成员库) restored over the lead's (汇总库), or another consortium's, took
its place without a word: the lead's data went to the safety copy, the member's users came in
(the 管理员 who restored could no longer sign in) and nothing said what had happened.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.exchange.world import A, lead_database, member_database
from ylt_desktop.store.backup import RestoreRefused, copy_database
from ylt_desktop.store.db import open_database
from ylt_desktop.store.restore import restore_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    paths = Path(lead.path), Path(member.path)
    member.close()
    lead.close()
    return paths


def test_a_members_database_does_not_restore_over_the_leads(world, tmp_path) -> None:  # noqa: ANN001
    lead, member = world
    before = _digest(lead)
    with pytest.raises(RestoreRefused) as refused:
        restore_database(member, lead)
    assert "成员库" in str(refused.value) and A in str(refused.value)
    assert _digest(lead) == before
    with pytest.raises(RestoreRefused) as refused:  # nor the lead's over a member's
        restore_database(lead, member)
    assert "汇总库" in str(refused.value)


def test_another_consortiums_database_does_not_restore(world, tmp_path) -> None:  # noqa: ANN001
    lead, _member = world
    other_folder = tmp_path / "other"
    other_folder.mkdir()
    other = lead_database(other_folder)  # same names, its own exchange id
    other_path = Path(other.path)
    other.close()
    with pytest.raises(RestoreRefused) as refused:
        restore_database(other_path, lead)
    assert "另一个医联体" in str(refused.value)
    # The way out it names for a unit's own older data (a reinstall made a new database):
    # a database not set up yet (the first run's 从备份恢复…) takes it.
    assert "从备份恢复" in str(refused.value)
    fresh = tmp_path / "fresh.sqlite"
    open_database(fresh).close()
    restore_database(other_path, fresh)
    import sqlite3

    def consortium(path: Path) -> list:
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT * FROM consortium").fetchall()

    assert consortium(fresh) == consortium(other_path)


def test_its_own_backup_restores(world, tmp_path) -> None:  # noqa: ANN001
    lead, member = world
    for path in (lead, member):
        copy = tmp_path / f"copy-{path.name}"
        copy_database(path, copy)
        assert restore_database(copy, path) is not None


def _plain_lead(path: Path, name: str = "测试医共体") -> Path:
    """A lead's database that never made a package: no exchange id."""
    import datetime as dt

    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions as inst_store

    db = open_database(path)
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name=name, kind="县域医共体", division="360428", lead=lead)
    db.close()
    return path


def _set_born(path: Path, moment: str) -> None:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE institution SET created_at = ? WHERE id = 1", (moment,))
    conn.close()


def test_another_leads_database_without_exchange_ids_does_not_restore(tmp_path) -> None:  # noqa: ANN001
    """rev3 of 2fa741e: two leads' databases that never made a package (no exchange id) were
    not told apart: the demo's, or another county's, replaced the data without a word. Each
    database's first institution row (the lead set up with it) carries its moment."""
    ours = _plain_lead(tmp_path / "ours.sqlite")
    theirs = _plain_lead(tmp_path / "theirs.sqlite", name="别的医共体")
    _set_born(ours, "2024-03-01 09:00:00")
    _set_born(theirs, "2025-06-02 10:30:00")
    own_copy = tmp_path / "own-copy.sqlite"
    copy_database(ours, own_copy)
    before = _digest(ours)
    with pytest.raises(RestoreRefused) as refused:
        restore_database(theirs, ours)
    message = str(refused.value)
    assert "另一个数据库" in message and "2025-06-02 10:30" in message, message
    assert "从备份恢复" in message
    assert _digest(ours) == before
    assert restore_database(own_copy, ours) is not None  # its own backup restores
    fresh = tmp_path / "fresh.sqlite"
    open_database(fresh).close()
    assert restore_database(theirs, fresh) is not None  # the way out named


def test_a_backup_from_before_every_unit_was_deleted_and_entered_again_restores(tmp_path) -> None:  # noqa: ANN001
    """rev5 of 98abdb0: a clerk who deleted every unit (the lead among them) and entered them
    again got row 1 back with a new moment (SQLite hands out the next free number), and the
    backup from before — the very thing a restore is for — was refused as another database's."""
    import dataclasses
    import datetime as dt
    import sqlite3

    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions as inst_store

    ours = _plain_lead(tmp_path / "ours.sqlite")
    _set_born(ours, "2024-03-01 09:00:00")
    backup = tmp_path / "backup.sqlite"
    copy_database(ours, backup)
    db = open_database(ours)
    with db.session() as s:
        inst_store.delete_institution(s, institution_id=1)
    again = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                            category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        assert inst_store.create_institution(s, data=dataclasses.replace(again)).id == 1
    db.close()
    _set_born(ours, "2024-03-05 14:00:00")  # entered again days later
    with sqlite3.connect(ours) as conn:
        assert conn.execute("SELECT count(*) FROM institution").fetchone() == (1,)
    conn.close()
    safety = restore_database(backup, ours)  # its own backup restores
    assert safety is not None
    assert restore_database(safety, ours) is not None  # and back again: the copy it kept
