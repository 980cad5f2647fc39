"""Imports refuse what the forms refuse in free text (专业 over its limit; a whole identity
number in a rotation's 备注 or an agreement's 协议名称), with a message naming the field that
never repeats the number; nothing is written (all or nothing), a new person of the refused
file included. (协议条款 and 终止原因 are no import columns.) An agreement whose title an older
program took with a number still takes its volumes from an import."""

from __future__ import annotations

import datetime as dt

from tests.helpers.people import ric
from tests.importing.conftest import INST_HEADER, dump, village, write_book
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.staff import SPECIALTY_MAX
from ylt_desktop.importing import import_file

SOMEONE = ric(dt.date(1975, 3, 8), "男", 7)
STAFF_HEADER = ["姓名", "性别", "证件号码", "职称", "专业", "所属机构"]


def test_a_specialty_over_the_limit_is_refused_and_nothing_is_written(tmp_path, lead_db) -> None:  # noqa: ANN001
    rows = [
        STAFF_HEADER,
        ["李秀英", "女", ric(dt.date(1984, 7, 9), "女", 3), "主治医师", "内科", "示例县人民医院"],
        ["王建", "男", SOMEONE, "主治医师", "内" * (SPECIALTY_MAX + 1), "示例县人民医院"],
    ]
    before = dump(lead_db)
    report = import_file(lead_db, "staff", write_book(tmp_path / "s.xlsx", rows), dry_run=False)
    assert not report.written and report.rejected == 1
    (problem,) = [p for p in report.problems if p.is_error]
    assert problem.row == 3
    assert f"专业不得超过{SPECIALTY_MAX}个字符（现为{SPECIALTY_MAX + 1}个）" in problem.message
    assert dump(lead_db) == before


ROTATION_HEADER = ["姓名", "证件号码", "职称", "专业", "派出单位", "接收单位", "流动形式",
                   "开始日期", "结束日期", "备注"]  # fmt: skip


def rotation_row(name: str, number: str, note: str, start: dt.date) -> list:
    return [name, number, "主治医师", "内科", "示例县人民医院", "测试村1卫生室", "坐诊/巡诊",
            start, start + dt.timedelta(days=20), note]  # fmt: skip


def test_a_rotation_note_with_an_identity_number_refuses_the_import(tmp_path, lead_db) -> None:  # noqa: ANN001
    import_file(lead_db, "institutions", write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]),
                dry_run=False)  # fmt: skip
    first = rotation_row(
        "李秀英", ric(dt.date(1984, 7, 9), "女", 3), "每周二坐诊", dt.date(2026, 1, 5)
    )
    rows = [ROTATION_HEADER, first,
            rotation_row("王建", SOMEONE, f"王建 {SOMEONE}", dt.date(2026, 2, 2))]  # fmt: skip
    before = dump(lead_db)
    book = write_book(tmp_path / "r.xlsx", rows)
    for dry_run in (True, False):
        report = import_file(lead_db, "rotations", book, dry_run=dry_run)
        assert not report.written and report.rejected == 1
        (problem,) = [p for p in report.problems if p.is_error]
        assert problem.row == 3 and problem.message.startswith("备注中含有居民身份证号码")
        assert SOMEONE not in str(problem) and SOMEONE not in report.summary()
    assert dump(lead_db) == before  # not even the new persons
    written = import_file(lead_db, "rotations", write_book(tmp_path / "ok.xlsx", rows[:2]),
                          dry_run=False)  # fmt: skip
    assert written.written and written.new == 1
    changed = write_book(
        tmp_path / "again.xlsx", [ROTATION_HEADER, [*first[:-1], f"（{SOMEONE}）"]]
    )
    report = import_file(lead_db, "rotations", changed, dry_run=False)
    assert not report.written and report.rejected == 1 and report.changed == 0
    with lead_db.session() as s:
        from ylt_desktop.store.rotations import list_rotations

        assert [r.note for r in list_rotations(s)] == ["每周二坐诊"]


AGREEMENT_HEADER = ["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期"]


def test_an_agreement_title_with_an_identity_number_refuses_the_import(tmp_path, lead_db) -> None:  # noqa: ANN001
    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1), village(2)]),
                dry_run=False)  # fmt: skip
    rows = [AGREEMENT_HEADER,
            ["XY-1", "影像协议", "区域医学影像中心", "示例县人民医院", "测试村1卫生室",
             dt.date(2025, 1, 1)],
            ["XY-2", f"心电协议 联系人{SOMEONE}", "区域心电诊断中心", "示例县人民医院",
             "测试村2卫生室", dt.date(2025, 1, 1)]]  # fmt: skip
    before = dump(lead_db)
    for dry_run in (True, False):
        report = import_file(lead_db, "agreements", write_book(tmp_path / "a.xlsx", rows),
                             dry_run=dry_run)  # fmt: skip
        assert not report.written and report.rejected == 1
        (problem,) = [p for p in report.problems if p.is_error]
        assert problem.row == 3 and problem.message.startswith("协议名称中含有居民身份证号码")
        assert SOMEONE not in str(problem)
    assert dump(lead_db) == before


