"""Issue #11 through the program's forms: a look-alike name (12), two columns for one field (13)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QFileDialog

from tests.helpers.people import consortium
from tests.helpers.typing import type_text
from tests.importing.conftest import dump, write_book
from tests.ui.test_institutions import GOOD_USCC, fill_township
from ylt_desktop.store import institutions as store
from ylt_desktop.ui.dialogs.importing import ImportDialog
from ylt_desktop.ui.pages.institutions import InstitutionDialog


def test_form_refuses_the_lead_name_with_a_zero_width_space(qtbot, db) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    before = dump(db)
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    fill_township(qtbot, dialog, GOOD_USCC)
    type_text(qtbot, dialog.binder.widget("name"), "示例县人民医院\u200b")
    label = dialog.binder.problem_label("name")
    assert not label.isHidden()
    assert label.text() == "机构名称“示例县人民医院”已存在，同一医联体内不得重名"
    assert not dialog.save_button.isEnabled()
    dialog.save()  # even a forced save writes nothing
    assert dump(db) == before
    type_text(qtbot, dialog.binder.widget("name"), "\u202e示例县青石镇卫生院\ufeff")
    assert label.isHidden() and dialog.save_button.isEnabled()
    dialog.save()
    with db.session() as s:
        names = [i.name for i in store.list_institutions(s)]
    assert names[-1] == "示例县青石镇卫生院"  # stored without the invisible characters


def test_import_dialog_shows_both_columns_of_one_field(qtbot, db, tmp_path, monkeypatch,
                                                       answers) -> None:  # noqa: ANN001  # fmt: skip
    """The clerk sees both columns mapped to 机构名称; the check names both; setting one aside
    (不导入) lets the file through."""
    header = ["机构名称", "行政区划代码", "机构类别", "加入日期", "单位名称"]
    row = ["测试村1卫生室", "360428", "村卫生室", dt.date(2024, 1, 1), "别名"]
    path = write_book(tmp_path / "two.xlsx", [header, row])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.browse.click()
    assert [dialog.combo(i).currentData() for i in (0, 4)] == ["name", "name"]
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.worker is None and bool(answers.shown))
    kind, text = answers.shown[-1]
    assert kind == "warning" and "A列（机构名称）、E列（单位名称）" in text
    assert not dialog.import_all.isEnabled()
    dialog.combo(4).setCurrentIndex(0)  # （不导入）
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert dialog.report.rejected == 0 and dialog.import_all.isEnabled()


def test_attaching_a_folder_or_a_pipe_shows_a_message(qtbot, db, tmp_path, monkeypatch,
                                                      answers) -> None:  # noqa: ANN001  # fmt: skip
    """Case 16 on the agreements page: a warning naming the rule, nothing stored, no hang."""
    import os

    from PySide6.QtCore import Qt

    from tests.ui.test_agreements_page import TODAY, add_agreement
    from tests.ui.test_agreements_page import ids as make_ids
    from ylt_desktop.ui.pages.agreements import AgreementsPage

    add_agreement(db, make_ids.__wrapped__(db), "S-1")
    (tmp_path / "x.pdf").mkdir()
    picked = [str(tmp_path / "x.pdf")]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / ".pdf")
        picked.append(str(tmp_path / ".pdf"))
    before = dump(db)
    page = AgreementsPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    for path in picked:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, p=path, **k: (p, ""))
        qtbot.mouseClick(page.buttons["attach"], Qt.MouseButton.LeftButton)
        kind, text = answers.shown[-1]
        assert kind == "warning" and text.startswith("无法上传“")
        assert "文件夹" in text or "不是普通文件" in text
    assert dump(db) == before
    assert not page.buttons["open"].isEnabled()
