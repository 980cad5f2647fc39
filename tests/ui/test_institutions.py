"""The institution page and dialog, driven as a clerk would."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QMessageBox

from tests.helpers.typing import type_text
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as store
from ylt_desktop.ui.pages.institutions import InstitutionDialog, InstitutionsPage

GOOD_USCC = make_uscc("12", "360428", "24681357")


def choose(qtbot, combo: QComboBox, text: str) -> None:  # noqa: ANN001
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text} not in combo")


def fill_township(qtbot, dialog: InstitutionDialog, uscc: str) -> None:  # noqa: ANN001
    w = dialog.binder.widget
    type_text(qtbot, w("name"), "示例县青石镇卫生院")
    type_text(qtbot, w("uscc"), uscc)
    type_text(qtbot, w("division"), "360428112")
    choose(qtbot, w("category"), "乡镇卫生院")
    choose(qtbot, w("level"), "一级")
    for field, value in (
        ("staff_total", "60"),
        ("health_tech_staff", "50"),
        ("doctors", "20"),
        ("nurses", "15"),
    ):
        type_text(qtbot, w(field), value)
    type_text(qtbot, w("phone"), "0792-2221234")


def test_create_by_typing(qtbot, db) -> None:  # noqa: ANN001
    page = InstitutionsPage(db)
    qtbot.addWidget(page)
    dialog = InstitutionDialog(db, parent=page)
    qtbot.addWidget(dialog)
    fill_township(qtbot, dialog, GOOD_USCC)
    assert dialog.division_label.text() == "江西省 都昌县"
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.session() as s:
        (inst,) = store.list_institutions(s)
    assert (inst.name, inst.uscc, inst.category, inst.staff_total) == (
        "示例县青石镇卫生院",
        GOOD_USCC,
        "乡镇卫生院",
        60,
    )
    page.refresh()
    assert page.proxy.rowCount() == 1


def test_wrong_uscc_shows_message_and_blocks_save(qtbot, db) -> None:  # noqa: ANN001
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    wrong = GOOD_USCC[:-1] + ("0" if GOOD_USCC[-1] != "0" else "1")
    fill_township(qtbot, dialog, wrong)
    label = dialog.binder.problem_label("uscc")
    assert not label.isHidden()
    assert f"统一社会信用代码校验位错误，应为 {GOOD_USCC[-1]}" in label.text()
    assert not dialog.save_button.isEnabled()
    dialog.save()  # even a forced save writes nothing
    with db.session() as s:
        assert store.list_institutions(s) == []
    type_text(qtbot, dialog.binder.widget("uscc"), GOOD_USCC)
    assert label.isHidden()
    assert dialog.save_button.isEnabled()


def test_warning_does_not_block(qtbot, db) -> None:  # noqa: ANN001
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    fill_township(qtbot, dialog, GOOD_USCC)
    type_text(qtbot, dialog.binder.widget("beds_authorised"), "20")
    type_text(qtbot, dialog.binder.widget("beds_actual"), "40")
    label = dialog.binder.problem_label("beds_actual")
    assert "1.5倍" in label.text() and not label.isHidden()
    assert dialog.save_button.isEnabled()


def test_search_filters_as_one_types(qtbot, demo_db) -> None:  # noqa: ANN001
    page = InstitutionsPage(demo_db)
    qtbot.addWidget(page)
    assert page.proxy.rowCount() == 45
    type_text(qtbot, page.search, "卫生院")
    assert page.proxy.rowCount() == 12
    type_text(qtbot, page.search, "青山")
    names = {page.proxy.index(r, 0).data() for r in range(page.proxy.rowCount())}
    assert names and all("青山" in n for n in names)
    type_text(qtbot, page.search, "360428100")  # division codes are searchable too
    assert page.proxy.rowCount() >= 1
    type_text(qtbot, page.search, "")
    assert page.proxy.rowCount() == 45


def test_sorting_by_beds(qtbot, demo_db) -> None:  # noqa: ANN001
    page = InstitutionsPage(demo_db)
    qtbot.addWidget(page)
    column = [c.header for c in page.model.columns].index("实有床位")
    page.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    beds = [int(page.proxy.index(r, column).data()) for r in range(page.proxy.rowCount())]
    assert beds == sorted(beds, reverse=True) and beds[0] > beds[-1]


def test_unsaved_edits_prompt(qtbot, db, answers) -> None:  # noqa: ANN001
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.binder.widget("name"), "未保存的名称")
    answers.push(QMessageBox.StandardButton.Cancel)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert answers.shown and answers.shown[-1][0] == "question"
    assert dialog.isVisible()  # kept open
    answers.push(QMessageBox.StandardButton.Discard)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert not dialog.isVisible()


def test_untouched_dialog_closes_without_prompt(qtbot, db, answers) -> None:  # noqa: ANN001
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert answers.shown == []
    assert not dialog.isVisible()


def test_delete_is_refused_before_asking_while_referenced(qtbot, db, answers) -> None:  # noqa: ANN001
    from ylt_desktop.store.models import Staff
    from ylt_desktop.store.tx import transaction

    data = InstitutionData(
        name="示例县大岭镇卫生院",
        uscc=GOOD_USCC,
        division="360428",
        category="乡镇卫生院",
        level="一级",
        joined=dt.date(2020, 1, 1),
    )
    with db.session() as s:
        inst_id = store.create_institution(s, data=data).id
        with transaction(s):
            s.add(
                Staff(
                    name="李四",
                    sex="女",
                    id_type="居民身份证",
                    id_number="11010519491231002X",
                    title="医师",
                    home_id=inst_id,
                )
            )
    page = InstitutionsPage(db)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    answers.push(QMessageBox.StandardButton.Yes)
    page.delete()
    kinds = [k for k, _ in answers.shown]
    assert kinds == ["warning"]  # refused first: never "确定删除？" for what cannot go
    assert "人员（所属机构） 1 条" in answers.shown[-1][1]
    assert page.proxy.rowCount() == 1


def test_new_form_shows_problems_only_for_fields_touched(qtbot, db) -> None:  # noqa: ANN001
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    name_label = dialog.binder.problem_label("name")
    assert name_label.isHidden()  # no wall of "required" messages on an empty form
    assert not dialog.save_button.isEnabled()
    assert dialog.pending.text().startswith("还有")  # but it says why Save is disabled
    type_text(qtbot, dialog.binder.widget("uscc"), "123")
    assert "18位" in dialog.binder.problem_label("uscc").text()
    assert name_label.isHidden()
    type_text(qtbot, dialog.binder.widget("name"), "x")
    type_text(qtbot, dialog.binder.widget("name"), "")
    assert "必填" in name_label.text() and not name_label.isHidden()
