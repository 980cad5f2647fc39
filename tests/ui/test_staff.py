"""The staff page and dialog, driven as a clerk would."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.helpers.people import add_person, consortium, ric
from tests.helpers.problems import pending, shown_problems
from tests.helpers.typing import type_text
from tests.ui.test_rotations import choose
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.store import rotations
from ylt_desktop.store import staff as store
from ylt_desktop.store.models import Staff
from ylt_desktop.store.tx import transaction
from ylt_desktop.ui.pages.staff import StaffDialog, StaffPage

GOOD_ID = ric(dt.date(1984, 7, 9), "女", 3)


def fill(qtbot, dialog: StaffDialog, id_number: str) -> None:  # noqa: ANN001
    w = dialog.binder.widget
    type_text(qtbot, w("name"), "李秀英")
    type_text(qtbot, w("id_number"), id_number)
    choose(qtbot, w("sex"), "女")
    choose(qtbot, w("title"), "副主任医师")
    type_text(qtbot, w("specialty").lineEdit(), "心血管内科")
    choose(qtbot, w("home_id"), "示例县人民医院")


def test_create_by_typing(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    page = StaffPage(db)
    qtbot.addWidget(page)
    dialog = StaffDialog(db, parent=page)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, GOOD_ID.lower())
    assert dialog.id_info.text().startswith("1984-07-09 女")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.session() as s:
        (person,) = store.list_staff(s)
    assert (person.name, person.id_number, person.specialty, person.home.name) == (
        "李秀英",
        GOOD_ID,
        "心血管内科",  # typed, not from the suggested list
        "示例县人民医院",
    )
    page.refresh()
    assert page.proxy.rowCount() == 1


def test_wrong_check_digit_shows_message_and_blocks_save(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    wrong = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")
    fill(qtbot, dialog, wrong)
    label = dialog.binder.problem_label("id_number")
    assert not label.isHidden()
    assert f"居民身份证号码校验位错误，应为 {GOOD_ID[-1]}" in label.text()
    assert not dialog.save_button.isEnabled()
    dialog.save()  # even a forced save writes nothing
    with db.session() as s:
        assert store.list_staff(s) == []
    type_text(qtbot, dialog.binder.widget("id_number"), GOOD_ID)
    assert label.isHidden()
    assert dialog.save_button.isEnabled()


def test_sex_must_agree_with_digit_17(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, GOOD_ID)
    choose(qtbot, dialog.binder.widget("sex"), "男")
    label = dialog.binder.problem_label("sex")
    assert not label.isHidden() and "第17位表示“女”" in label.text()
    assert not dialog.save_button.isEnabled()


def test_list_masks_ids_and_detail_shows_promotion_days(qtbot, db) -> None:  # noqa: ANN001
    today = dt.date(2026, 5, 20)
    with db.session() as s:
        ids = consortium(s)
        staff_id = add_person(s, ids["县医院"])
        add_person(s, ids["大树"], name="赵敏", sex="女", seq=4, title="护师")
        rotations.create_rotation(
            s,
            data=RotationData(
                staff_id=staff_id,
                from_id=ids["县医院"],
                to_id=ids["大树"],
                form="晋升前基层服务",
                start=dt.date(2025, 1, 1),
                end=dt.date(2025, 12, 31),
            ),
            today=today,
        )
        number = s.get(Staff, staff_id).id_number
    page = StaffPage(db, today=today)
    qtbot.addWidget(page)
    headers = [c.header for c in page.model.columns]
    shown = {page.proxy.index(r, headers.index("证件号码")).data() for r in range(2)}
    assert number not in shown
    assert f"{number[:6]}********{number[-4:]}" in shown
    page.table.selectRow([page.proxy.index(r, 0).data() for r in range(2)].index("王建国"))
    qtbot.waitUntil(lambda: "365" in page.detail.promotion.text())
    assert "已满一年" in page.detail.promotion.text()
    assert page.detail.model.rowCount() == 1
    page.table.selectRow([page.proxy.index(r, 0).data() for r in range(2)].index("赵敏"))
    qtbot.waitUntil(lambda: "累计 0 天" in page.detail.promotion.text())
    assert "已满一年" not in page.detail.promotion.text()


def test_delete_refused_while_rotations_point_at_person(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        staff_id = add_person(s, ids["县医院"])
        rotations.create_rotation(
            s,
            data=RotationData(
                staff_id=staff_id,
                from_id=ids["县医院"],
                to_id=ids["大树"],
                form="坐诊/巡诊",
                start=dt.date(2025, 3, 1),
                end=dt.date(2025, 3, 31),
            ),
            today=dt.date(2025, 6, 1),
        )
    page = StaffPage(db)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    answers.push(QMessageBox.StandardButton.Yes)
    page.delete()
    assert [k for k, _ in answers.shown] == ["warning"]  # refused before "确定删除？"
    assert "人员流动记录 1 条" in answers.shown[-1][1]
    assert page.proxy.rowCount() == 1


def test_new_person_opens_quiet_and_shows_a_field_once_edited(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    assert shown_problems(dialog) == {}  # no wall of "required" messages
    assert not dialog.save_button.isEnabled()
    # 姓名, 性别, 证件号码, 职称, 所属机构 (证件类型 starts as 居民身份证)
    assert dialog.pending.text() == pending(5)
    type_text(qtbot, dialog.binder.widget("id_number"), "3604281984")
    assert list(shown_problems(dialog)) == ["id_number"]
    assert "18位" in shown_problems(dialog)["id_number"]
    assert dialog.pending.text() == pending(5)  # a wrong value counts as much as a blank
    assert not dialog.save_button.isEnabled()
    type_text(qtbot, dialog.binder.widget("name"), "李秀英")
    assert dialog.pending.text() == pending(4)  # a right value shows nothing and counts off
    assert list(shown_problems(dialog)) == ["id_number"]


def test_existing_person_shows_problems_at_once(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = consortium(s)
        staff_id = add_person(s, ids["县医院"])
        with transaction(s):  # stored before these rules were checked
            person = s.get(Staff, staff_id)
            person.id_number = person.id_number[:-1] + ("0" if person.id_number[-1] != "0" else "1")
            person.title = ""
    dialog = StaffDialog(db, staff_id)
    qtbot.addWidget(dialog)
    shown = shown_problems(dialog)
    assert "校验位错误" in shown["id_number"]
    assert shown["title"] == "职称为必填项"
    assert dialog.pending.text() == pending(2)  # shown problems count too
    assert not dialog.save_button.isEnabled()
