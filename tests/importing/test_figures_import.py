"""Importing operating figures (运行指标) from .xlsx: dry run, all or nothing, the quarter,
locks, members only, and ``ylt import figures FILE --quarter``."""

from __future__ import annotations

import pytest

from tests.cli.conftest import no_english_printed  # noqa: F401 - every line ylt prints is Chinese
from tests.helpers.people import consortium
from tests.importing.conftest import dump, write_book
from ylt_desktop.cli import main
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import ImportFileError, import_file
from ylt_desktop.store import figures as store
from ylt_desktop.store.quarters import submit_quarter

Q = Quarter(2026, 3)
HEADER = ["机构名称", "诊疗人次", "其中中医类诊疗人次", "出院人次", "上转人次(门诊)",
          "上转人次(住院)", "下转人次(门诊)", "下转人次(住院)", "接收上转人次", "接收下转人次"]  # fmt: skip


@pytest.fixture
def ids(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        return consortium(s)


def test_a_good_file_is_planned_then_written(db, ids, tmp_path) -> None:  # noqa: ANN001
    path = write_book(tmp_path / "运行指标.xlsx", [
        HEADER,
        ["示例县人民医院", 52000, 1000, 2100, 0, 0, 300, 80, 410, 0],
        ["示例县大树镇卫生院", 9000, None, 120, 300, 110, 0, 0, 0, 380],
    ])  # fmt: skip
    before = dump(db)
    report = import_file(db, "figures", path, quarter=Q)
    assert (report.rejected, report.new) == (0, 2)
    assert dump(db) == before  # a dry run writes nothing
    report = import_file(db, "figures", path, quarter=Q, dry_run=False)
    assert report.written and report.rejected == 0
    with db.session() as s:
        got = store.member_figures(s, Q)
    assert got[ids["县医院"]].visits == 52000 and got[ids["县医院"]].down_inpatient == 80
    assert got[ids["大树"]].tcm_visits is None and got[ids["大树"]].received_down == 380
    again = import_file(db, "figures", path, quarter=Q)
    assert (again.unchanged, again.new, again.changed) == (2, 0, 0)


def test_absent_columns_keep_the_stored_values(db, ids, tmp_path) -> None:  # noqa: ANN001
    with db.session() as s:
        store.save_figures(
            s, quarter=Q, members={ids["大树"]: MemberFigures(visits=1, contracts=7)}
        )
    path = write_book(tmp_path / "f.xlsx", [["机构名称", "诊疗人次"], ["示例县大树镇卫生院", 50]])
    import_file(db, "figures", path, quarter=Q, dry_run=False)
    with db.session() as s:
        assert store.member_figures(s, Q)[ids["大树"]] == MemberFigures(visits=50, contracts=7)


def test_one_bad_row_writes_nothing_and_names_row_column_and_rule(db, ids, tmp_path) -> None:  # noqa: ANN001
    path = write_book(tmp_path / "f.xlsx", [
        HEADER,
        ["示例县人民医院", 100, 200, 0, 0, 0, 0, 0, 0, 0],  # 中医类 > 诊疗人次
        ["示例县大树镇卫生院", -3, None, 0, 0, 0, 0, 0, 0, 0],
        ["不存在的医院", 1, None, 0, 0, 0, 0, 0, 0, 0],
    ])  # fmt: skip
    before = dump(db)
    report = import_file(db, "figures", path, quarter=Q, dry_run=False)
    assert report.rejected == 3 and not report.written
    assert dump(db) == before
    text = "\n".join(str(p) for p in report.problems)
    assert "第2行" in text and "不能大于诊疗人次 100" in text
    assert "第3行" in text and "不能为负数" in text
    assert "不存在的医院" in text and "不是本医联体的成员单位" in text


def test_a_file_without_a_quarter_is_refused(db, ids, tmp_path) -> None:  # noqa: ANN001
    path = write_book(tmp_path / "f.xlsx", [HEADER, ["示例县人民医院", 1]])
    with pytest.raises(ImportFileError, match="--quarter"):
        import_file(db, "figures", path)
    named = write_book(tmp_path / "运行指标_2026Q3.xlsx", [HEADER, ["示例县人民医院", 1]])
    assert import_file(db, "figures", named).quarter == Q


def test_a_locked_quarter_refuses_every_row(db, ids, tmp_path) -> None:  # noqa: ANN001
    with db.session() as s:
        submit_quarter(s, quarter=Q, by="审核人")
    path = write_book(tmp_path / "f.xlsx", [HEADER, ["示例县人民医院", 1]])
    report = import_file(db, "figures", path, quarter=Q, dry_run=False)
    assert report.rejected == 1 and "已报送并锁定" in str(report.problems[0])


def test_cli_import_figures_with_quarter(db, ids, tmp_path, capsys) -> None:  # noqa: ANN001
    path = write_book(tmp_path / "f.xlsx", [HEADER, ["示例县人民医院", 10, 0, 0, 0, 0, 0, 0, 0, 0]])
    db.close()
    args = ["import", "figures", str(path), "--quarter", "2026Q3", "--db", db.location]
    assert main(args + ["--dry-run"]) == 0
    assert main(args) == 0
    assert "运行指标" in capsys.readouterr().out
    assert main(["import", "运行指标", str(path), "--db", db.location]) == 2  # no quarter
    assert "--quarter" in capsys.readouterr().err


def test_cli_import_with_two_quarters_in_the_name_names_them(db, ids, tmp_path, capsys) -> None:  # noqa: ANN001
    """``ylt import`` of 运行指标_2025Q4修订_2026Q1.xlsx took 2025Q4 silently; it now refuses,
    naming both quarters, until --quarter names one."""
    path = write_book(tmp_path / "运行指标_2025Q4修订_2026Q1.xlsx",
                      [HEADER, ["示例县人民医院", 10, 0, 0, 0, 0, 0, 0, 0, 0]])  # fmt: skip
    db.close()
    args = ["import", "figures", str(path), "--db", db.location, "--dry-run"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "文件名中写有多个季度（2025年第4季度、2026年第1季度）" in err and "--quarter" in err
    assert main([*args, "--quarter", "2026Q1"]) == 0
    out = capsys.readouterr().out
    assert "运行指标" in out and "多个季度" not in out
