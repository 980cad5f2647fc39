"""Rosters for several members: when the 2nd fails (its disk write), the clerk is told that
the 1st was written (where) and that the 2nd and 3rd were not — in the exchange API, in
``ylt package roster`` and in 生成名册包 (tests/ui/test_packages_ui.py)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.cli.test_cli_package import run
from tests.exchange.world import PASSPHRASE, A, B, C, lead_database, unit_ids
from ylt_desktop.cli import main
from ylt_desktop.exchange import sealed as sealed_module


def full_for(monkeypatch: pytest.MonkeyPatch, unit: str) -> None:
    """The disk is full when ``unit``'s roster is written (its partial file cannot open)."""
    real_open = open

    def full_open(path, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if "w" in mode and str(path).endswith(".partial") and f"-{unit}-" in Path(path).name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(sealed_module, "open", full_open, raising=False)


def test_the_written_and_the_unwritten_are_named(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import RostersIncomplete, make_rosters

    lead = lead_database(tmp_path)
    full_for(monkeypatch, B)
    out = tmp_path / "rosters"
    with lead.session() as s:
        ids = unit_ids(s)
        with pytest.raises(RostersIncomplete) as caught:
            make_rosters(s, member_ids=[ids[A], ids[B], ids[C]], passphrase=PASSPHRASE,
                         out_dir=out)  # fmt: skip
    lead.close()
    exc = caught.value
    (written,) = out.glob("*.ylt")
    assert exc.written == [(A, written)] and exc.written_ids == [ids[A]]
    assert exc.failed == B and exc.not_tried == [C] and exc.not_written == [B, C]
    assert f"-{A}-名册-" in written.name
    text = str(exc)
    assert f"为“{B}”生成名册包时失败：磁盘空间不足" in text
    assert f"已生成 1 个名册包，保存在 {out}：" in text and f"{A}：{written.name}" in text
    assert f"未生成 2 个：{B}、{C}" in text
    assert not list(out.glob("*.partial"))


def test_the_first_failing_raises_its_own_error(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import make_rosters

    lead = lead_database(tmp_path)
    full_for(monkeypatch, A)
    with lead.session() as s:
        ids = unit_ids(s)
        with pytest.raises(OSError) as caught:
            make_rosters(s, member_ids=[ids[A], ids[B]], passphrase=PASSPHRASE,
                         out_dir=tmp_path / "out")  # fmt: skip
    lead.close()
    assert caught.value.errno == errno.ENOSPC
    assert not (tmp_path / "out").exists()  # made for the rosters, removed again


def test_ylt_package_roster_names_the_written_and_the_unwritten(
    tmp_path, capsys, monkeypatch
) -> None:  # noqa: ANN001, E501
    lead = lead_database(tmp_path)
    location = lead.location
    lead.close()
    monkeypatch.setenv("YLT_EXCHANGE_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "rosters"
    code, said = run(capsys, "package", "roster", "--member", A, "--member", B, "--out", out,
                     "--db", location)  # fmt: skip
    assert code == 0, said
    assert len(list(out.glob("*.ylt"))) == 2 and said.count("已生成名册包：") == 2
    for f in out.glob("*.ylt"):
        f.unlink()
    full_for(monkeypatch, B)
    code = main(["package", "roster", "--member", A, "--member", B, "--member", C,
                 "--out", str(out), "--db", str(location)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    (written,) = out.glob("*.ylt")
    assert captured.out == f"已生成名册包：{written}\n"
    assert f"为“{B}”生成名册包时失败：磁盘空间不足" in captured.err
    assert f"{A}：{written.name}" in captured.err and f"未生成 2 个：{B}、{C}" in captured.err
