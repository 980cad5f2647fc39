"""``ylt import-template`` and ``ylt import --quarter`` / Chinese kind names / empty files."""

from __future__ import annotations

import openpyxl

from tests.importing.conftest import dump, write_book
from ylt_desktop.cli import main
from ylt_desktop.domain.codes import ric_check_char
from ylt_desktop.domain.periods import Quarter


def test_template_then_import_with_quarter(demo_db, tmp_path, capsys) -> None:  # noqa: ANN001
    db = demo_db.location
    assert main(["import-template", "人员流动", "--out", str(tmp_path), "--db", db]) == 0
    out = capsys.readouterr().out
    path = tmp_path / "导入模板_人员流动.xlsx"
    assert f"已生成导入模板：{path}" in out and path.exists()
    wb = openpyxl.load_workbook(path)
    ws = wb["人员流动"]
    header = [c.value for c in ws[1]]
    number = "36042819850301003"
    ws.cell(2, header.index("证件号码") + 1, number + ric_check_char(number))
    ws.cell(2, header.index("姓名") + 1, "刘洋")
    ws.cell(2, header.index("性别") + 1, "男")
    ws.cell(2, header.index("本季度工作天数") + 1, 20)
    wb.save(path)
    # No quarter in the file name: the days are not taken without --quarter.
    assert main(["import", "rotations", str(path), "--db", db, "--dry-run"]) == 0
    assert "未能确定报表季度" in capsys.readouterr().out
    assert main(["import", "人员流动", str(path), "--db", db, "--quarter", "2026年第三季度"]) == 0
    assert "已导入" in capsys.readouterr().out
    assert main(["rotations", "list", "--quarter", "2026Q3", "--db", db]) == 0
    (line,) = [x for x in capsys.readouterr().out.splitlines() if "刘洋" in x]
    assert "\t2026年第3季度\t20\t420\t" in line


def test_template_into_a_missing_folder_is_one_chinese_line(tmp_path, capsys) -> None:  # noqa: ANN001
    out = tmp_path / "没有" / "模板.xlsx"
    assert main(["import-template", "staff", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误\t无法保存导入模板") and "文件夹不存在" in err
    assert not (tmp_path / "没有").exists()


def test_headers_only_is_refused_not_imported(demo_db, tmp_path, capsys) -> None:  # noqa: ANN001
    path = write_book(tmp_path / "成员单位.xlsx", [["机构名称", "统一社会信用代码", "机构类别"]])
    before = dump(demo_db)
    assert main(["import", "institutions", str(path), "--db", demo_db.location]) == 2
    captured = capsys.readouterr()
    assert "文件中没有数据行" in captured.err and "已导入" not in captured.out
    assert dump(demo_db) == before


def test_quarter_option_accepts_chinese_forms() -> None:
    from ylt_desktop.cli.common import quarter_arg

    assert quarter_arg("2026年第三季度") == Quarter(2026, 3)
    assert quarter_arg("2026年3季度") == Quarter(2026, 3)
    assert quarter_arg("2026q4") == Quarter(2026, 4)


def test_quarter_option_refuses_impossible_quarters_in_chinese() -> None:
    import argparse

    import pytest

    from ylt_desktop.cli.common import quarter_arg

    assert quarter_arg("２０２６年第三季度") == Quarter(2026, 3)  # full-width digits
    for text, words in (("0000Q1", "年份 0 超出范围"), ("2026Q5", "格式不正确"),
                        ("2026年第五季度", "格式不正确")):  # fmt: skip
        with pytest.raises(argparse.ArgumentTypeError, match=words):
            quarter_arg(text)


def test_template_under_a_file_says_the_folder_is_not_one(tmp_path, capsys) -> None:  # noqa: ANN001
    """--out 报表.xlsx/模板.xlsx: the "folder" is a file, not a full disk or a permission."""
    (tmp_path / "报表.xlsx").write_bytes(b"x")
    assert (
        main(["import-template", "staff", "--out", str(tmp_path / "报表.xlsx" / "模板.xlsx")]) == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("错误\t无法保存导入模板") and "文件夹不存在" in err
    assert "磁盘已满" not in err
