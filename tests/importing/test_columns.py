"""Header matching (exact, normalised, synonyms), header detection, remembered mappings."""

from __future__ import annotations

import datetime as dt

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.importing import import_file, read_layout
from ylt_desktop.importing.columns import match_columns, normalise
from ylt_desktop.store import institutions as inst_store


def test_synonyms_and_full_width_headers():
    texts = [
        "医疗机构名称",
        "统一社会信用代码（18位）",
        "ＵＳＣＣ",
        "身份证号",
        "床 位",
        "编制床位数",
    ]
    assert match_columns(texts, "institutions") == [
        "name", "uscc", "uscc", None, None, "beds_authorised",
    ]  # fmt: skip
    assert match_columns(["证件号码", "姓 名", "专业技术职称"], "staff") == [
        "id_number",
        "name",
        "title",
    ]
    assert match_columns(["公民身份号码"], "staff") == ["id_number"]
    assert normalise("执业（助理）医师") == normalise("执业(助理)医师") == "执业助理医师"


def test_title_row_and_grouped_header(tmp_path, db):  # noqa: ANN001
    rows = [
        ["序号", "单位名称", "社会信用代码", "床位（张）", None],
        [None, None, None, "编制床位", "实有床位"],
        [1, "甲", "", 10, 12],
    ]
    path = write_book(tmp_path / "a.xlsx", rows, title="成员单位一览表")
    wb, layout = read_layout(db, "institutions", path)
    wb.close()
    assert (layout.header.first_row, layout.header.last_row) == (2, 3)
    assert layout.mapping == [None, "name", "uscc", "beds_authorised", "beds_actual"]
    assert layout.header.groups[4] == "床位（张）"


def test_a_fixed_mapping_is_remembered(tmp_path, lead_db):  # noqa: ANN001
    header = ["单位全称", *INST_HEADER[1:]]  # 单位全称 is no known name
    path = write_book(tmp_path / "b.xlsx", [header, village(1)])
    _wb, layout = read_layout(lead_db, "institutions", path)
    _wb.close()
    assert layout.mapping[0] is None and not layout.remembered
    fixed = ["name", *layout.mapping[1:]]
    report = import_file(lead_db, "institutions", path, mapping=fixed, dry_run=False)
    assert report.written and report.new == 1
    _wb, again = read_layout(lead_db, "institutions", path)
    _wb.close()
    assert again.remembered and again.mapping == fixed
    with lead_db.session() as s:
        names = [i.name for i in inst_store.list_institutions(s)]
    assert names[-1] == "测试村1卫生室"
    assert dt.date(2024, 1, 1) == inst_store.list_institutions(lead_db.sessions())[-1].joined
