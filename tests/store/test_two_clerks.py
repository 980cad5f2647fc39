"""Two clerks, one record, as two real programs on one SQLite file (DESIGN.md §8), and a quarter
submitted while an import writes: the loser is refused clearly, nothing committed is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers.programs import Second, start_ylt
from tests.importing.conftest import INST_HEADER, village, write_book
from tests.store.test_two_programs import _clean, _count, consortium  # noqa: F401 - fixture


def _row(path: Path, name: str) -> tuple:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, phone, contact, version FROM institution WHERE name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()


def test_the_second_clerks_save_and_delete_are_refused(consortium) -> None:  # noqa: ANN001, F811
    path, _backup = consortium
    rid = _row(path, "甲村卫生室")[0]
    first = Second("clerk", str(path), "institution", str(rid))
    second = Second("clerk", str(path), "institution", str(rid))
    assert first.expect("loaded") == "loaded 1"
    assert second.expect("loaded") == "loaded 1"  # both forms open on the same version

    first.send("save phone=0792-2600001")
    assert first.expect("saved") == "saved 2"
    second.send("save contact=李四")
    refused = second.expect("refused")
    assert "该记录已被他人修改" in refused
    assert "phone=0792-2600001" in refused  # the other's values come with the refusal
    assert _row(path, "甲村卫生室")[1:] == ("0792-2600001", "", 2)  # theirs kept, mine not in

    second.send("delete")  # a delete based on the old version: refused as well
    assert "未删除" in second.expect("refused")
    assert _row(path, "甲村卫生室") is not None

    second.send("reload")  # the clerk redoes the edit on the version now
    assert second.expect("loaded") == "loaded 2"
    second.send("save contact=李四")
    assert second.expect("saved") == "saved 3"
    assert _row(path, "甲村卫生室")[1:] == ("0792-2600001", "李四", 3)  # both edits stand
    for clerk in (first, second):
        out, err, code = clerk.finish()
        _clean(out + err)
        assert code == 0, err


def test_a_submit_waits_for_a_running_import_then_locks(consortium, tmp_path) -> None:  # noqa: ANN001, F811
    """The import writes in one transaction holding the write lock; a submit meanwhile says it
    waits, and goes through once the import has committed: no half-imported quarter."""
    path, _backup = consortium
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER] + [village(n) for n in range(300)])
    importing = Second("import-writing", str(path), "institutions", str(book))
    importing.expect("writing")  # inside its one transaction, the lock held
    submit = start_ylt("submit", "--quarter", "2026Q1", "--by", "审核员", "--db", str(path))
    waiting = submit.stderr.readline()
    assert "正在等待" in waiting, waiting  # the clerk is told why nothing happens yet
    assert _count(path) == 3  # nothing of the import visible before it commits
    importing.send()
    out, err, code = importing.finish()
    assert code == 0, err
    assert "新增 300 行" in out, out
    s_out, s_err = submit.communicate(timeout=120)
    assert submit.returncode == 0, s_err
    _clean(out + err + s_out + s_err)
    assert _count(path) == 3 + 300
    conn = sqlite3.connect(path)
    try:
        locked = conn.execute("SELECT quarter FROM quarter_lock").fetchall()
        last_unit = conn.execute(
            "SELECT max(id) FROM audit_entry WHERE table_name = 'institution'"
        ).fetchone()[0]
        lock_entry = conn.execute(
            "SELECT id FROM audit_entry WHERE table_name = 'quarter_lock'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert locked == [("2026Q1",)]
    assert lock_entry > last_unit  # the submit came after the whole import, not inside it
