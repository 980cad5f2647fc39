"""A roster sets up only an EMPTY database (review of 05122c4): a database that holds records
but no consortium yet (units can be entered before 医联体信息) is not "set up" over its own
records (they were overwritten by the roster's units of the same id); refused, in the program's
call and in ``ylt package open``, before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.exchange.test_refusals import dump
from tests.exchange.world import PASSPHRASE, A, _unit, lead_database, unit_ids
from ylt_desktop.exchange import PackageRefused, make_roster, open_roster
from ylt_desktop.store import institutions
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import Institution

MINE = "我自己录入的卫生院"


def _roster(tmp_path: Path) -> Path:
    lead = lead_database(tmp_path / "lead")
    with lead.session() as s:
        path = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                           out_dir=tmp_path / "rosters")  # fmt: skip
    lead.close()
    return path


def _with_own_unit(path: Path) -> None:
    db = open_database(path)
    with db.session() as s:
        institutions.create_institution(s, data=_unit(MINE, "乡镇卫生院", "一级", "99999991"))
    db.close()


def test_a_database_with_records_but_no_consortium_is_not_set_up_from_a_roster(
    tmp_path,  # noqa: ANN001
) -> None:
    roster = _roster(tmp_path)
    path = tmp_path / "mine.sqlite"
    _with_own_unit(path)
    before = dump(path)
    db = open_database(path)
    with db.session() as s, pytest.raises(PackageRefused) as refused:
        open_roster(s, roster, passphrase=PASSPHRASE)
    message = str(refused.value)
    assert "已有数据" in message and "没有被改动" in message, message
    with db.session() as s:
        assert list(s.scalars(select(Institution.name))) == [MINE]
    db.close()
    assert dump(path) == before


def test_ylt_package_open_refuses_it_too(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    from ylt_desktop.cli import main

    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    roster = _roster(tmp_path)
    path = tmp_path / "mine.sqlite"
    _with_own_unit(path)
    before = dump(path)
    capsys.readouterr()
    assert main(["package", "open", str(roster), "--db", str(path)]) != 0
    captured = capsys.readouterr()
    assert "已有数据" in captured.err + captured.out
    assert dump(path) == before
