"""All valid rows or nothing, in one transaction; updates instead of duplicates; references."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.importing.conftest import INST_HEADER, dump, village, write_book
from ylt_desktop import cli
from ylt_desktop.importing import import_file
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store import institutions_bulk as inst_bulk
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import AuditEntry, Institution


def _forty(tmp_path, *, bad_at: int = 30):  # noqa: ANN001, ANN202
    rows = [village(n) for n in range(1, 41)]
    rows[bad_at - 1][7] = "2024年2月30日"  # the 30th data row: a date that does not exist
    return write_book(tmp_path / "forty.xlsx", [INST_HEADER, *rows], title="成员单位表")


def _count(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return inst_store.count_institutions(s)


def test_dry_run_lists_the_bad_row_and_writes_nothing(tmp_path, lead_db):  # noqa: ANN001
    before = dump(lead_db)
    report = import_file(lead_db, "institutions", _forty(tmp_path))
    assert (report.new, report.rejected) == (39, 1)
    (problem,) = report.problems
    assert problem.row == 32  # title row, header row, then data: the 30th data row is row 32
    assert str(problem).startswith("第32行 H列（加入日期）：") and "2月30日" in str(problem)
    assert dump(lead_db) == before


def test_a_bad_row_blocks_the_whole_import_by_default(tmp_path, lead_db):  # noqa: ANN001
    before = dump(lead_db)
    report = import_file(lead_db, "institutions", _forty(tmp_path), dry_run=False)
    assert not report.written and report.rejected == 1
    assert dump(lead_db) == before
    assert (
        cli.main(["import", "institutions", str(_forty(tmp_path)), "--db", lead_db.location]) == 1
    )
    assert dump(lead_db) == before


def test_only_valid_writes_the_others_in_one_transaction(tmp_path, lead_db, monkeypatch):  # noqa: ANN001
    begins = []
    real = inst_store.transaction

    def counting(session):  # noqa: ANN001, ANN202
        begins.append(session.info.get("ylt_outer_transaction", False))
        return real(session)

    monkeypatch.setattr(inst_store, "transaction", counting)
    monkeypatch.setattr(inst_bulk, "transaction", counting)  # the bulk commands' own
    path = _forty(tmp_path)
    code = cli.main(["import", "institutions", str(path), "--db", lead_db.location, "--only-valid"])
    assert code == 1  # a row was rejected; the rest were written
    assert _count(lead_db) == 1 + 39
    # Every command (one per run of new rows, on either side of the bad row) joined the one
    # outer transaction.
    assert len(begins) == 2 and all(begins)
    with lead_db.session() as s:
        users = {e.user for e in s.query(AuditEntry).filter_by(table_name="institution")}
    assert users and "" not in users


def test_an_exception_midway_leaves_the_database_as_it_was(tmp_path, lead_db, monkeypatch):  # noqa: ANN001
    from ylt_desktop.importing import apply

    rows = [village(n) for n in range(1, 41)]
    path = write_book(tmp_path / "ok.xlsx", [INST_HEADER, *rows])
    before = dump(lead_db)
    calls = []
    real = inst_bulk.create_institutions

    def failing(session, *, rows):  # noqa: ANN001, ANN202
        calls.append(len(rows))
        if len(calls) == 3:  # rows 21-30: two batches are flushed in the transaction by now
            raise OSError("disk full")
        return real(session, rows=rows)

    monkeypatch.setattr(apply, "BATCH", 10)
    monkeypatch.setattr(inst_bulk, "create_institutions", failing)
    with pytest.raises(OSError):
        import_file(lead_db, "institutions", path, dry_run=False)
    assert calls == [10, 10, 10]
    assert dump(lead_db) == before
    if lead_db.on_server:  # dumped with pg_dump into the (test's) data folder
        from ylt_desktop.store import pg_backup

        assert any(pg_backup.backup_folder().glob("*before-import.dump"))
    else:
        assert any((lead_db.path.parent / "backups").glob("*before-import*"))


def test_an_exception_in_a_single_create_leaves_the_database_as_it_was(
    tmp_path, lead_db, monkeypatch
):  # noqa: ANN001
    """A row the bulk command refuses is written again alone; that path rolls back as well."""
    from ylt_desktop.domain.problems import RuleViolation, error

    rows = [village(n) for n in range(1, 41)]
    path = write_book(tmp_path / "ok.xlsx", [INST_HEADER, *rows])
    before = dump(lead_db)
    calls = []
    real = inst_store.create_institution

    def refusing(session, *, rows):  # noqa: ANN001, ANN202, ARG001
        raise RuleViolation([error("name", "模拟：存储层拒绝")])

    def failing(session, *, data):  # noqa: ANN001, ANN202
        calls.append(data.name)
        if len(calls) == 25:
            raise OSError("disk full")
        return real(session, data=data)

    monkeypatch.setattr(inst_bulk, "create_institutions", refusing)
    monkeypatch.setattr(inst_store, "create_institution", failing)
    with pytest.raises(OSError):
        import_file(lead_db, "institutions", path, dry_run=False)
    assert len(calls) == 25
    assert dump(lead_db) == before


def test_rows_matching_records_update_them(tmp_path, lead_db):  # noqa: ANN001
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, village(1, beds=5), village(2)])
    assert import_file(lead_db, "institutions", path, dry_run=False).new == 2
    again = write_book(tmp_path / "b.xlsx", [INST_HEADER, village(1, beds=9), village(2)])
    report = import_file(lead_db, "institutions", again, dry_run=False)
    assert (report.new, report.changed, report.unchanged) == (0, 1, 1)
    assert _count(lead_db) == 3
    with lead_db.session() as s:
        inst = s.query(Institution).filter_by(name="测试村1卫生室").one()
        assert (inst.beds_authorised, inst.beds_actual) == (9, 9)


def test_duplicate_rows_in_one_file_are_rejected(tmp_path, lead_db):  # noqa: ANN001
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, village(1), village(2), village(1)])
    report = import_file(lead_db, "institutions", path)
    assert report.rejected == 1 and "与第2行为同一机构" in report.problems[0].message


def _staff_rows():  # noqa: ANN202
    header = ["姓名", "证件号码", "职称", "专业", "派出单位", "接收单位", "流动形式", "开始日期",
              "结束日期"]  # fmt: skip
    return [
        header,
        [
            "王芳",
            "11010519491231002X",
            "主治医师",
            "内科",
            "示例县人民医院",
            "测试村1卫生室",
            "坐诊/巡诊",
            "2026.1.5",
            "2026/3/31",
        ],  # fmt: skip
        [
            "王芳",
            "11010519491231002X",
            "主治医师",
            "内科",
            "示例县人民医院",
            "测试村2卫生室",
            "带教/查房",
            "2026年4月1日",
            46143,
        ],  # fmt: skip
    ]


def test_rotations_create_their_staff_and_match_on_reimport(tmp_path, lead_db):  # noqa: ANN001
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1), village(2)]),
                dry_run=False)  # fmt: skip
    path = write_book(tmp_path / "r.xlsx", _staff_rows())
    report = import_file(lead_db, "rotations", path, dry_run=False)
    assert report.written and report.new == 2, [str(p) for p in report.problems]
    with lead_db.session() as s:
        (person,) = staff_store.list_staff(s)
        assert (person.name, person.sex, person.home.name) == ("王芳", "女", "示例县人民医院")
    again = import_file(lead_db, "rotations", path)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    staff = import_file(lead_db, "staff", path)
    assert (staff.new, staff.unchanged) == (0, 2)


def test_agreements_by_names_with_any_separator(tmp_path, lead_db):  # noqa: ANN001
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1), village(2), village(3)]),
                dry_run=False)  # fmt: skip
    header = ["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期"]
    rows = [
        [
            "XY-1",
            "影像协议",
            "区域医学影像中心",
            "示例县人民医院",
            "测试村1卫生室、测试村2卫生室",
            dt.date(2025, 1, 1),
        ],  # fmt: skip
        [
            "XY-2",
            "心电协议",
            "区域心电诊断中心",
            "示例县人民医院",
            "测试村1卫生室;测试村3卫生室，测试村2卫生室",
            "2025-01-01",
        ],  # fmt: skip
        ["XY-3", "未知单位", "远程会诊", "示例县人民医院", "不存在的医院", "2025-01-01"],
    ]
    report = import_file(lead_db, "agreements", write_book(tmp_path / "a.xlsx", [header, *rows]),
                         dry_run=False, only_valid=True)  # fmt: skip
    assert report.written and (report.new, report.rejected) == (2, 1)
    assert "“不存在的医院”不是本医联体的成员单位" in str(report.problems[0])


def test_a_file_without_the_staff_column_leaves_it_unknown(tmp_path, lead_db):  # noqa: ANN001
    """A 表1 without 在岗职工 (as an older return printed it) imports into a database without
    those units: 在岗职工 stays empty (not 0), so 卫生技术人员 ≤ 在岗职工 does not apply."""
    from ylt_desktop.store.models import Institution

    header = [*INST_HEADER, "卫生技术人员"]
    book = write_book(tmp_path / "t1.xlsx", [header, [*village(1), 12], [*village(2), 0]])
    report = import_file(lead_db, "institutions", book, dry_run=False)
    assert report.written and (report.new, report.rejected) == (2, 0)
    with lead_db.session() as s:
        found = {i.name: (i.staff_total, i.health_tech_staff) for i in s.query(Institution)}
    assert found["测试村1卫生室"] == (None, 12) and found["测试村2卫生室"] == (None, 0)


def _new_people_rows(n: int) -> list[list]:
    """``n`` rotations, each of a person not yet on the register."""
    from tests.helpers.people import ric

    header = ["姓名", "证件号码", "职称", "专业", "派出单位", "接收单位", "流动形式", "开始日期",
              "结束日期"]  # fmt: skip
    return [header] + [
        [f"新人{i}", ric(dt.date(1980, 1, 1), "女", i), "主治医师", "内科", "示例县人民医院",
         "测试村1卫生室", "坐诊/巡诊", dt.date(2026, 1, 5), dt.date(2026, 3, 31)]
        for i in range(n)
    ]  # fmt: skip


def test_new_people_and_their_rotations_are_written_in_bulk(tmp_path, lead_db, monkeypatch):  # noqa: ANN001
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip
    calls = []
    real = staff_store.create_many_staff
    monkeypatch.setattr(staff_store, "create_many_staff",
                        lambda s, *, rows: calls.append(len(rows)) or real(s, rows=rows))  # fmt: skip
    report = import_file(lead_db, "rotations", write_book(tmp_path / "r.xlsx", _new_people_rows(30)),
                         dry_run=False)  # fmt: skip
    assert report.written and report.new == 30, [str(p) for p in report.problems]
    assert calls == [30]  # one bulk command for the people, not one create per row
    with lead_db.session() as s:
        people = {p.name: p.home.name for p in staff_store.list_staff(s)}
    assert people == {f"新人{i}": "示例县人民医院" for i in range(30)}


def test_a_refused_bulk_of_new_people_is_written_row_by_row(tmp_path, lead_db, monkeypatch):  # noqa: ANN001
    """When the bulk check refuses (here: made to), nothing of the batch is written, and the
    row-by-row fallback registers each new person exactly once."""
    from ylt_desktop.domain.problems import error
    from ylt_desktop.store import rotations_bulk

    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip

    def refuse_one(session, rows, **kw):  # noqa: ANN001, ANN003, ANN202
        return [[error("start", "拒绝")] if i == 3 else [] for i in range(len(rows))]

    monkeypatch.setattr(rotations_bulk, "check_new_rotations", refuse_one)
    report = import_file(lead_db, "rotations", write_book(tmp_path / "r.xlsx", _new_people_rows(8)),
                         dry_run=False)  # fmt: skip
    assert report.written and report.new == 8, [str(p) for p in report.problems]
    with lead_db.session() as s:
        assert sorted(p.name for p in staff_store.list_staff(s)) == sorted(
            f"新人{i}" for i in range(8)
        )


def test_rotations_refused_after_their_people_were_written_fail_the_import(
    tmp_path, lead_db, monkeypatch
):  # noqa: ANN001
    from ylt_desktop.domain.problems import RuleViolation, error
    from ylt_desktop.store import rotations_bulk

    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip
    before = dump(lead_db)

    def refuse(session, *, rows, today=None):  # noqa: ANN001, ANN202
        raise RuleViolation([error("start", "拒绝")])

    monkeypatch.setattr(rotations_bulk, "create_rotations", refuse)
    with pytest.raises(RuntimeError, match="新登记人员已写入但流动记录被拒绝"):
        import_file(lead_db, "rotations", write_book(tmp_path / "r.xlsx", _new_people_rows(5)),
                    dry_run=False, only_valid=True)  # fmt: skip
    after = dump(lead_db)
    assert {k: v for k, v in after.items() if k != "setting"} == {
        k: v for k, v in before.items() if k != "setting"
    }


def _rotation_rows(*rows: tuple) -> list[list]:
    """A 表2-like sheet: (name, seq, to, form, start, end) per row, all from the lead unit."""
    from tests.helpers.people import ric

    header = ["姓名", "证件号码", "职称", "专业", "派出单位", "接收单位", "流动形式", "开始日期",
              "结束日期"]  # fmt: skip
    return [header] + [
        [name, ric(dt.date(1980, 1, 1), "女", seq), "主治医师", "内科", "示例县人民医院", to,
         form, start, end]
        for name, seq, to, form, start, end in rows
    ]  # fmt: skip


def test_a_row_refused_by_the_store_registers_nobody(tmp_path, lead_db):  # noqa: ANN001
    """The plan does not see submitted quarters; the store does. With "only valid rows", the
    refused row's new person must not be registered while the others are written."""
    from ylt_desktop.store.quarters import submit_quarter

    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip
    with lead_db.session() as s:
        submit_quarter(s, quarter="2026Q1", by="审核人")
    q4, q1 = (
        (dt.date(2025, 10, 6), dt.date(2025, 12, 19)),
        (dt.date(2026, 1, 5), dt.date(2026, 2, 6)),
    )
    book = write_book(tmp_path / "r.xlsx", _rotation_rows(
        ("新人0", 0, "测试村1卫生室", "坐诊/巡诊", *q4),
        ("新人1", 1, "测试村1卫生室", "坐诊/巡诊", *q1),
        ("新人2", 2, "测试村1卫生室", "坐诊/巡诊", *q4)))  # fmt: skip
    report = import_file(lead_db, "rotations", book, dry_run=False, only_valid=True)
    assert (report.new, report.rejected) == (2, 1), [str(p) for p in report.problems]
    (refused,) = [p for p in report.problems if p.is_error]
    assert refused.row == 3 and "2026年第1季度已报送并锁定" in refused.message
    assert len({str(p) for p in report.problems}) == len(report.problems)  # none twice
    with lead_db.session() as s:
        assert sorted(p.name for p in staff_store.list_staff(s)) == ["新人0", "新人2"]


