"""Imports refuse what the forms refuse in free text (专业 over its limit; a whole identity
number in a rotation's 备注), with a message naming the field that never repeats the number;
nothing is written (all or nothing), a new person of the refused file included."""

from __future__ import annotations

import datetime as dt

from tests.helpers.people import ric
from tests.importing.conftest import INST_HEADER, dump, village, write_book
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
