"""A member database belongs to one consortium: another consortium's roster is refused before
any key is tried (the right passphrase of the other consortium, or this one's, changes
nothing), naming both consortia, and the database stays as it was. At the set-up (an empty
database) the roster decides the consortium: any consortium's roster with its passphrase."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.exchange.test_refusals import dump
from tests.exchange.world import PASSPHRASE, A, lead_database, member_database, unit_ids
from ylt_desktop.exchange import PackageRefused, make_roster, open_roster
from ylt_desktop.store import exchange
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import Consortium
from ylt_desktop.store.tx import all_or_nothing

OTHER = "另一县医共体"
OTHER_PASSPHRASE = "另一县-交换口令-2026"


def _other_roster(tmp_path, name: str, passphrase: str):  # noqa: ANN001, ANN202
    other = lead_database(tmp_path / "other")  # same units, its own exchange id
    with other.session() as s, all_or_nothing(s):
        s.scalar(select(Consortium)).name = name
    with other.session() as s:
        exchange.set_passphrase(s, passphrase=passphrase)
        path = make_roster(s, member_id=unit_ids(s)[A], passphrase=passphrase,
                           out_dir=tmp_path / "other-rosters")  # fmt: skip
    other.close()
    return path


@pytest.mark.parametrize(
    ("name", "passphrase"),
    [(OTHER, OTHER_PASSPHRASE), (OTHER, PASSPHRASE), ("示例县医共体", PASSPHRASE)],
    ids=["its-own-passphrase", "this-passphrase", "same-name"],
)
def test_another_consortiums_roster_is_refused_at_a_member(tmp_path, name, passphrase) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    foreign = _other_roster(tmp_path, name, passphrase)
    before = dump(member.path)
    for typed in {passphrase, PASSPHRASE}:
        with member.session() as s, pytest.raises(PackageRefused) as refused:
            open_roster(s, foreign, passphrase=typed)
        message = str(refused.value)
        assert f"属于另一个医联体“{name}”" in message, message
        assert "本数据库属于医联体“示例县医共体”" in message and "不能打开" in message
        assert ("两者同名" in message) == (name == "示例县医共体")
        assert "口令" not in message  # refused for the consortium, not the passphrase
    assert dump(member.path) == before
    member.close()
    lead.close()


def test_at_the_set_up_the_roster_decides_the_consortium(tmp_path) -> None:  # noqa: ANN001
    """An empty database takes any consortium's roster with that consortium's passphrase; with
    another passphrase it is refused and the database stays empty."""
    foreign = _other_roster(tmp_path, OTHER, OTHER_PASSPHRASE)
    db = open_database(tmp_path / "new.sqlite")
    before = dump(db.path)
    with db.session() as s, pytest.raises(PackageRefused, match="交换口令"):
        open_roster(s, foreign, passphrase=PASSPHRASE)
    assert dump(db.path) == before
    with db.session() as s:
        result = open_roster(s, foreign, passphrase=OTHER_PASSPHRASE)
    assert result.created and result.consortium == OTHER and result.member == A
    with db.session() as s:
        c = s.scalar(select(Consortium))
        assert (c.name, c.db_kind) == (OTHER, "member")
    db.close()
