"""A full disk while a package is written (DESIGN §7; the brief's full-disk walk): refused
in Chinese, no file under the package's name, and no empty folder left where the program
made one (was: an empty folder on the USB stick, as 1bb7ca0 fixed for exports)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from tests.exchange.world import PASSPHRASE, A, Q, lead_database, member_database, unit_ids
from ylt_desktop.exchange import make_data_package, make_roster
from ylt_desktop.exchange import sealed as sealed_module
from ylt_desktop.store.access import explain


def _full(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = open

    def full_open(path, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if "w" in mode and str(path).endswith(".partial"):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(sealed_module, "open", full_open, raising=False)


def test_a_full_disk_leaves_no_package_and_no_new_folder(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    _full(monkeypatch)
    for db, make in (
        (member, lambda s, out: make_data_package(s, quarter=Q, passphrase=PASSPHRASE, out_dir=out)),
        (lead, lambda s, out: make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                                          out_dir=out)),
    ):  # fmt: skip
        out = tmp_path / "U盘" / "新文件夹"
        with db.session() as s, pytest.raises(OSError) as failed:
            make(s, out)
        assert "磁盘空间不足" in explain(failed.value)
        assert not out.exists()  # made for this package, removed again
        assert (tmp_path / "U盘").exists() is False
        kept = tmp_path / "已有"
        kept.mkdir(exist_ok=True)
        with db.session() as s, pytest.raises(OSError):
            make(s, kept)
        assert kept.is_dir() and list(kept.iterdir()) == []  # a folder that was there stays
    member.close()
    lead.close()
    assert not list(Path(tmp_path).rglob("*.partial"))