def test_an_old_agreement_with_a_number_in_its_title_still_takes_volumes(tmp_path, lead_db) -> None:  # noqa: ANN001
    from sqlalchemy import update

    from ylt_desktop.store.models import Agreement
    from ylt_desktop.store.tx import transaction

    import_file(lead_db, "institutions",
                write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]), dry_run=False)  # fmt: skip
    first = [AGREEMENT_HEADER, ["XY-1", "影像协议", "区域医学影像中心", "示例县人民医院",
                                "测试村1卫生室", dt.date(2025, 1, 1)]]  # fmt: skip
    assert import_file(lead_db, "agreements", write_book(tmp_path / "a.xlsx", first),
                       dry_run=False).written  # fmt: skip
    title = f"影像协议 联系人{SOMEONE}"
    with lead_db.session() as s, transaction(s):  # an older program took it
        s.execute(update(Agreement).values(title=title))
    volumes = [["协议编号", "本季度服务量"], ["XY-1", "影像诊断例数：120"]]
    report = import_file(lead_db, "agreements", write_book(tmp_path / "v.xlsx", volumes),
                         dry_run=False, quarter=Quarter(2026, 1))  # fmt: skip
    assert report.written and report.changed == 1, [str(p) for p in report.problems]
    (warned,) = report.problems
    assert not warned.is_error and "协议名称中含有居民身份证号码" in warned.message
    with lead_db.session() as s:
        (a,) = s.query(Agreement)
        assert a.title == title and [(v.quarter, v.value) for v in a.volumes] == [("2026Q1", 120)]


def test_a_rotation_file_repeating_an_old_note_is_imported_with_a_warning(
    tmp_path, lead_db
) -> None:  # noqa: ANN001
    """An older program took a 备注 with a number: re-importing the file that repeats it
    (the dates changed, or nothing) goes through with a warning naming 备注, one row (the
    single command) or several (the bulk one); a changed note with a number is refused."""
    from sqlalchemy import update

    from ylt_desktop.store.models import Rotation
    from ylt_desktop.store.rotations import list_rotations
    from ylt_desktop.store.tx import transaction

    import_file(lead_db, "institutions", write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]),
                dry_run=False)  # fmt: skip
    other = ric(dt.date(1984, 7, 9), "女", 3)
    rows = [rotation_row("王建", SOMEONE, "驻点", dt.date(2026, 2, 2)),
            rotation_row("李秀英", other, "每周二坐诊", dt.date(2026, 1, 5))]  # fmt: skip
    book = write_book(tmp_path / "r.xlsx", [ROTATION_HEADER, *rows])
    assert import_file(lead_db, "rotations", book, dry_run=False).new == 2
    note = f"王建 {SOMEONE}"
    with lead_db.session() as s, transaction(s):  # an older program took it
        s.execute(update(Rotation).where(Rotation.note == "驻点").values(note=note))
    rows[0][-1] = note
    for n in (1, 2):  # a later end: written, one row (the single command) or two (bulk)
        for row in rows[:n]:
            row[-2] += dt.timedelta(days=1)
        report = import_file(lead_db, "rotations",
                             write_book(tmp_path / f"again{n}.xlsx", [ROTATION_HEADER, *rows[:n]]),
                             dry_run=False)  # fmt: skip
        assert report.written and report.changed == n, [str(p) for p in report.problems]
        (warned,) = [p for p in report.problems if p.column.endswith("（备注）")]
        assert not warned.is_error and warned.row == 2
        assert warned.message.startswith("备注中含有居民身份证号码")
        assert SOMEONE not in str(warned) and SOMEONE not in report.summary()
    same = import_file(lead_db, "rotations", write_book(tmp_path / "same.xlsx", [ROTATION_HEADER, *rows]),
                       dry_run=False)  # fmt: skip
    assert same.unchanged == 2 and same.rejected == 0 and same.written
    assert [p.is_error for p in same.problems if p.column.endswith("（备注）")] == [False]
    rows[0][-1] = f"{note} 坐诊"
    changed = import_file(lead_db, "rotations", write_book(tmp_path / "new.xlsx", [ROTATION_HEADER, *rows]),
                          dry_run=False)  # fmt: skip
    assert not changed.written and changed.rejected == 1
    (problem,) = [p for p in changed.problems if p.is_error]
    assert problem.row == 2 and problem.message.startswith("备注中含有居民身份证号码")
    with lead_db.session() as s:
        stored = {r.note: r.end for r in list_rotations(s)}
    assert stored == {note: rows[0][-2], "每周二坐诊": rows[1][-2]}


def test_an_other_measure_with_an_identity_number_refuses_the_import(tmp_path, lead_db) -> None:  # noqa: ANN001
    import_file(lead_db, "institutions", write_book(tmp_path / "i.xlsx", [INST_HEADER, village(1)]),
                dry_run=False)  # fmt: skip
    rows = [AGREEMENT_HEADER,
            ["XY-1", "随访协议", f"其他（随访{SOMEONE}）", "示例县人民医院", "测试村1卫生室",
             dt.date(2025, 1, 1)]]  # fmt: skip
    before = dump(lead_db)
    report = import_file(
        lead_db, "agreements", write_book(tmp_path / "a.xlsx", rows), dry_run=False
    )
    assert not report.written and report.rejected == 1
    (problem,) = [p for p in report.problems if p.is_error]
    assert problem.message.startswith("服务量指标名称中含有居民身份证号码")
    assert SOMEONE not in str(problem) and SOMEONE not in report.summary()
    assert dump(lead_db) == before
