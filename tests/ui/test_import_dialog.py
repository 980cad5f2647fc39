"""导入…: choose a file, fix one mapping, the dry run shows the counts, importing writes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFileDialog

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.ui.dialogs.importing import ImportDialog


def _lead(db):  # noqa: ANN001, ANN202
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428", lead=lead)


def test_choose_fix_mapping_check_and_import(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    _lead(db)
    header = ["单位全称", *INST_HEADER[1:]]
    bad = village(3)
    bad[7] = "不是日期"
    path = write_book(tmp_path / "a.xlsx", [header, village(1), village(2), bad])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.browse.click()
    assert dialog.mapping.rowCount() == len(header)
    assert dialog.combo(0).currentData() is None  # 单位全称 is not known
    dialog.combo(0).setCurrentIndex(dialog.combo(0).findData("name"))
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert "新增 2 行" in dialog.counts.text() and "有错误 1 行" in dialog.counts.text()
    assert dialog.problems.rowCount() == 1 and dialog.problems.item(0, 0).text() == "4"
    assert not dialog.import_all.isEnabled() and dialog.import_valid.isEnabled()
    with qtbot.waitSignal(dialog.imported):
        dialog.import_valid.click()
    qtbot.waitUntil(lambda: dialog.worker is None)
    with db.session() as s:
        names = [i.name for i in inst_store.list_institutions(s)]
    assert names == ["示例县人民医院", "测试村1卫生室", "测试村2卫生室"]
    assert answers.shown and answers.shown[-1][0] == "information"


def test_a_bad_file_gives_a_message_not_a_crash(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.browse.click()
    assert answers.shown[-1][0] == "warning" and "不是 Excel 工作簿" in answers.shown[-1][1]
    assert not dialog.check.isEnabled()
