"""Imports refuse what the forms refuse in free text (专业 over its limit), with a message
naming the field; nothing is written (all or nothing)."""

from __future__ import annotations

import datetime as dt

from tests.helpers.people import ric
from tests.importing.conftest import dump, write_book
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
