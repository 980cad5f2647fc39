"""Export leftovers and storage faults (issue 11 case 15, case 8 for exports; issue 13: a return
open in Excel).

Temporary files are owner-only, live in the output folder (never the system temp folder), and
a killed export's are removed by the next one; a full disk or a target held open end in one
Chinese line, no temporary file left, the old file untouched.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.helpers.programs import ROOT, _env
from ylt_desktop.cli import main
from ylt_desktop.returns import files, path_limits
from ylt_desktop.returns.files import TEMP_PREFIX, FileInUse, export_quarter
from ylt_desktop.store.access import DiskFull

QUARTER = "2026Q3"

KILLED_EXPORT = textwrap.dedent(
    """
    import os, signal, sys
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.store import users
    from ylt_desktop.store.db import open_database

    users.DEFAULT_ACTOR = users.Actor("admin", "admin")  # a script: whole IDs need a reviewer
    db = open_database(sys.argv[1], create=False)

    def progress(done, total):
        if done >= 60:  # the workbook is written, the PDF half: killed
            os.kill(os.getpid(), signal.SIGKILL)

    with db.session() as s:
        export_quarter(s, Quarter.parse(sys.argv[3]), sys.argv[2], cover_fields={},
                       full_ids=True, id_reason="测试", progress=progress)
    """
)


def _temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{TEMP_PREFIX}*"))


@pytest.fixture
def program_umask() -> None:
    """The umask the program and ``ylt`` set at start (``private.private_umask``); without it
    this test passed only after some earlier test had run ``ylt`` in the same process."""
    before = os.umask(0o077)
    yield
    os.umask(before)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL and file modes are POSIX")
def test_a_killed_export_leaves_only_private_temps_which_the_next_export_removes(
    sample_db, tmp_path, program_umask
) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    out.mkdir()
    system_temp = tmp_path / "systemp"
    system_temp.mkdir()
    sample_db.close()
    env = _env() | {"TMPDIR": str(system_temp)}
    done = subprocess.run(
        [sys.executable, "-c", KILLED_EXPORT, sample_db.location, str(out), QUARTER],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = _temps(out)
    assert left, "the kill landed after the export"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in left), [
        oct(p.stat().st_mode) for p in left
    ]
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []
    assert list(system_temp.iterdir()) == []  # openpyxl's sheet files were not put there
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store.db import open_database

    db = open_database(sample_db.location)
    with db.session() as s:
        paths = export_quarter(s, Quarter.parse(QUARTER), out, cover_fields={})
    db.close()
    assert _temps(out) == []  # the dead process's files went at once, not after ten minutes
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
    # The finished return is the owner's only, like the database (issue 14: 0600).
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)


def test_temps_are_private_while_written(sample_db, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.returns import xlsx

    seen = []
    real = xlsx.write_xlsx

    def watching(ret, path, **kw):  # noqa: ANN001, ANN003, ANN202
        seen.append(stat.S_IMODE(Path(path).stat().st_mode))
        return real(ret, path, **kw)

    monkeypatch.setattr(xlsx, "write_xlsx", watching)
    real_mkstemp = __import__("tempfile").mkstemp
    made = []

    def mkstemp(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        fd, name = real_mkstemp(*args, **kw)
        made.append(Path(name))
        return fd, name

    monkeypatch.setattr("tempfile.mkstemp", mkstemp)
    out = tmp_path / "out"
    with sample_db.session() as s:
        export_quarter(s, Quarter.parse(QUARTER), out, cover_fields={}, pdf=False)
    assert seen == [0o600]
    assert made and all(p.parent == out and p.name.startswith(TEMP_PREFIX) for p in made)
    assert _temps(out) == []


def _export_argv(db: Path, out: Path) -> list[str]:
    return ["export", "--quarter", QUARTER, "--db", str(db), "--out", str(out)]


def test_a_return_open_in_excel_keeps_the_new_file_visible(sample_db, tmp_path, monkeypatch,
                                                            capsys) -> None:  # noqa: ANN001  # fmt: skip
    out = tmp_path / "out"
    assert main(_export_argv(sample_db.location, out)) == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    (xlsx_name,) = [n for n in old if n.endswith(".xlsx")]
    real_replace = os.replace

    def excel_holds(src, dst):  # noqa: ANN001, ANN202 - Windows refuses a rename over an open file
        if Path(dst).name == xlsx_name:
            raise PermissionError(errno.EACCES, "Access is denied", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", excel_holds)
    capsys.readouterr()
    assert main(_export_argv(sample_db.location, out)) == 2
    err = capsys.readouterr().err
    assert "文件正被其他程序（如 Excel）打开，请关闭后重试" in err and "Traceback" not in err
    kept = out / xlsx_name.replace(".xlsx", "（新）.xlsx")
    assert str(kept) in err
    assert kept.stat().st_size > 0
    assert (out / xlsx_name).read_bytes() == old[xlsx_name]  # the open file is untouched
    assert _temps(out) == []
    with pytest.raises(FileInUse):  # the program gets the same error, with the same text
        from ylt_desktop.domain.periods import Quarter

        with sample_db.session() as s:
            export_quarter(s, Quarter.parse(QUARTER), out, cover_fields={})


def test_a_full_disk_during_export(sample_db, tmp_path, monkeypatch, capsys) -> None:  # noqa: ANN001
    from ylt_desktop.returns import pdf

    out = tmp_path / "out"
    real = pdf.write_pdf

    def full(ret, path, **kw):  # noqa: ANN001, ANN003, ANN202
        real(ret, path, **kw)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pdf, "write_pdf", full)
    capsys.readouterr()
    assert main(_export_argv(sample_db.location, out)) == 2
    err = capsys.readouterr().err
    assert "磁盘空间不足（需要约" in err and "Traceback" not in err
    # Neither file nor a temporary one: the folder made for them was left empty, so went again.
    assert not out.exists()
    assert "已删除刚创建的空文件夹" in err
    with pytest.raises(DiskFull):
        from ylt_desktop.domain.periods import Quarter

        with sample_db.session() as s:
            export_quarter(s, Quarter.parse(QUARTER), out, cover_fields={})


@pytest.mark.parametrize("depth", [200, 245])
def test_a_folder_too_deep_for_windows_or_excel_is_said_before_writing(
    sample_db,
    tmp_path,
    monkeypatch,
    capsys,
    depth,  # noqa: ANN001
) -> None:
    """On the clerks' Windows PCs a workbook whose full path passes 218 characters does not
    open in Excel, and a path past 259 is not written at all: the export says so in one
    Chinese line, naming the folder, and writes nothing (an old return there stays)."""
    from ylt_desktop.domain.periods import Quarter

    monkeypatch.setattr(path_limits, "_path_limits_apply", lambda: True)
    out = tmp_path / "out"
    assert main(_export_argv(sample_db.location, out)) == 0  # a shallow folder: written
    deep = out
    while len(str(deep)) < depth:
        deep = deep / "下一级文件夹"
    deep.mkdir(parents=True)
    (deep / "旧报表.pdf").write_bytes(b"old")
    capsys.readouterr()
    assert main(_export_argv(sample_db.location, deep)) == 2
    err = capsys.readouterr().err
    assert "保存位置太深" in err and "Traceback" not in err and str(deep) in err
    assert "超过Excel 能打开的 218 个字符" in err
    assert sorted(p.name for p in deep.iterdir() if p.is_file()) == ["旧报表.pdf"]
    with sample_db.session() as s:  # the PDF alone: written unless past Windows' own limit
        if depth < 230:
            (pdf,) = export_quarter(s, Quarter.parse(QUARTER), deep, cover_fields={}, xlsx=False)
            assert pdf.stat().st_size > 0
            return
        with pytest.raises(files.PathTooLong, match="超过Windows 允许的 259 个字符"):
            export_quarter(s, Quarter.parse(QUARTER), deep, cover_fields={}, xlsx=False)
    assert sorted(p.name for p in deep.iterdir() if p.is_file()) == ["旧报表.pdf"]
