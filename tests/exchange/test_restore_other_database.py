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
