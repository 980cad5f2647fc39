"""The rotation page and dialog, driven by keyboard as a clerk would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QLineEdit, QTableWidget
from sqlalchemy import update

from tests.helpers.people import small_world
from tests.helpers.problems import pending, shown_problems
from tests.helpers.typing import type_text
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import quarters
from ylt_desktop.store import rotations as store
from ylt_desktop.store.models import Institution, RotationQuarter
from ylt_desktop.store.tx import transaction
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.pages.rotations import RotationsPage

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        return small_world(s)


def choose(qtbot, combo: QComboBox, text: str) -> None:  # noqa: ANN001
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{text} not in combo")


def type_date(qtbot, widget, day: dt.date) -> None:  # noqa: ANN001
    widget.setFocus()
    widget.setSelectedSection(QDateTimeEdit.Section.YearSection)  # as a click on the year
    qtbot.keyClicks(widget, day.strftime("%Y%m%d"))  # each full section moves to the next
    assert widget.date() == QDate(day.year, day.month, day.day)


def type_cell(qtbot, table: QTableWidget, row: int, column: int, text: str) -> None:  # noqa: ANN001
    table.setFocus()
    table.setCurrentCell(row, column)
    qtbot.keyClick(table, Qt.Key.Key_F2)  # opens the cell's editor
    # The editor just opened; an earlier cell's closed editor may await its deleteLater.
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(row, column).text() == text)


def pick_person(qtbot, dialog: RotationDialog, typed: str) -> None:  # noqa: ANN001
    line = dialog.binder.widget("staff_id")
    type_text(qtbot, line, typed)
    popup = dialog.picker.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible())


def test_enter_rotation_by_keyboard(qtbot, db, world, answers) -> None:  # noqa: ANN001
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    dialog = RotationDialog(db, parent=page, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pick_person(qtbot, dialog, "王建")
    assert dialog.binder.value("staff_id").startswith("王建国（360428")
    assert "*" in dialog.binder.value("staff_id")  # shown masked
    assert dialog.picker.staff_id() == world["王"]
    w = dialog.binder.widget
    choose(qtbot, w("from_id"), "示例县人民医院")
    choose(qtbot, w("to_id"), "示例县大树镇卫生院")
    assert dialog.direction.text() == "下沉"
    choose(qtbot, w("form"), "坐诊/巡诊")
    type_date(qtbot, w("start"), dt.date(2026, 3, 2))
    w("has_end").setFocus()
    qtbot.keyClick(w("has_end"), Qt.Key.Key_Space)
    type_date(qtbot, w("end"), dt.date(2026, 4, 30))
    type_text(qtbot, w("note"), "每周二坐诊")
    grid = dialog.grid.table
    assert grid.rowCount() == 2  # 2026Q1 and 2026Q2
    type_cell(qtbot, grid, 0, 0, "12")
    type_cell(qtbot, grid, 0, 1, "310")
    type_cell(qtbot, grid, 1, 0, "40")  # April has 30 calendar days in the rotation
    label = dialog.binder.problem_label("quarters")
    assert not label.isHidden() and "工作天数 40 超过本季度内的日历天数 30" in label.text()
    assert not dialog.save_button.isEnabled()
    type_cell(qtbot, grid, 1, 0, "9")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.session() as s:
        (rot,) = store.list_rotations(s)
        rows = {r.quarter: (r.days, r.outpatient) for r in rot.quarters}
    assert (rot.direction, rot.form, rot.note, rot.start, rot.end) == (
        "下沉",
        "坐诊/巡诊",
        "每周二坐诊",
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 30),
    )
    assert rows == {"2026Q1": (12, 310), "2026Q2": (9, 0)}
    page.refresh()
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 0).data() == "王建国"
    assert "********" in page.proxy.index(0, 1).data()


def test_person_found_by_whole_id_number(qtbot, db, world, answers) -> None:  # noqa: ANN001
    from ylt_desktop.store.models import Staff

    with db.session() as s:
        number = s.get(Staff, world["李"]).id_number
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.binder.widget("staff_id"), number)
    assert dialog.picker.staff_id() == world["李"]
    assert dialog.binder.problem_label("staff_id").isHidden()
    type_text(qtbot, dialog.binder.widget("staff_id"), "张无此人")
    assert dialog.picker.staff_id() is None
    label = dialog.binder.problem_label("staff_id")
    assert label.isHidden()  # not while the clerk is still typing
    assert not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: "未找到该人员" in label.text() and not label.isHidden())


def test_person_not_found_waits_for_a_pause_in_typing(qtbot, db, world, answers) -> None:  # noqa: ANN001
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    line = dialog.binder.widget("staff_id")
    label = dialog.binder.problem_label("staff_id")
    type_text(qtbot, line, "zz")
    assert dialog.typing.isActive() and label.isHidden()
    qtbot.keyClicks(line, "q")  # another key starts the wait again
    assert dialog.typing.remainingTime() > dialog.typing.interval() - 200
    assert label.isHidden()
    with qtbot.waitSignal(dialog.typing.timeout):
        pass
    assert "未找到该人员" in label.text() and not label.isHidden()


def test_full_time_default_days_follow_dates(qtbot, db, world, answers) -> None:  # noqa: ANN001
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    w = dialog.binder.widget
    choose(qtbot, w("form"), "派驻")
    type_date(qtbot, w("start"), dt.date(2026, 2, 10))
    grid = dialog.grid.table
    # Open end: ongoing up to today's quarter, which counts to its last day.
    assert [grid.item(r, 0).text() for r in range(grid.rowCount())] == ["50", "91"]
    w("has_end").setChecked(True)
    type_date(qtbot, w("end"), dt.date(2026, 4, 9))
    assert [grid.item(r, 0).text() for r in range(grid.rowCount())] == ["50", "9"]


def test_overlap_shown_on_start_and_blocks_save(qtbot, db, world, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_rotation(
            s,
            data=RotationData(
                staff_id=world["王"],
                from_id=world["县医院"],
                to_id=world["大树"],
                form="派驻",
                start=dt.date(2026, 1, 5),
                end=dt.date(2026, 3, 31),
            ),
            today=TODAY,
        )
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    pick_person(qtbot, dialog, "王")
    w = dialog.binder.widget
    choose(qtbot, w("from_id"), "示例县人民医院")
    choose(qtbot, w("to_id"), "示例县中医医院")
    choose(qtbot, w("form"), "晋升前基层服务")
    type_date(qtbot, w("start"), dt.date(2026, 3, 15))
    label = dialog.binder.problem_label("start")
    qtbot.waitUntil(lambda: not label.isHidden())
    assert "2026-01-05 至 2026-03-31" in label.text()
    assert "示例县人民医院 → 示例县大树镇卫生院" in label.text()
    assert not dialog.save_button.isEnabled()
    dialog.save()
    with db.session() as s:
        assert len(store.list_rotations(s)) == 1
    type_date(qtbot, w("start"), dt.date(2026, 4, 1))
    qtbot.waitUntil(lambda: label.isHidden())
    assert dialog.save_button.isEnabled()


def test_filters_and_sorting(qtbot, demo_db) -> None:  # noqa: ANN001
    page = RotationsPage(demo_db)
    qtbot.addWidget(page)
    total = page.proxy.rowCount()
    assert total >= 500
    headers = [c.header for c in page.model.columns]

    def column(name: str) -> list[str]:
        c = headers.index(name)
        return [page.proxy.index(r, c).data() for r in range(page.proxy.rowCount())]

    choose(qtbot, page.direction, "上派")
    assert 0 < page.proxy.rowCount() < total
    assert set(column("流动方向")) == {"上派"}
    assert set(column("流动性质")) <= {"上派进修", "上派（其他）"}
    choose(qtbot, page.form, "进修学习")
    assert set(column("流动形式")) == {"进修学习"}
    choose(qtbot, page.institution, "示例县人民医院")
    assert column("接收单位") and set(column("接收单位")) == {"示例县人民医院"}
    page.quarter.setCurrentIndex(2)  # the quarter before last
    quarter = page.quarter.currentData()
    starts = column("开始日期")
    assert starts and all(s <= str(quarter.last_day) for s in starts)
    choose(qtbot, page.quarter, "全部季度")
    choose(qtbot, page.direction, "全部方向")
    choose(qtbot, page.form, "全部形式")
    choose(qtbot, page.institution, "全部单位")
    assert page.proxy.rowCount() == total
    name = page.proxy.index(0, 0).data()
    type_text(qtbot, page.search, name)
    assert set(column("姓名")) == {name}
    type_text(qtbot, page.search, "")
    page.table.sortByColumn(headers.index("开始日期"), Qt.SortOrder.AscendingOrder)
    starts = column("开始日期")
    assert starts == sorted(starts) and starts[0] < starts[-1]


def test_grid_edits_count_as_unsaved(qtbot, db, world, answers) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox

    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    choose(qtbot, dialog.binder.widget("form"), "派驻")
    dialog._pristine = dialog.binder.values()  # as if opened on this form
    assert not dialog.is_dirty()
    type_cell(qtbot, dialog.grid.table, 0, 1, "25")
    assert dialog.is_dirty()
    answers.push(QMessageBox.StandardButton.Cancel)
    dialog.reject()
    assert answers.shown[-1][0] == "question" and dialog.isVisible()
    answers.push(QMessageBox.StandardButton.Discard)
    dialog.reject()
    assert not dialog.isVisible() and not dialog.is_dirty()


def test_new_rotation_opens_quiet_and_shows_a_field_once_edited(qtbot, db, world, answers) -> None:  # noqa: ANN001
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    assert shown_problems(dialog) == {}  # no wall of "required" messages
    assert not dialog.save_button.isEnabled()
    assert dialog.pending.text() == pending(4)  # 人员, 派出单位, 接收单位, 流动形式
    type_text(qtbot, dialog.binder.widget("staff_id"), "张无此人")
    qtbot.waitUntil(lambda: list(shown_problems(dialog)) == ["staff_id"])
    assert "未找到该人员" in shown_problems(dialog)["staff_id"]
    assert dialog.pending.text() == pending(4)  # shown or not, every error counts
    # The grid's problems wait for the grid, or for the form and dates that shape its rows.
    assert "quarters" not in shown_problems(dialog)
    w = dialog.binder.widget
    choose(qtbot, w("form"), "坐诊/巡诊")  # part-time: each quarter wants its days
    assert shown_problems(dialog)["quarters"] == "2026年第2季度：未填写工作天数"
    assert dialog.pending.text() == pending(3)  # a warning needs no correcting
    type_date(qtbot, w("start"), dt.date(2026, 3, 2))
    assert "2026年第1季度：未填写工作天数" in shown_problems(dialog)["quarters"]
    assert not dialog.save_button.isEnabled()


def test_new_rotation_prefilled_start_in_a_submitted_quarter_shows_at_once(
    qtbot, db, world, answers
) -> None:  # noqa: ANN001
    with db.session() as s:
        quarters.submit_quarter(s, quarter=Quarter.containing(TODAY), by="张审核")
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    # The start date is the form's own default, not left blank: the clerk must see why.
    assert list(shown_problems(dialog)) == ["start"]
    assert "2026年第2季度已报送并锁定" in shown_problems(dialog)["start"]
    assert dialog.pending.text() == pending(5)  # the four left to fill, and the lock
    assert not dialog.save_button.isEnabled()


def test_existing_rotation_shows_problems_at_once(qtbot, db, world, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        rotation_id = store.create_rotation(
            s,
            data=RotationData(
                staff_id=world["王"],
                from_id=world["县医院"],
                to_id=world["大树"],
                form="坐诊/巡诊",
                start=dt.date(2026, 1, 5),
                end=dt.date(2026, 3, 31),
                quarters={"2026Q1": QuarterFigures(days=20)},
            ),
            today=TODAY,
        ).id
        with transaction(s):  # changed behind the rules' back since
            s.get(Institution, world["大树"]).left = dt.date(2026, 2, 28)
            s.execute(update(RotationQuarter).values(days=120))
    dialog = RotationDialog(db, rotation_id, today=TODAY)
    qtbot.addWidget(dialog)
    shown = shown_problems(dialog)
    assert "已于 2026-02-28 退出医联体" in shown["to_id"]
    assert "工作天数 120 超过本季度内的日历天数 86" in shown["quarters"]
    assert dialog.pending.text() == pending(2)  # the errors shown count too
    assert not dialog.save_button.isEnabled()


def _rotation(db, world, start: dt.date, end: dt.date | None) -> int:  # noqa: ANN001
    with db.session() as s:
        return store.create_rotation(
            s,
            data=RotationData(
                staff_id=world["王"],
                from_id=world["县医院"],
                to_id=world["大树"],
                form="坐诊/巡诊",
                start=start,
                end=end,
                quarters={str(Quarter.containing(start)): QuarterFigures(days=10)},
            ),
            today=TODAY,
        ).id


def test_rotation_wholly_in_a_submitted_quarter_opens_read_only(qtbot, db, world, answers) -> None:  # noqa: ANN001
    rotation_id = _rotation(db, world, dt.date(2026, 1, 5), dt.date(2026, 2, 20))
    with db.session() as s:
        quarters.submit_quarter(s, quarter="2026Q1", by="张审核")
    dialog = RotationDialog(db, rotation_id, today=TODAY)
    qtbot.addWidget(dialog)
    banner = dialog.banner.text()
    assert not dialog.banner.isHidden()
    assert banner.startswith("2026年第1季度已报送并锁定")
    assert "审核人" in banner and "重新打开" in banner and "ylt" not in banner
    assert all(not w.isEnabled() for w in dialog.binder.widgets.values())
    assert dialog.save_button.isHidden()
    assert dialog.grid.table.editTriggers() == dialog.grid.table.EditTrigger.NoEditTriggers
    dialog.reject()  # nothing to discard: closes without asking
    assert answers.shown == []


def test_rotation_partly_in_a_submitted_quarter_keeps_the_rest_open(
    qtbot, db, world, answers
) -> None:  # noqa: ANN001
    rotation_id = _rotation(db, world, dt.date(2026, 3, 2), dt.date(2026, 4, 30))
    with db.session() as s:
        quarters.submit_quarter(s, quarter="2026Q1", by="张审核")
    dialog = RotationDialog(db, rotation_id, today=TODAY)
    qtbot.addWidget(dialog)
    assert "2026年第1季度已报送并锁定" in dialog.banner.text()
    assert not dialog.binder.widget("start").isEnabled()
    assert not dialog.binder.widget("staff_id").isEnabled()
    assert dialog.binder.widget("note").isEnabled()
    assert not dialog.save_button.isHidden()
    editable = Qt.ItemFlag.ItemIsEditable
    table = dialog.grid.table
    assert not table.item(0, 0).flags() & editable  # 2026Q1, submitted
    assert table.item(1, 0).flags() & editable  # 2026Q2, open
    table.item(1, 0).setText("12")
    type_text(qtbot, dialog.binder.widget("note"), "补录")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_an_open_rotation_has_no_banner(qtbot, db, world, answers) -> None:  # noqa: ANN001
    rotation_id = _rotation(db, world, dt.date(2026, 4, 2), dt.date(2026, 4, 30))
    with db.session() as s:
        quarters.submit_quarter(s, quarter="2026Q1", by="张审核")
    dialog = RotationDialog(db, rotation_id, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.banner.isHidden()
    assert all(w.isEnabled() for n, w in dialog.binder.widgets.items() if n != "end")


def test_unit_picker_finds_a_unit_by_part_of_its_name(qtbot, db, world, answers) -> None:  # noqa: ANN001
    from tests.helpers.people import institution
    from ylt_desktop.ui.widgets.forms import combo_choice

    with db.session() as s:
        shimen = institution(s, "澄湖县石门镇卫生院", category="乡镇卫生院", level="一级")
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    combo = dialog.binder.widget("to_id")
    type_text(qtbot, combo.lineEdit(), "石门")
    popup = combo.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    found = combo.completer().completionModel()
    assert [found.index(r, 0).data() for r in range(found.rowCount())] == ["澄湖县石门镇卫生院"]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: combo_choice(combo) == shimen)
    type_text(qtbot, combo.lineEdit(), "石门乡")  # names no unit: said so, not "必填"
    qtbot.waitUntil(lambda: "没有这个成员单位" in shown_problems(dialog).get("to_id", ""))


def test_sending_unit_defaults_to_the_persons_home(qtbot, db, world, answers) -> None:  # noqa: ANN001
    from ylt_desktop.ui.widgets.forms import combo_choice

    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    sending = dialog.binder.widget("from_id")
    pick_person(qtbot, dialog, "李秀")
    assert combo_choice(sending) == world["大树"]  # 李秀英's 所属机构
    pick_person(qtbot, dialog, "王建")
    assert combo_choice(sending) == world["县医院"]  # follows while not chosen by hand
    choose(qtbot, sending, "示例县中医医院")
    pick_person(qtbot, dialog, "李秀")
    assert combo_choice(sending) == world["中医院"]  # the clerk's choice stays


def test_a_saved_rotation_is_selected_in_the_list(qtbot, db, world, answers, monkeypatch) -> None:  # noqa: ANN001
    made = []

    def save_one(dialog) -> int:  # noqa: ANN001
        dialog.rotation_id = _rotation(db, world, dt.date(2026, 4, 1), dt.date(2026, 4, 20))
        made.append(dialog.rotation_id)
        return 1

    _rotation(db, world, dt.date(2026, 1, 5), dt.date(2026, 1, 20))
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    monkeypatch.setattr(RotationDialog, "exec", save_one)
    page.add()
    assert page.selected() is not None and page.selected().id == made[0]
