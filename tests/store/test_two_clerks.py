"""Two clerks, one record, as two real programs on one SQLite file or one PostgreSQL database
(DESIGN.md §8), and a quarter submitted while an import writes: the loser is refused clearly,
nothing committed is lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.helpers.programs import Second, start_ylt
from tests.importing.conftest import INST_HEADER, village, write_book
from tests.store.test_two_programs import _clean, consortium  # noqa: F401 - fixture


def _row(path: Path, name: str) -> tuple:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, phone, contact, version FROM institution WHERE name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()


def _two_clerks(target: str, rid: int, read) -> None:  # noqa: ANN001
    """Two clerks' programs on one record of ``target``; ``read()`` gives its (phone, contact,
    version) as stored."""
    first = Second("clerk", target, "institution", str(rid))
    second = Second("clerk", target, "institution", str(rid))
    assert first.expect("loaded") == "loaded 1"
    assert second.expect("loaded") == "loaded 1"  # both forms open on the same version

    first.send("save phone=0792-2600001")
    assert first.expect("saved") == "saved 2"
    second.send("save contact=李四")
    refused = second.expect("refused")
    assert "该记录已被他人修改" in refused
    assert "phone=0792-2600001" in refused  # the other's values come with the refusal
    assert read() == ("0792-2600001", "", 2)  # theirs kept, mine not written

    second.send("delete")  # a delete based on the old version: refused as well
    assert "未删除" in second.expect("refused")
    assert read() is not None

    second.send("reload")  # the clerk redoes the edit on the version now
    assert second.expect("loaded") == "loaded 2"
    second.send("save contact=李四")
    assert second.expect("saved") == "saved 3"
    assert read() == ("0792-2600001", "李四", 3)  # both edits stand
    for clerk in (first, second):
        out, err, code = clerk.finish()
        _clean(out + err)
        assert code == 0, err


def test_the_second_clerks_save_and_delete_are_refused(consortium) -> None:  # noqa: ANN001, F811
    path, _backup = consortium
    rid = _row(path, "甲村卫生室")[0]
    _two_clerks(str(path), rid, lambda: _row(path, "甲村卫生室")[1:])


def _server_consortium(url: str) -> int:
    """A consortium with its 管理员 and a village clinic on the server database ``url``; the
    clinic's id."""
    import datetime as dt

    from tests.conftest import TEST_ADMIN
    from ylt_desktop.demo.users import DEMO_PASSWORDS
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.users import create_first_admin

    db = open_database(url)
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    village = InstitutionData(name="甲村卫生室", division="360428", category="村卫生室",
                              joined=dt.date(2024, 1, 1))  # fmt: skip
    try:
        with db.session() as s:
            institutions.initialize(s, name="测试医共体", kind="县域医共体", division="360428",
                                    lead=lead)  # fmt: skip
        with db.session() as s:
            create_first_admin(s, name=TEST_ADMIN, password=DEMO_PASSWORDS[TEST_ADMIN])
        with db.session() as s:
            return institutions.create_institution(s, data=village).id
    finally:
        db.close()


def test_two_clerks_on_a_server_database(pg_url) -> None:  # noqa: ANN001
    """The same two programs on one record of a PostgreSQL database (DESIGN.md §8)."""
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.models import Institution

    rid = _server_consortium(pg_url)
    db = open_database(pg_url)

    def read() -> tuple | None:
        with db.session() as s:
            inst = s.get(Institution, rid)
            return None if inst is None else (inst.phone, inst.contact, inst.version)

    try:
        _two_clerks(pg_url, rid, read)
    finally:
        db.close()


def _submit_waits_for_the_import(target: str, book: Path, before: int) -> None:
    """The import writes in one transaction holding the write lock; a submit meanwhile says it
    waits, and goes through once the import has committed: no half-imported quarter."""
    from sqlalchemy import create_engine, text

    from ylt_desktop.store.connect import is_server_url

    url = target.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url if is_server_url(target) else f"sqlite:///{target}")

    def scalar(sql: str):  # noqa: ANN202
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()

    try:
        importing = Second("import-writing", target, "institutions", str(book))
        importing.expect("writing")  # inside its one transaction, the lock held
        submit = start_ylt("submit", "--quarter", "2026Q1", "--by", "审核员", "--db", target)
        waiting = submit.stderr.readline()
        assert "正在等待" in waiting, waiting  # the clerk is told why nothing happens yet
        # Nothing of the import visible before it commits.
        assert scalar("SELECT count(*) FROM institution") == before
        importing.send()
        out, err, code = importing.finish()
        assert code == 0, err
        assert "新增 300 行" in out, out
        s_out, s_err = submit.communicate(timeout=120)
        assert submit.returncode == 0, s_err
        _clean(out + err + s_out + s_err)
        assert scalar("SELECT count(*) FROM institution") == before + 300
        assert scalar("SELECT quarter FROM quarter_lock") == "2026Q1"
        last_unit = scalar("SELECT max(id) FROM audit_entry WHERE table_name = 'institution'")
        lock_entry = scalar("SELECT id FROM audit_entry WHERE table_name = 'quarter_lock'")
        assert lock_entry > last_unit  # the submit came after the whole import, not inside it
    finally:
        engine.dispose()


def test_a_submit_waits_for_a_running_import_then_locks(consortium, tmp_path) -> None:  # noqa: ANN001, F811
    path, _backup = consortium
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER] + [village(n) for n in range(300)])
    _submit_waits_for_the_import(str(path), book, 3)


def test_a_submit_waits_for_a_running_import_on_a_server(pg_url, tmp_path) -> None:  # noqa: ANN001
    _server_consortium(pg_url)
    book = write_book(tmp_path / "units.xlsx", [INST_HEADER] + [village(n) for n in range(300)])
    _submit_waits_for_the_import(pg_url, book, 2)
