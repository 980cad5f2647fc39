"""Two clerks, one record, in the dialogs: the second save is refused with "该记录已被他人修改",
the other's values are shown beside the clerk's, and the form keeps what was typed."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from tests.helpers.typing import type_text
from ylt_desktop.store import institutions, rotations, staff
from ylt_desktop.store.models import Institution, Rotation, Staff
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.pages.institutions import InstitutionDialog
from ylt_desktop.ui.pages.staff import StaffPage

OTHER_PHONE = "0792-2611111"
MY_CONTACT = "欧阳修远"


def _first(db, model):  # noqa: ANN001, ANN202
    with db.session() as s:
        return s.scalars(select(model).order_by(model.id).limit(1)).one()


def test_institution_dialog_shows_the_others_values_and_keeps_mine(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    inst = _first(demo_db, Institution)
    dialog = InstitutionDialog(demo_db, inst.id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.binder.widget("contact"), MY_CONTACT)
    # Meanwhile another clerk saves the same unit with another phone number.
    with demo_db.session() as s:
        data = dataclasses.replace(institutions.to_data(inst), phone=OTHER_PHONE)
        institutions.update_institution(s, institution_id=inst.id, data=data, version=1)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    shown = dialog.changed_dialog
    qtbot.waitUntil(shown.isVisible)
    assert "该记录已被他人修改" in shown.message.text()
    assert "该记录已被他人修改" in dialog.banner.text() and dialog.banner.isVisible()
    rows = {r[0]: (r[1], r[2]) for r in shown.cell_texts()}
    assert rows["联系电话"] == (inst.phone or "（空）", OTHER_PHONE)
    assert rows["联系人"] == (MY_CONTACT, inst.contact or "（空）")
    assert dialog.binder.value("contact") == MY_CONTACT  # what was typed is kept
    with demo_db.session() as s:
        now = s.get(Institution, inst.id)
        assert (now.phone, now.contact) == (OTHER_PHONE, inst.contact)  # theirs stands

    # The clerk redoes the edit on top of theirs (takes their phone), and it saves.
    shown.accept()
    type_text(qtbot, dialog.binder.widget("phone"), OTHER_PHONE)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with demo_db.session() as s:
        now = s.get(Institution, inst.id)
        assert (now.phone, now.contact, now.version) == (OTHER_PHONE, MY_CONTACT, 3)


def test_rotation_dialog_refuses_a_save_after_another_changed_a_quarter(
    qtbot, demo_db, answers
) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        r = rotations.get_rotation(s, _first(demo_db, Rotation).id)
        data = rotations.to_data(r)
    dialog = RotationDialog(demo_db, r.id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.binder.widget("note"), "我填的备注")
    key = sorted(data.quarters)[0]
    theirs = dataclasses.replace(data, quarters=dict(data.quarters))
    theirs.quarters[key] = dataclasses.replace(data.quarters[key], lectures=42)
    with demo_db.session() as s:
        rotations.update_rotation(s, rotation_id=r.id, data=theirs, version=r.version)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    shown = dialog.changed_dialog
    qtbot.waitUntil(shown.isVisible)
    rows = {row[0]: (row[1], row[2]) for row in shown.cell_texts()}
    assert rows[f"{key[:4]}年第{key[5]}季度 讲座次数"] == (str(data.quarters[key].lectures), "42")
    assert rows["备注"][0] == "我填的备注"
    assert dialog.binder.value("note") == "我填的备注"
    with demo_db.session() as s:
        assert rotations.get_rotation(s, r.id).note == r.note
    answers.push(QMessageBox.StandardButton.Discard)  # closing: the typed note is given up


def test_a_delete_from_the_list_of_a_changed_person_is_refused(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    page = StaffPage(demo_db)
    qtbot.addWidget(page)
    # A person with no rotations can be deleted: make one.
    with demo_db.session() as s:
        busy = set(s.scalars(select(Rotation.staff_id)))
        person = next(p for p in s.scalars(select(Staff).order_by(Staff.id)) if p.id not in busy)
    page.refresh()
    assert page.select(person.id)
    with demo_db.session() as s:  # another clerk corrects the person meanwhile
        data = dataclasses.replace(staff.to_data(person), specialty="全科医学")
        staff.update_staff(s, staff_id=person.id, data=data, version=person.version)
    answers.push(QMessageBox.StandardButton.Yes)
    page.delete()
    shown = page.changed_dialog
    qtbot.waitUntil(shown.isVisible)
    assert "未删除" in shown.message.text()
    rows = {r[0]: (r[1], r[2]) for r in shown.cell_texts()}
    assert rows["专业"] == (person.specialty or "（空）", "全科医学")
    with demo_db.session() as s:
        assert s.get(Staff, person.id) is not None


def test_the_figures_grid_refuses_a_row_another_saved(qtbot, db, answers) -> None:  # noqa: ANN001
    import datetime as dt

    from PySide6.QtWidgets import QLineEdit

    from tests.helpers.people import consortium
    from tests.ui.test_figures_page import cell
    from ylt_desktop.domain.figures import MemberFigures
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store import figures
    from ylt_desktop.ui.pages.figures import FiguresPage

    q = Quarter.last_finished(dt.date.today())
    with db.session() as s:
        ids = consortium(s)
    page = FiguresPage(db)
    qtbot.addWidget(page)
    page.set_quarter(q)
    page.show()
    hospital = ids["县医院"]
    with db.session() as s:  # another clerk saves the hospital's row meanwhile
        figures.save_figures(s, quarter=q, members={hospital: MemberFigures(visits=900)})
    view = page.member_view  # type 12 into 出院人次, as tests/ui/test_figures_page.py does
    view.setFocus()
    view.setCurrentIndex(cell(page, hospital, "discharges"))
    qtbot.keyClicks(view, "1")
    editor = view.findChild(QLineEdit)
    qtbot.keyClicks(editor, "2")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(page, "changed_dialog", None) is not None)
    shown = page.changed_dialog
    qtbot.waitUntil(shown.isVisible)
    rows = {r[0]: (r[1], r[2]) for r in shown.cell_texts()}
    assert rows["诊疗人次"] == ("（空）", "900")
    assert rows["出院人次"] == ("12", "（空）")
    assert "该记录已被他人修改" in page.status.text()
    assert page.members.data(cell(page, hospital, "visits")) == "900"  # theirs shown now
    with db.session() as s:
        stored = figures.member_figures(s, q)[hospital]
    assert (stored.visits, stored.discharges) == (900, None)  # nothing of the refused save


def test_agreement_and_staff_dialogs_keep_the_typed_values(qtbot, demo_db, answers) -> None:  # noqa: ANN001
    from ylt_desktop.store import agreements
    from ylt_desktop.store.models import Agreement
    from ylt_desktop.ui.dialogs.agreement import AgreementDialog
    from ylt_desktop.ui.pages.staff import StaffDialog

    a = _first(demo_db, Agreement)
    dialog = AgreementDialog(demo_db, a.id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(qtbot, dialog.binder.widget("title"), "我改的协议名称")
    with demo_db.session() as s:
        agreements.update_agreement(
            s, agreement_id=a.id, data=agreements.to_data(agreements.get_agreement(s, a.id)),
            terms="他人补充的条款", version=a.version,
        )  # fmt: skip
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(dialog, "changed_dialog", None) is not None)
    rows = {r[0]: (r[1], r[2]) for r in dialog.changed_dialog.cell_texts()}
    assert rows["协议名称"] == ("我改的协议名称", a.title)
    assert rows["协议条款"][1] == "他人补充的条款"
    assert dialog.binder.value("title") == "我改的协议名称"

    person = _first(demo_db, Staff)
    form = StaffDialog(demo_db, person.id)
    qtbot.addWidget(form)
    form.show()
    type_text(qtbot, form.binder.widget("licence_code"), "110000000001")
    with demo_db.session() as s:
        data = dataclasses.replace(staff.to_data(person), specialty="全科医学")
        staff.update_staff(s, staff_id=person.id, data=data, version=person.version)
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(form, "changed_dialog", None) is not None)
    rows = {r[0]: (r[1], r[2]) for r in form.changed_dialog.cell_texts()}
    assert rows["专业"] == (person.specialty or "（空）", "全科医学")
    assert rows["执业证书编码"][0] == "110000000001"
    assert form.binder.value("licence_code") == "110000000001"
    answers.push(QMessageBox.StandardButton.Discard)
    answers.push(QMessageBox.StandardButton.Discard)
