"""Full-width digits (a Chinese input method in 全角 mode commits "１２") count in the
institution form's number boxes and the rotation's quarter grid, as they already did in the
运行指标 grid and the agreement's volumes (DESIGN §2). Before, Qt's validators dropped them
without a word: the box kept its old number and the clerk saw the keys do nothing."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from tests.helpers.people import consortium
from tests.ui.test_institutions import GOOD_USCC, fill_township
from tests.ui.test_rotations import TODAY, choose, pick_person, type_date, world  # noqa: F401
from ylt_desktop.store import institutions as store
from ylt_desktop.store import rotations
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.pages.institutions import InstitutionDialog


def commit(widget: QLineEdit, text: str) -> None:
    """What an input method sends when the clerk types ``text`` in full-width mode."""
    widget.setFocus()
    widget.selectAll()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_number_boxes_take_full_width_digits(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    fill_township(qtbot, dialog, GOOD_USCC)
    w = dialog.binder.widget
    for field, typed in (("beds_authorised", "４０"), ("beds_actual", "３８"), ("nurses", "１６")):
        commit(w(field).findChild(QLineEdit), typed)
        w(field).interpretText()
    assert [w(f).value() for f in ("beds_authorised", "beds_actual", "nurses")] == [40, 38, 16]
    dialog.save()
    with db.session() as s:
        made = [i for i in store.list_institutions(s) if i.name == "示例县青石镇卫生院"]
    assert [(i.beds_authorised, i.beds_actual, i.nurses) for i in made] == [(40, 38, 16)]


def test_quarter_grid_takes_full_width_digits(qtbot, db, world, answers) -> None:  # noqa: ANN001, F811
    dialog = RotationDialog(db, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    pick_person(qtbot, dialog, "王建")
    w = dialog.binder.widget
    choose(qtbot, w("from_id"), "示例县人民医院")
    choose(qtbot, w("to_id"), "示例县大树镇卫生院")
    choose(qtbot, w("form"), "坐诊/巡诊")
    type_date(qtbot, w("start"), dt.date(2026, 3, 2))
    table = dialog.grid.table
    for column, typed in ((0, "１２"), (1, "３１０")):
        table.setFocus()
        table.setCurrentCell(0, column)
        qtbot.keyClick(table, Qt.Key.Key_F2)  # opens the cell's editor
        (editor,) = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
        commit(editor, typed)
        assert editor.text() == typed.translate(str.maketrans("０１２３", "0123"))
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda c=column: table.item(0, c).text() != "")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save()
    with db.session() as s:
        (rot,) = rotations.list_rotations(s)
        assert {q.quarter: (q.days, q.outpatient) for q in rot.quarters}["2026Q1"] == (12, 310)


def type_full_width_date(box, typed: str) -> None:  # noqa: ANN001
    """The clerk selects the date box's text and types ``typed`` in 全角 mode."""
    edit = box.findChild(QLineEdit)
    commit(edit, typed)
    box.interpretText()


def test_the_report_date_takes_full_width_digits(qtbot, demo_db) -> None:  # noqa: ANN001
    """报出日期 on 季度报表 (a box made in code, not by load_form)."""
    from ylt_desktop.ui.pages.returns import ReturnsPage

    page = ReturnsPage(demo_db)
    qtbot.addWidget(page)
    type_full_width_date(page.report_date, "２０２６－０９－３０")
    assert page.report_date.date().toPython() == dt.date(2026, 9, 30)


def test_the_audit_log_date_range_takes_full_width_digits(qtbot, db) -> None:  # noqa: ANN001
    from ylt_desktop.ui.pages.audit import AuditPage

    page = AuditPage(db)
    qtbot.addWidget(page)
    type_full_width_date(page.since, "２０２５－０１－０２")
    type_full_width_date(page.until, "２０２６－０９－３０")
    assert page.since.date().toPython() == dt.date(2025, 1, 2)
    assert page.until.date().toPython() == dt.date(2026, 9, 30)


def test_the_server_port_takes_full_width_digits(qtbot, tmp_path) -> None:  # noqa: ANN001
    """数据库连接's 端口 (a number box made in code, as 报出日期)."""
    from PySide6.QtCore import QSettings

    from ylt_desktop.ui.dialogs.connection import ConnectionDialog

    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = ConnectionDialog(store=store, prefer_server=True)
    qtbot.addWidget(dialog)
    commit(dialog.port.findChild(QLineEdit), "５４３３")
    dialog.port.interpretText()
    assert dialog.port.value() == 5433
