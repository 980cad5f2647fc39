"""Files that are not ours, read-only files and folders, a full disk (issue 11, cases 4, 5, 8,
9, 10; issue 13: the command line never hides a mistake).

Each refusal: exit 2, one Chinese line, no traceback, no SQL, the file's bytes unchanged and
nothing left behind. As root (CI), read-only cases drop the capabilities that bypass file
permissions (``setpriv``); the full disk is a small tmpfs mounted for the test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.programs import SETPRIV, ylt
from tests.helpers.ui_english import english_words
from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.cli import main
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import access
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store.db import open_database

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _count(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM institution").fetchone()[0]
    finally:
        conn.close()


def _make_db(path: Path) -> Path:
    db = open_database(path)
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428", lead=lead)
    with db.session() as s:  # the 管理员 that YLT_USER/YLT_PASSWORD sign in as (tests/conftest.py)
        from tests.conftest import TEST_ADMIN
        from ylt_desktop.demo.users import DEMO_PASSWORDS
        from ylt_desktop.store.users import create_first_admin

        create_first_admin(s, name=TEST_ADMIN, password=DEMO_PASSWORDS[TEST_ADMIN])
    db.close()
    return path


def _clean(text: str) -> None:
    assert "Traceback" not in text
    for word in ("SELECT", "INSERT", "UPDATE", "[SQL", "sqlite3.", "Error:"):
        assert word not in text, text


def _one_error_line(err: str, *needles: str) -> None:
    _clean(err)
    lines = [line for line in err.splitlines() if line.startswith("错误\t")]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], err


def _run(capsys, *argv: str) -> tuple[int, str]:  # noqa: ANN001
    capsys.readouterr()
    code = main(list(argv))
    out = capsys.readouterr()
    _clean(out.out + out.err)
    return code, out.err


def _commands(db: Path, tmp_path: Path) -> list[list[str]]:
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER, village(1)])
    return [
        ["institutions", "list", "--db", str(db)],
        ["import", "institutions", str(book), "--db", str(db)],
        ["export", "--quarter", "2026Q3", "--out", str(tmp_path / "out"), "--db", str(db)],
        ["backup", "--db", str(db)],
    ]


# ---------------------------------------------------------------- case 9, 10: not ours


@pytest.mark.parametrize("kind", ["zero-byte", "foreign", "half-foreign"])
def test_a_file_that_is_not_ours_is_refused_unwritten(kind, tmp_path, capsys) -> None:  # noqa: ANN001
    db = tmp_path / "other.sqlite"
    if kind == "zero-byte":
        db.write_bytes(b"")
    else:
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO patients (name) VALUES ('某某')")
        if kind == "half-foreign":  # a table named like one of ours
            conn.execute("CREATE TABLE staff (id INTEGER PRIMARY KEY)")
        conn.commit()
        conn.close()
    before = _digest(db)
    for argv in [*_commands(db, tmp_path), ["demo", "--db", str(db)]]:
        code, err = _run(capsys, *argv)
        assert code == 2, argv
        _one_error_line(err, "不是本程序的数据库", str(db))
    assert _digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.sqlite", "units.xlsx"]


def test_a_mistyped_db_is_refused_and_only_init_creates(tmp_path, capsys) -> None:  # noqa: ANN001
    db = tmp_path / "typo.sqlite"
    for argv in _commands(db, tmp_path):
        code, err = _run(capsys, *argv)
        assert code == 2, argv
        _one_error_line(err, "找不到数据库文件", "新建请用 ylt init")
    assert not db.exists()
    code, _err = _run(capsys, "init", "--db", str(db), "--name", "测试医共体", "--kind",
                      "县域医共体", "--division", "360428", "--lead", "示例县人民医院",
                      "--lead-uscc", "12100000400010398P")  # fmt: skip
    assert code == 0
    assert _count(db) == 1


def test_db_naming_a_folder_says_so(tmp_path, capsys) -> None:  # noqa: ANN001
    folder = tmp_path / "data"
    folder.mkdir()
    for argv in [*_commands(folder, tmp_path), ["restore", str(folder), "--db", str(folder)]]:
        code, err = _run(capsys, *argv)
        assert code == 2, argv
        assert "文件夹" in err and "已损坏" not in err, err
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- case 4, 5: read-only


def _unprivileged() -> tuple[str, ...]:
    if not ROOT:
        return ()
    if subprocess.run(["which", "setpriv"], capture_output=True).returncode != 0:
        pytest.skip(
            "runs as root without setpriv: cannot drop the permission-bypassing capabilities"
        )
    return SETPRIV


def test_a_read_only_database_file_fails_at_once(tmp_path) -> None:  # noqa: ANN001
    prefix = _unprivileged()
    db = _make_db(tmp_path / "ylt.sqlite")
    db.chmod(0o444)
    before = _digest(db)
    try:
        for argv in _commands(db, tmp_path)[1:]:
            start = time.monotonic()
            done = ylt(*argv, prefix=prefix, timeout=60)
            assert time.monotonic() - start < 30
            assert done.returncode == 2, done.stderr
            _one_error_line(done.stderr, "数据库文件只读", str(db))
            assert "已损坏" not in done.stderr
    finally:
        db.chmod(0o644)
    assert _digest(db) == before
    assert not (tmp_path / "backups").exists()
    assert not (tmp_path / "ylt.sqlite-wal").exists()


def test_a_read_only_folder_fails_with_the_reason(tmp_path) -> None:  # noqa: ANN001
    prefix = _unprivileged()
    folder = tmp_path / "ro"
    folder.mkdir()
    db = _make_db(folder / "ylt.sqlite")
    backup = tmp_path / "copy.sqlite"
    backup.write_bytes(db.read_bytes())
    before = _digest(db)
    folder.chmod(0o555)
    try:
        for argv in [*_commands(db, tmp_path), ["restore", str(backup), "--db", str(db)]]:
            done = ylt(*argv, prefix=prefix, timeout=60)
            assert done.returncode == 2, (argv, done.stderr)
            _one_error_line(done.stderr, "文件夹只读", str(folder))
            assert "已损坏" not in done.stderr
        # A new database in a read-only folder: refused before SQLite tries.
        done = ylt("init", "--db", str(folder / "new.sqlite"), "--name", "甲", "--kind", "县域医共体",
                   "--division", "360428", "--lead", "乙", prefix=prefix, timeout=60)  # fmt: skip
        assert done.returncode == 2
        _one_error_line(done.stderr, "文件夹只读", str(folder))
    finally:
        folder.chmod(0o755)
    assert _digest(db) == before
    assert sorted(p.name for p in folder.iterdir()) == ["ylt.sqlite"]


def test_an_unwritable_or_missing_out_folder(tmp_path, capsys) -> None:  # noqa: ANN001
    db = _make_db(tmp_path / "ylt.sqlite")
    code, err = _run(capsys, "export", "--quarter", "2026Q3", "--db", str(db),
                     "--out", str(tmp_path / "no" / "such" / "out"))  # fmt: skip
    assert code == 2
    _one_error_line(err, "输出文件夹不存在")
    assert not (tmp_path / "no").exists()
    a_file = tmp_path / "units.txt"
    a_file.write_text("x")
    code, err = _run(capsys, "backup", "--db", str(db), "--out", str(a_file / "copy.sqlite"))
    assert code == 2
    _one_error_line(err)


def test_an_unwritable_out_folder_as_a_user(tmp_path) -> None:  # noqa: ANN001
    prefix = _unprivileged()
    db = _make_db(tmp_path / "ylt.sqlite")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        for argv in (
            ["export", "--quarter", "2026Q3", "--db", str(db), "--out", str(out)],
            ["backup", "--db", str(db), "--out", str(out / "copy.sqlite")],
        ):
            done = ylt(*argv, prefix=prefix, timeout=60)
            assert done.returncode == 2, done.stderr
            _one_error_line(done.stderr, "只读", str(out))
    finally:
        out.chmod(0o755)
    assert list(out.iterdir()) == []


# ---------------------------------------------------------------- case 8: a full disk


@pytest.fixture
def small_disk(tmp_path) -> Path:  # noqa: ANN001
    """A 4 MB tmpfs (root only: CI runs as root)."""
    if not ROOT:
        pytest.skip("a full disk needs a tmpfs mount, which needs root (CI runs as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Leave about ``leave`` bytes free on ``disk``."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with open(disk / "filler.bin", "wb") as f:
        f.write(b"\0" * max(0, free - leave))


def _leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.rglob("*") if p.name.startswith(".") or "partial" in p.name
    )


def test_backup_on_a_full_disk(small_disk, tmp_path, capsys) -> None:  # noqa: ANN001
    db = _make_db(small_disk / "ylt.sqlite")
    before = _digest(db)
    _fill(small_disk, db.stat().st_size // 2)
    code, err = _run(capsys, "backup", "--db", str(db))
    assert code == 2
    _one_error_line(err, "磁盘空间不足（需要约", "MB）")
    assert _digest(db) == before
    assert _leftovers(small_disk) == []
    assert (
        list((small_disk / "backups").glob("*")) == []
        if (small_disk / "backups").exists()
        else True
    )


def test_import_on_a_full_disk(small_disk, tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    db = _make_db(small_disk / "ylt.sqlite")
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER] + [village(n) for n in range(3000)])
    # The backup before the import fits; the import's own writes do not (SQLite says "full").
    monkeypatch.setattr(access, "SPACE_MARGIN", 0)
    _fill(small_disk, db.stat().st_size + 2 * book.stat().st_size + 256 * 1024)
    code, err = _run(capsys, "import", "institutions", str(book), "--db", str(db))
    assert code == 2
    _one_error_line(err, "磁盘空间不足（需要约")
    assert len(list((small_disk / "backups").iterdir())) == 1  # the backup fitted
    assert _count(db) == 1
    assert _leftovers(small_disk) == []
    # Too little room even for the backup: refused before a byte is written, with the size.
    (small_disk / "backups").exists() and [p.unlink() for p in (small_disk / "backups").iterdir()]
    monkeypatch.setattr(access, "SPACE_MARGIN", 4 * access.MB)
    code, err = _run(capsys, "import", "institutions", str(book), "--db", str(db))
    assert code == 2
    _one_error_line(err, "磁盘空间不足（需要约")
    assert _count(db) == 1
    assert _leftovers(small_disk) == []


def test_restore_on_a_full_disk(small_disk, tmp_path, capsys) -> None:  # noqa: ANN001
    db = _make_db(small_disk / "ylt.sqlite")
    backup = tmp_path / "copy.sqlite"
    backup.write_bytes(db.read_bytes())
    before = _digest(db)
    _fill(small_disk, 64 * 1024)
    code, err = _run(capsys, "restore", str(backup), "--db", str(db))
    assert code == 2
    _one_error_line(err, "磁盘空间不足（需要约")
    assert _digest(db) == before
    assert _leftovers(small_disk) == []


def test_a_damaged_file_says_so_in_chinese_only(tmp_path) -> None:  # noqa: ANN001
    """The log's records (here the health check's English reason) go to the log folder, never
    to the terminal: Python prints a record nobody handles on stderr, in English, unmasked."""
    db = tmp_path / "damaged.sqlite"
    db.write_bytes(b"hello, this is not a database" * 10)
    state = tmp_path / "state"
    env = {**os.environ, "XDG_STATE_HOME": str(state), "PYTHONPATH": str(Path.cwd())}
    done = subprocess.run(
        [sys.executable, "-m", "ylt_desktop.cli", "check", "--quarter", "2026Q3", "--db", str(db)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    _one_error_line(done.stderr, "数据库文件已损坏")
    assert "cannot read" not in done.stderr and not english_words(done.stderr), done.stderr
    [log] = state.rglob("*.log")
    assert "cannot read damaged.sqlite as a database" in log.read_text(encoding="utf-8")


def test_a_full_log_disk_prints_nothing_of_the_log(small_disk, tmp_path) -> None:  # noqa: ANN001
    """Review of bf89437: the log file's disk is full. logging's own fault report ('--- Logging
    error ---', a traceback, the record's unmasked message and arguments) went to the
    terminal in English under the Chinese line; a record that cannot be written is dropped."""
    db = tmp_path / "damaged.sqlite"
    db.write_bytes(b"hello, this is not a database" * 10)
    state = small_disk / "state"
    (state / "YLTDesktop" / "log").mkdir(parents=True)
    _fill(small_disk, 0)
    env = {**os.environ, "XDG_STATE_HOME": str(state), "PYTHONPATH": str(Path.cwd())}
    done = subprocess.run(
        [sys.executable, "-m", "ylt_desktop.cli", "check", "--quarter", "2026Q3", "--db", str(db)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "Logging error" not in done.stderr, done.stderr
    _one_error_line(done.stderr, "数据库文件已损坏")
    assert not english_words(done.stderr), done.stderr