def test_a_new_persons_later_row_is_written_when_their_first_was_refused(tmp_path, lead_db):  # noqa: ANN001
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip
    dates = (dt.date(2025, 10, 6), dt.date(2025, 12, 19))
    book = write_book(tmp_path / "r.xlsx", _rotation_rows(
        ("新人0", 0, "不存在的卫生院", "坐诊/巡诊", *dates),  # refused: not a member
        ("新人0", 0, "测试村1卫生室", "坐诊/巡诊", *dates)))  # fmt: skip
    dry = import_file(lead_db, "rotations", book)
    report = import_file(lead_db, "rotations", book, dry_run=False, only_valid=True)
    assert (dry.new, dry.rejected) == (report.new, report.rejected) == (1, 1)
    with lead_db.session() as s:
        (person,) = staff_store.list_staff(s)
        assert person.name == "新人0"


def test_dates_an_earlier_row_frees_may_be_taken_by_a_later_row(tmp_path, lead_db):  # noqa: ANN001
    """Row 1 shortens 新人0's posting; row 2 posts them again on the freed dates: accepted,
    as the two single updates in turn would be."""
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1), village(2)]),
                dry_run=False)  # fmt: skip
    start = dt.date(2025, 1, 6)
    first = write_book(tmp_path / "a.xlsx", _rotation_rows(
        ("新人0", 0, "测试村1卫生室", "派驻", start, dt.date(2025, 3, 31))))  # fmt: skip
    assert import_file(lead_db, "rotations", first, dry_run=False).new == 1
    second = write_book(tmp_path / "b.xlsx", _rotation_rows(
        ("新人0", 0, "测试村1卫生室", "派驻", start, dt.date(2025, 1, 20)),
        ("新人0", 0, "测试村2卫生室", "派驻", dt.date(2025, 2, 1), dt.date(2025, 2, 28))))  # fmt: skip
    report = import_file(lead_db, "rotations", second, dry_run=False)
    assert (report.changed, report.new, report.rejected) == (1, 1, 0), [
        str(p) for p in report.problems
    ]


def test_a_cancel_while_the_last_batch_is_written_leaves_nothing(
    lead_db, tmp_path, monkeypatch
) -> None:  # noqa: ANN001, E501
    """Cancel is polled once more after the last batch, before the commit: a cancel that
    arrives while the rows are being written rolls the whole import back."""
    from ylt_desktop.importing import apply

    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, village(1), village(2)])
    before = dump(lead_db)
    written: list[bool] = []
    real = apply._write_batch  # noqa: SLF001

    def writing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        real(*args, **kwargs)
        written.append(True)  # the rows are in the transaction; the clerk cancels now

    monkeypatch.setattr(apply, "_write_batch", writing)
    with pytest.raises(apply.Cancelled):
        import_file(lead_db, "institutions", path, dry_run=False, cancel=lambda: bool(written))
    assert written == [True]
    assert dump(lead_db) == before
