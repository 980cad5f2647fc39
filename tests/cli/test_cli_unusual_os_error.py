"""A file error of an unusual kind (a file too large for a FAT32 USB stick, a failing disk)
during a command: one Chinese line and exit 2, never a Python traceback in English."""

from __future__ import annotations

import errno

import pytest

from ylt_desktop.cli import main


@pytest.mark.sqlite_only("the backup of a database file")
@pytest.mark.parametrize(
    ("code", "english"), [(errno.EFBIG, "File too large"), (errno.EIO, "Input/output error")]
)
def test_an_unusual_file_error_is_one_chinese_line(demo_path, tmp_path, capsys, monkeypatch,
                                                   code, english) -> None:  # noqa: ANN001  # fmt: skip
    from ylt_desktop.store import backup

    target = tmp_path / "U盘" / "备份.sqlite"

    def fail(source, dest, **kw):  # noqa: ANN001, ANN003, ANN202
        raise OSError(code, english, str(dest))

    monkeypatch.setattr(backup, "copy_database", fail)
    exit_code = main(["backup", "--db", str(demo_path), "--out", str(target)])
    err = capsys.readouterr().err
    assert exit_code == 2, err
    errors = [line for line in err.splitlines() if line.startswith("错误\t")]
    assert len(errors) == 1, err
    assert english not in err and "Traceback" not in err, err
    assert str(target) in err
