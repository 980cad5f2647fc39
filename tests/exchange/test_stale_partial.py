"""A killed make leaves ``.~<package>.partial`` beside the target: the next make of the same
package (the same 医联体, unit and quarter, any time) removes it before writing; a failed write
removes its own; nothing of another name is touched."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli_package import run
from tests.exchange.world import PASSPHRASE, A, Q, enter_a, lead_database, member_database
from ylt_desktop.exchange import make_data_package, make_roster, package, sealed
from ylt_desktop.exchange.sealed import Keys

HOUR_AGO = time.time() - 3600


def _dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "pass"], check=True)  # noqa: S603
    assert done.returncode == 0
    child = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    child.wait()
    return child.pid


def _leftover(folder: Path, name: str, *, aged: bool = True) -> Path:
    path = folder / name
    path.write_bytes(b"YLTPKG half written")
    if aged:
        os.utime(path, (HOUR_AGO, HOUR_AGO))
    return path


def _family(made: Path) -> str:
    """``<医联体>-<单位>-2026Q3-`` of a package made."""
    return re.fullmatch(r"(.*-)\d{8}-\d{6}(?:-\d+)?\.ylt", made.name)[1]


@pytest.fixture
def member(tmp_path):  # noqa: ANN001, ANN201
    lead = lead_database(tmp_path)
    lead.close()
    db = member_database(lead, A, tmp_path)
    enter_a(db)
    yield db
    db.close()


def _make(db, out: Path) -> Path:  # noqa: ANN001
    with db.session() as s:
        return make_data_package(s, quarter=Q, passphrase=PASSPHRASE, out_dir=out)


def test_the_next_make_removes_a_killed_makes_partial(member, tmp_path) -> None:  # noqa: ANN001
    first = _make(member, tmp_path / "first")
    family = _family(first)
    out = tmp_path / "U盘"
    out.mkdir()
    killed = _leftover(out, f".~{family}20261130-093000.ylt.partial")  # as before this fix
    killed_n = _leftover(out, f".~{family}20261130-093001-2.ylt.partial")
    gone = _dead_pid()
    dead = _leftover(out, f".~{family}20261130-094500.ylt.{gone}-{sealed.HOST}.partial", aged=False)
    # Not ours, or not this package's: left alone.
    fresh = _leftover(out, f".~{family}20261130-095900.ylt.partial", aged=False)  # maybe live
    live = _leftover(
        out, f".~{family}20261130-095901.ylt.{os.getpid()}-{sealed.HOST}.partial", aged=False
    )
    # rev5 of 28228f1: a shared folder — another PC's live make: its id means nothing here
    other_pc = _leftover(out, f".~{family}20261130-095902.ylt.{gone}-0badc0de.partial", aged=False)
    other_pc_old_style = _leftover(out, f".~{family}20261130-095903.ylt.{gone}.partial", aged=False)
    roster = _leftover(out, f".~{family.removesuffix(f'{Q}-')}名册-20261130-093000.ylt.partial")
    other_quarter = _leftover(
        out, f".~{family.replace(str(Q), str(Q.prev()))}20261130-093000.ylt.partial"
    )  # noqa: E501
    other_unit = _leftover(out, f".~{family.replace(A, '别的卫生院')}20261130-093000.ylt.partial")
    theirs = [
        _leftover(out, name)
        for name in (f"{family}20261130-093000.ylt", f"~{family}20261130-093000.ylt.partial",
                     f".~{family}草稿.ylt.partial", f".~{family}20261130-093000.ylt.partial.bak",
                     "notes.partial", ".~报表.xlsx.partial")
    ]  # fmt: skip
    made = _make(member, out)
    assert not killed.exists() and not killed_n.exists() and not dead.exists()
    for kept in (fresh, live, other_pc, other_pc_old_style, roster, other_quarter, other_unit,
                 *theirs):  # fmt: skip
        assert kept.exists(), kept.name
    # The package written is whole and readable, and says what the first one said.
    read = package.read_package(made, Keys(PASSPHRASE), kind=None, exchange_id=None)
    before = package.read_package(first, Keys(PASSPHRASE), kind=None, exchange_id=None)
    assert read.header["quarter"] == str(Q) and read.parts == before.parts
    assert sorted(p.name for p in out.glob("*.partial")) == sorted(
        p.name
        for p in (
            fresh,
            live,
            other_pc,
            other_pc_old_style,
            roster,
            other_quarter,
            other_unit,
            *theirs[1:3],
            theirs[4],
            theirs[5],
        )  # fmt: skip
    )


def test_a_failed_write_leaves_no_partial(member, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import sealed

    def no_rename(src, dst):  # noqa: ANN001, ANN202
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(sealed.os, "replace", no_rename)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        _make(member, out)
    assert not out.exists() or list(out.iterdir()) == []


def test_ylt_package_make_removes_the_partial_a_killed_one_left(
    member, tmp_path, capsys, monkeypatch
) -> None:  # noqa: ANN001, E501
    family = _family(_make(member, tmp_path / "first"))
    location = member.location
    member.close()
    out = tmp_path / "out"
    out.mkdir()
    killed = _leftover(out, f".~{family}20261130-093000.ylt.partial")
    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    code, said = run(capsys, "package", "make", "--quarter", Q, "--out", out, "--db", location)
    assert code == 0, said
    assert not killed.exists()
    (made,) = out.glob("*.ylt")
    assert [p.name for p in out.iterdir()] == [made.name]


def test_a_roster_make_removes_its_own_partial_only(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    from tests.exchange.world import unit_ids

    with lead.session() as s:
        first = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                            out_dir=tmp_path / "first")  # fmt: skip
    family = _family(first)
    out = tmp_path / "out"
    out.mkdir()
    killed = _leftover(out, f".~{family}20261130-093000.ylt.partial")
    data = _leftover(out, f".~{family.removesuffix('名册-')}{Q}-20261130-093000.ylt.partial")
    with lead.session() as s:
        make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE, out_dir=out)
    lead.close()
    assert not killed.exists() and data.exists()
