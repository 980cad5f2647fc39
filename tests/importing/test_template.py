"""导入模板: the template of each kind is read back by the importer once filled in; an empty
file or an untouched example is refused; the quarter comes from a Chinese file name or is given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from tests.importing.conftest import dump, write_book
from ylt_desktop.domain.codes import ric_check_char, uscc_check_char
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import (
    KINDS,
    ImportFileError,
    import_file,
    quarter_in_text,
    read_layout,
    targets,
)
from ylt_desktop.importing.template import EXAMPLES, write_template


def _uscc(body: str) -> str:
    return body + uscc_check_char(body)


def _ric(body: str) -> str:
    return body + ric_check_char(body)


# Per kind: the cells a clerk changes in the example row, and a second row.
FILLED = {
    "institutions": [
        {"机构名称": "示例县新港镇卫生院", "统一社会信用代码": _uscc("12360428MB7654321")},
        {
            "机构名称": "示例县新港镇沙村卫生室",
            "统一社会信用代码": "",
            "机构类别": "村卫生室",
            "机构等级": "未定级",
        },
    ],  # fmt: skip
    "staff": [
        {"姓名": "刘洋", "证件号码": _ric("36042819850301003"), "性别": "男"},
        {"姓名": "陈静", "证件号码": _ric("36042819900415004"), "性别": "女"},
    ],
    "rotations": [
        {"证件号码": _ric("36042819850301003"), "姓名": "刘洋", "性别": "男"},
        {"证件号码": _ric("36042819900415004"), "姓名": "陈静", "接收单位": "示例县大树镇卫生院"},
    ],
    "figures": [
        {"机构名称": "示例县大树镇卫生院"},
        {"机构名称": "示例县南峰镇卫生院", "诊疗人次": 9800},
    ],
    "agreements": [
        {"协议编号": "YGT-2026-101"},
        {"协议编号": "YGT-2026-102", "接收方": "示例县青山镇卫生院", "利益分配比例": None},
    ],
}


def _fill(template: Path, kind: str, target: Path) -> Path:
    wb = openpyxl.load_workbook(template)
    ws = wb[KINDS[kind]]
    header = [c.value for c in ws[1]]
    example = [c.value for c in ws[2]]
    for offset, changes in enumerate(FILLED[kind]):
        for col, label in enumerate(header, 1):
            ws.cell(2 + offset, col, changes.get(label, example[col - 1]))
    wb.save(target)
    return target


@pytest.mark.parametrize("kind", list(KINDS))
def test_template_header_is_what_the_importer_reads(db, tmp_path, kind) -> None:  # noqa: ANN001
    path = write_template(kind, tmp_path / "模板")
    assert path.suffix == ".xlsx" and path.exists()
    wb, layout = read_layout(db, kind, path)
    wb.close()
    assert layout.sheet == KINDS[kind]
    assert layout.mapping == [t.key for t in targets(kind)]  # every column recognised
    book = openpyxl.load_workbook(path)
    notes = [str(c.value) for row in book["说明"].iter_rows() for c in row if c.value]
    assert all(t.label in notes for t in targets(kind))
    assert any(n == "必填" for n in notes)
    example = [c.value for c in book[KINDS[kind]][2]]
    assert sum(v is not None for v in example) == len(EXAMPLES[kind])


@pytest.mark.parametrize("kind", list(KINDS))
def test_filled_template_imports(demo_db, tmp_path, kind) -> None:  # noqa: ANN001
    template = write_template(kind, tmp_path / "模板.xlsx")
    filled = _fill(template, kind, tmp_path / f"{KINDS[kind]}.xlsx")
    quarter = Quarter(2026, 3)
    report = import_file(demo_db, kind, filled, dry_run=True, quarter=quarter)
    assert report.rejected == 0, [p.message for p in report.problems]
    assert report.new + report.changed == 2
    if kind != "figures":  # the demo may already hold these units' figures
        assert report.new == 2
    report = import_file(demo_db, kind, filled, dry_run=False, quarter=quarter)
    assert report.written and report.new + report.changed == 2
    again = import_file(demo_db, kind, filled, dry_run=True, quarter=quarter)
    assert again.unchanged == 2  # read back exactly as written


def test_filled_rotation_template_carries_the_quarter_figures(demo_db, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.store import rotations as store

    template = write_template("rotations", tmp_path / "模板.xlsx")
    filled = _fill(template, "rotations", tmp_path / "2026年第三季度人员流动.xlsx")
    report = import_file(demo_db, "rotations", filled, dry_run=False)
    assert report.quarter == Quarter(2026, 3) and report.written
    with demo_db.session() as s:
        found = [r for r in store.rotations_in_quarter(s, Quarter(2026, 3))
                 if r.staff.name == "刘洋"]  # fmt: skip
        (rotation,) = found
        figures = store.quarter_figures(rotation, Quarter(2026, 3))
    assert (figures.days, figures.outpatient) == (24, 420)


@pytest.mark.parametrize("kind", list(KINDS))
def test_untouched_example_is_not_imported(demo_db, tmp_path, kind) -> None:  # noqa: ANN001
    template = write_template(kind, tmp_path / "模板.xlsx")
    before = dump(demo_db)
    with pytest.raises(ImportFileError, match="文件中没有数据行"):
        import_file(demo_db, kind, template, dry_run=False, quarter=Quarter(2026, 3))
    assert dump(demo_db) == before


def test_example_row_kept_above_real_rows_is_skipped(demo_db, tmp_path) -> None:  # noqa: ANN001
    template = write_template("staff", tmp_path / "模板.xlsx")
    wb = openpyxl.load_workbook(template)
    ws = wb["人员"]
    example = [c.value for c in ws[2]]
    row = dict(zip([c.value for c in ws[1]], example, strict=True))
    row.update({"姓名": "刘洋", "证件号码": _ric("36042819850301003"), "性别": "男"})
    ws.append(list(row.values()))
    wb.save(template)
    report = import_file(demo_db, "staff", template, dry_run=True)
    assert report.rows == 1 and report.new == 1


def test_headers_without_rows_are_refused(db, tmp_path) -> None:  # noqa: ANN001
    path = write_book(tmp_path / "成员单位.xlsx", [["机构名称", "统一社会信用代码", "机构类别"]])
    before = dump(db)
    for dry_run in (True, False):
        with pytest.raises(ImportFileError, match="文件中没有数据行"):
            import_file(db, "institutions", path, dry_run=dry_run)
    blank_rows = write_book(
        tmp_path / "b.xlsx", [["机构名称", "机构类别"], [None, None], ["", " "]]
    )
    with pytest.raises(ImportFileError, match="文件中没有数据行"):
        import_file(db, "institutions", blank_rows, dry_run=False)
    assert dump(db) == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("人员流动_2026Q3", Quarter(2026, 3)),
        ("2026年第三季度人员流动", Quarter(2026, 3)),
        ("人员流动2026年三季度", Quarter(2026, 3)),
        ("2026年第3季度", Quarter(2026, 3)),
        ("2025年度第四季度协议服务量", Quarter(2025, 4)),
        ("2026 年 第 一 季度", Quarter(2026, 1)),
        ("2026年3月人员流动", None),
        ("2026年第五季度", None),
        ("人员流动", None),
        # Typed with the input method's full-width digits and letters.
        ("２０２６年第３季度人员流动", Quarter(2026, 3)),
        ("人员流动_２０２６Ｑ４", Quarter(2026, 4)),
        # As ``ylt --quarter`` and Quarter.parse accept it.
        ("人员流动_2026-Q3", Quarter(2026, 3)),
        # A year no calendar has is no quarter (it used to raise ValueError).
        ("0000Q1", None),
        ("0000年第一季度", None),
        # Two distinct quarters: which one is meant cannot be told, so none is read.
        ("人员流动_2025Q4修订_2026Q1", None),
        ("2025年第四季度修订_2026年第一季度", None),
        ("2025Q4修订为2026年第一季度", None),
        # The same quarter twice is still that quarter.
        ("人员流动_2026Q1_2026年第一季度", Quarter(2026, 1)),
        ("2026Q1_2026q1", Quarter(2026, 1)),
    ],
)
def test_quarter_in_file_name(name: str, expected: Quarter | None) -> None:
    assert quarter_in_text(name) == expected


def test_impossible_year_in_the_name_or_a_title_is_no_quarter(demo_db, tmp_path) -> None:  # noqa: ANN001
    template = write_template("rotations", tmp_path / "模板.xlsx")
    filled = _fill(template, "rotations", tmp_path / "0000Q1人员流动.xlsx")
    wb = openpyxl.load_workbook(filled)
    wb["人员流动"].insert_rows(1)
    wb["人员流动"].cell(1, 1, "0000年第一季度人员柔性流动情况")
    wb.save(filled)
    report = import_file(demo_db, "rotations", filled, dry_run=True)
    assert report.quarter is None and report.rejected == 0
    assert any("未能确定报表季度" in n for n in report.notes)


def test_write_template_refuses_unknown_kind(tmp_path) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match="未知的导入类型"):
        write_template("people", tmp_path / "x.xlsx")
    assert not list(tmp_path.iterdir())


def test_dates_in_template_are_dates(tmp_path) -> None:  # noqa: ANN001
    path = write_template("rotations", tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path)["人员流动"]
    header = [c.value for c in ws[1]]
    start = ws.cell(2, header.index("开始日期") + 1)
    assert start.value.date() == dt.date(2026, 7, 1) and start.number_format == "yyyy-mm-dd"
    code = ws.cell(2, header.index("证件号码") + 1)
    assert code.number_format == "@" and isinstance(code.value, str)


@pytest.mark.parametrize("kind", ["rotations", "agreements", "figures"])
def test_dry_run_says_which_quarter_the_figures_go_into(demo_db, tmp_path, kind) -> None:  # noqa: ANN001
    """A quarter read from the name or a title cell is shown before anything is written."""
    template = write_template(kind, tmp_path / "模板.xlsx")
    filled = _fill(template, kind, tmp_path / f"2025年度第四季度{KINDS[kind]}.xlsx")
    report = import_file(demo_db, kind, filled, dry_run=True)
    assert report.quarter == Quarter(2025, 4)
    assert "记入2025年第4季度" in report.summary()


def test_the_written_report_names_the_quarter_once(demo_db, tmp_path) -> None:  # noqa: ANN001
    template = write_template("rotations", tmp_path / "模板.xlsx")
    filled = _fill(template, "rotations", tmp_path / "2026年第三季度人员流动.xlsx")
    report = import_file(demo_db, "rotations", filled, dry_run=False)
    assert report.written
    assert report.summary().count("本季度工作天数和服务量记入2026年第3季度") == 1


def _rotations_with(tmp_path, *, title: str | None = None, note: str | None = None) -> Path:  # noqa: ANN001
    template = write_template("rotations", tmp_path / "模板.xlsx")
    filled = _fill(template, "rotations", tmp_path / "人员流动.xlsx")
    wb = openpyxl.load_workbook(filled)
    ws = wb["人员流动"]
    header = [c.value for c in ws[1]]
    if note is not None:
        ws.cell(2, header.index("备注") + 1, note)
    if title is not None:
        ws.insert_rows(1)
        ws.cell(1, 1, title)
    wb.save(filled)
    return filled


def test_several_quarters_in_the_name_choose_none_and_are_named(demo_db, tmp_path) -> None:  # noqa: ANN001
    """…2025Q4修订_2026Q1.xlsx used to go into 2025Q4 silently: now no quarter is read from the
    name, and the report names the quarters it found there."""
    from ylt_desktop.importing import quarters_in_text

    assert quarters_in_text("人员流动_2025Q4修订_2026Q1") == [Quarter(2025, 4), Quarter(2026, 1)]
    template = write_template("rotations", tmp_path / "模板.xlsx")
    filled = _fill(template, "rotations", tmp_path / "人员流动_2025Q4修订_2026Q1.xlsx")
    report = import_file(demo_db, "rotations", filled, dry_run=True)
    assert report.quarter is None
    summary = report.summary()
    assert "未能确定报表季度" in summary
    assert "文件名中写有多个季度（2025年第4季度、2026年第1季度）" in summary
    # Named by the clerk (or --quarter), the file imports into that quarter, no note.
    report = import_file(demo_db, "rotations", filled, dry_run=True, quarter=Quarter(2026, 1))
    assert report.quarter == Quarter(2026, 1) and "多个季度" not in report.summary()


def test_figures_with_several_quarters_in_the_name_are_refused_naming_them(
    demo_db, tmp_path
) -> None:  # noqa: ANN001, E501
    template = write_template("figures", tmp_path / "模板.xlsx")
    filled = _fill(template, "figures", tmp_path / "运行指标_2025Q4修订_2026Q1.xlsx")
    with pytest.raises(ImportFileError) as caught:
        import_file(demo_db, "figures", filled, dry_run=True)
    message = str(caught.value)
    assert "文件名中写有多个季度（2025年第4季度、2026年第1季度）" in message
    assert "未能确定运行指标所属的季度" in message


def test_quarter_from_a_title_above_the_header(demo_db, tmp_path) -> None:  # noqa: ANN001
    path = _rotations_with(tmp_path, title="2026年第三季度人员柔性流动情况表")
    report = import_file(demo_db, "rotations", path, dry_run=True)
    assert report.quarter == Quarter(2026, 3)


def test_a_quarter_in_a_data_cell_is_not_the_files_quarter(demo_db, tmp_path) -> None:  # noqa: ANN001
    """备注 "自2025年第四季度起…" of one rotation says nothing of the quarter the file reports."""
    path = _rotations_with(tmp_path, note="自2025年第四季度起每周二坐诊")
    report = import_file(demo_db, "rotations", path, dry_run=True)
    assert report.quarter is None
    assert any("未能确定报表季度" in n for n in report.notes)
