"""Review of 2fa741e on a server: a restore refused another database's file only for SQLite
files. A dump of another consortium's server database (another exchange id), or of a member's
database (成员库) over the lead's, replaced the data and the users without a word (the 管理员
who restored could not sign in any more). pg_backup.restore refuses it, as restore_database
does a file; a dump of this very database restores, one from before its exchange id too."""

from __future__ import annotations

import pytest

from tests.store.test_pg_restore_foreign import _sql
from tests.store.test_pg_restore_versions import _dump, _institutions
from ylt_desktop.store import pg_backup, server
from ylt_desktop.store.backup import RestoreRefused

OURS, THEIRS = "11111111-aaaa-4bbb-8ccc-000000000001", "22222222-aaaa-4bbb-8ccc-000000000002"


def _exchange_id(url: str, value: str | None) -> None:
    _sql(url, f"UPDATE consortium SET exchange_id = {'NULL' if value is None else repr(value)}")


def test_another_consortiums_dump_is_refused(demo_url, empty_url, tmp_path) -> None:  # noqa: ANN001
    _exchange_id(demo_url, THEIRS)
    theirs = _dump(demo_url, tmp_path / "theirs.dump")
    _exchange_id(demo_url, OURS)
    _sql(demo_url, "UPDATE institution SET name = name || '（本库）' WHERE id = 1")
    before = _institutions(demo_url)
    url = server.sqlalchemy_url(demo_url)
    with pytest.raises(RestoreRefused) as refused:
        pg_backup.refuse_other_dump(url, theirs)  # said before asking (恢复数据库…)
    assert "另一个医联体" in str(refused.value)
    with pytest.raises(RestoreRefused):
        pg_backup.restore(url, theirs)
    assert _institutions(demo_url) == before
    # The way out it names for the unit's own older data (a reinstall, a new passphrase): an
    # empty database on the server takes the dump.
    assert "新建的空数据库" in str(refused.value) and "改名" not in str(refused.value)
    pg_backup.restore(server.sqlalchemy_url(empty_url), theirs)
    assert _sql(empty_url, "SELECT exchange_id FROM consortium") == [[(THEIRS,)]]


def test_a_members_dump_is_refused_at_the_lead(demo_url, tmp_path) -> None:  # noqa: ANN001
    _exchange_id(demo_url, OURS)
    [[(member_id, name)]] = _sql(
        demo_url, "SELECT id, name FROM institution WHERE role <> '牵头单位' ORDER BY id LIMIT 1"
    )
    _sql(demo_url, f"UPDATE consortium SET db_kind = 'member', member_id = {member_id}")
    theirs = _dump(demo_url, tmp_path / "member.dump")
    _sql(demo_url, "UPDATE consortium SET db_kind = 'lead', member_id = NULL")
    url = server.sqlalchemy_url(demo_url)
    with pytest.raises(RestoreRefused) as refused:
        pg_backup.restore(url, theirs)
    message = str(refused.value)
    assert "成员库" in message and name in message and "汇总库" in message, message
    [[(kind,)]] = _sql(demo_url, "SELECT db_kind FROM consortium")
    assert kind == "lead"


def test_own_dumps_restore_also_one_from_before_the_exchange_id(demo_url, tmp_path) -> None:  # noqa: ANN001
    _exchange_id(demo_url, None)
    early = _dump(demo_url, tmp_path / "early.dump")
    _exchange_id(demo_url, OURS)
    own = _dump(demo_url, tmp_path / "own.dump")
    url = server.sqlalchemy_url(demo_url)
    for dump in (own, early):
        pg_backup.refuse_other_dump(url, dump)
        pg_backup.restore(url, dump)
    [[(exchange_id,)]] = _sql(demo_url, "SELECT exchange_id FROM consortium")
    assert exchange_id is None  # the early one's


def test_another_leads_dump_without_exchange_ids_is_refused(demo_url, tmp_path) -> None:  # noqa: ANN001
    """Neither has an exchange id: the first institution row's moment tells them apart."""
    _exchange_id(demo_url, None)
    first = "(SELECT min(id) FROM institution)"
    _sql(demo_url, f"UPDATE institution SET created_at = '2025-06-02 10:30:00' WHERE id = {first}")
    theirs = _dump(demo_url, tmp_path / "theirs.dump")
    _sql(demo_url, f"UPDATE institution SET created_at = '2024-03-01 09:00:00' WHERE id = {first}")
    own = _dump(demo_url, tmp_path / "own.dump")
    before = _institutions(demo_url)
    url = server.sqlalchemy_url(demo_url)
    with pytest.raises(RestoreRefused) as refused:
        pg_backup.refuse_other_dump(url, theirs)
    message = str(refused.value)
    assert "另一个数据库" in message and "2025-06-02 10:30" in message, message
    assert "新建的空数据库" in message
    with pytest.raises(RestoreRefused):
        pg_backup.restore(url, theirs)
    assert _institutions(demo_url) == before
    pg_backup.refuse_other_dump(url, own)  # its own dump restores
    pg_backup.restore(url, own)
