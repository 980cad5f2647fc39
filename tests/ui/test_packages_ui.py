"""The program's side of packages (DESIGN.md §7, issue #16): a member's first run from a roster,
the lead's 季度报表 page opening members' data packages (dialog and drop), the preview with a
conflict to choose, refusals shown in Chinese with nothing changed, 退回 with a reason, and a
member making its data package with one button."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog
from sqlalchemy import func, select

from tests.exchange.world import (
    ENTER,
    LEAD,
    PASSPHRASE,
    TODAY,
    A,
    B,
    C,
    Q,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.roles import CLERK
from ylt_desktop.exchange import apply_packages, make_roster, preview_packages
from ylt_desktop.store import exchange, rotations, users
from ylt_desktop.store.db import open_database
from ylt_desktop.store.institutions import get_consortium
from ylt_desktop.store.models import PackageEvent, Rotation, Staff
from ylt_desktop.ui.background import task_running
from ylt_desktop.ui.dialogs.first_run import FirstRunDialog
from ylt_desktop.ui.main_window import MainWindow


def _passphrase(monkeypatch: pytest.MonkeyPatch, text: str) -> list:
    """QInputDialog.getText answers ``text``; returns the prompts asked."""
    asked: list = []

    def get_text(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        asked.append(args[2] if len(args) > 2 else "")
        return text, True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return asked


def _members(tmp_path: Path, *, conflict: bool = False) -> tuple:
    """The lead and three members' packages for Q; with ``conflict`` 青山镇卫生院 reports the
    lead's posted doctor with other outpatient figures than the lead typed."""
    lead = lead_database(tmp_path)
    paths = []
    for name in (A, B, C):
        member = member_database(lead, name, tmp_path)
        ENTER[name](member)
        if conflict and name == A:
            with member.session() as s:
                doctor = s.scalar(select(Staff).where(Staff.name == "赵建国"))
                rot = s.scalar(select(Rotation).where(Rotation.staff_id == doctor.id))
                data = rotations.to_data(rot)
                data.quarters[str(Q)].outpatient = 280
                rotations.update_rotation(s, rotation_id=rot.id, data=data, today=TODAY)
        paths.append(make_package(member, tmp_path / name))
        member.close()
    return lead, paths


def _returns_page(qtbot, db):  # noqa: ANN001, ANN202
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.nav.setCurrentRow(window.titles().index("季度报表"))
    page = window.page("季度报表")
    page.quarter.setCurrentIndex(page.quarter.findData(str(Q)))
    return window, page


def _statuses(page) -> dict[str, str]:  # noqa: ANN001
    t = page.members_table
    return {t.item(r, 0).text(): t.item(r, 1).text() for r in range(t.rowCount())}


def _events(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(PackageEvent))


# ---------------------------------------------------------------- member's first run


def test_first_run_as_member_from_the_roster(qtbot, tmp_path, monkeypatch, answers) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "rosters")  # fmt: skip
    damaged = tmp_path / "damaged.ylt"
    data = bytearray(roster.read_bytes())
    data[-5] ^= 0x01
    damaged.write_bytes(bytes(data))
    db = open_database(tmp_path / "member.sqlite")
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.member_radio, Qt.MouseButton.LeftButton)
    assert dialog.member_panel.isVisible() and not dialog.scroll.isVisible()
    assert dialog.save_button.text() == "建立成员库"
    assert not dialog.save_button.isEnabled()  # nothing chosen yet
    assert "请选择名册包" in dialog.pending.text()

    def attempt(path: Path, passphrase: str) -> None:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
        qtbot.mouseClick(dialog.roster_browse, Qt.MouseButton.LeftButton)
        dialog.passphrase.setText(passphrase)
        assert dialog.save_button.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not task_running(dialog))

    attempt(roster, "不对的口令-12345")
    # The roster names its consortium and unit before anything is built.
    assert dialog.roster_info.text() == (
        f"这个名册包属于医联体“示例县医共体”，发给“{A}”。建立后，本数据库属于这个医联体。"
    )
    assert "口令不正确" in answers.shown[-1][1], answers.shown
    assert "口令不正确" in dialog.member_problem.text()
    attempt(damaged, PASSPHRASE)
    assert "损坏" in answers.shown[-1][1] or "改动" in answers.shown[-1][1], answers.shown
    assert "示例县医共体" in dialog.roster_info.text()  # its plain header is still readable
    dialog.roster_path.setText(str(tmp_path / "不存在.ylt"))
    assert dialog.roster_info.text() == ""
    with db.session() as s:  # nothing half-made
        assert get_consortium(s) is None
    assert dialog.result() != QDialog.DialogCode.Accepted
    attempt(roster, PASSPHRASE)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert answers.shown[-1][0] == "information" and "已建立成员库" in answers.shown[-1][1]
    with db.session() as s:
        assert exchange.database_kind(s) == exchange.MEMBER
        assert exchange.own_member_id(s) == unit_ids(s)[A]
    window, page = _returns_page(qtbot, db)
    assert "示例县医共体" in window.windowTitle()
    assert page.is_member and page.make_package_button.isEnabled()
    assert set(window._ylt_exchange_actions) == {"make", "roster"}
    db.close()
    lead.close()


def test_the_lead_form_is_still_the_default(qtbot, tmp_path) -> None:  # noqa: ANN001
    db = open_database(tmp_path / "fresh.sqlite")
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.lead_radio.isChecked() and not dialog.member_panel.isVisible()
    assert dialog.save_button.text() == "创建"
    dialog.member_radio.setChecked(True)
    dialog.lead_radio.setChecked(True)
    assert dialog.scroll.isVisible() and dialog.save_button.text() == "创建"
    db.close()


# ---------------------------------------------------------------- the lead opens packages


@pytest.mark.parametrize("how", ["dialog", "drop"])
def test_lead_opens_three_packages_chooses_the_conflict_and_applies(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,
    how,  # noqa: ANN001
) -> None:
    lead, paths = _members(tmp_path, conflict=True)
    window, page = _returns_page(qtbot, lead)
    staff_page = window.page("人员")
    persons_before = staff_page.model.rowCount()
    assert set(_statuses(page).values()) == {"未报送"}
    assert not page.return_button.isEnabled()
    asked = _passphrase(monkeypatch, PASSPHRASE)
    if how == "dialog":
        monkeypatch.setattr(
            QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], "")
        )
        qtbot.mouseClick(page.open_packages_button, Qt.MouseButton.LeftButton)
    else:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
        enter = QDragEnterEvent(
            window.rect().center(), Qt.DropAction.CopyAction, mime,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        window.dragEnterEvent(enter)
        assert enter.isAccepted()
        drop = QDropEvent(
            QPointF(window.rect().center()), Qt.DropAction.CopyAction, mime,
            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        )  # fmt: skip
        window.dropEvent(drop)
        assert window.stack.currentWidget() is page
    assert asked and "数据交换口令" in asked[0]
    qtbot.waitUntil(lambda: getattr(page, "_ylt_preview", None) is not None)
    dialog = page._ylt_preview
    assert len(dialog.package_boxes) == 3 and not dialog.refusal_labels
    titles = [b.title() for b in dialog.package_boxes]
    assert sorted(titles) == sorted(p.name for p in paths)
    text = "\n".join(
        label.text()
        for box in dialog.package_boxes
        for label in box.findChildren(type(dialog.pending))
    )
    assert "新增" in text and A in text and "2026年第3季度" in text
    details = "\n".join(lbl.text() for lbl in dialog.detail_labels)
    assert "新增　人员　钱小红" in details and "修改　本单位基本情况" in details
    assert not re.search(r"\d{17}[\dX]", details)  # identity numbers masked
    [conflict] = dialog.conflict_boxes
    assert "赵建国" in conflict.title()
    members = [
        conflict.table.horizontalHeaderItem(c).text() for c in range(conflict.table.columnCount())
    ]
    assert members[:2] == [A, LEAD]
    cells = {
        conflict.table.verticalHeaderItem(r).text(): [
            conflict.table.item(r, c).text() for c in range(2)
        ]
        for r in range(conflict.table.rowCount())
    }
    assert cells["门急诊人次"] == ["280", "300"]
    assert not dialog.apply_button.isEnabled()
    assert "1 处冲突" in dialog.pending.text()
    with lead.session() as s:
        lead_id = unit_ids(s)[LEAD]
    conflict.choose(lead_id)
    assert dialog.apply_button.isEnabled() and dialog.pending.text() == ""
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert "已接收 3 个数据包" in answers.shown[-1][1]
    assert dialog.result_.backup is not None and dialog.result_.backup.exists()
    assert _statuses(page) == {A: "已报送", B: "已报送", C: "已报送"}
    assert staff_page.model.rowCount() == persons_before + 4  # the other pages show them
    row = [page.members_table.item(0, c).text() for c in range(7)]
    assert row[3] == users.DEFAULT_ACTOR.name and row[5].endswith(".ylt") and row[4]
    with lead.session() as s:  # the lead's own value stood, as chosen
        doctor = s.scalar(select(Staff).where(Staff.name == "赵建国"))
        rot = s.scalar(select(Rotation).where(Rotation.staff_id == doctor.id))
        [q] = [x for x in rot.quarters if x.quarter == str(Q)]
        assert q.outpatient == 300
    lead.close()


def test_wrong_passphrase_and_a_tampered_file_change_nothing(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    lead, paths = _members(tmp_path)
    tampered = tmp_path / "tampered.ylt"
    data = bytearray(paths[1].read_bytes())
    data[len(data) // 2] ^= 0x40
    tampered.write_bytes(bytes(data))
    shutil.copy(paths[0], tmp_path / "copy.ylt")
    window, page = _returns_page(qtbot, lead)
    before = lead.path.read_bytes()
    _passphrase(monkeypatch, "wrong-passphrase")
    page.open_packages(paths)
    qtbot.waitUntil(lambda: not task_running(page))
    assert answers.shown[-1][0] == "warning" and "口令不正确" in answers.shown[-1][1]
    assert getattr(page, "_ylt_preview", None) is None
    _passphrase(monkeypatch, PASSPHRASE)
    page.open_packages([paths[0], tampered, paths[2]])
    qtbot.waitUntil(lambda: getattr(page, "_ylt_preview", None) is not None)
    dialog = page._ylt_preview
    [refused] = dialog.refusal_labels
    assert "不能接收" in refused.text() and ("改动" in refused.text() or "损坏" in refused.text())
    assert "#b00020" in refused.styleSheet()  # red
    assert not dialog.apply_button.isEnabled() and "1 个文件不能接收" in dialog.pending.text()
    dialog.apply()  # forced: still nothing
    assert not task_running(dialog)
    dialog.reject()
    assert _events(lead) == 0 and set(_statuses(page).values()) == {"未报送"}
    assert lead.path.read_bytes() == before
    lead.close()


def test_a_package_opened_twice_is_marked_and_applies_nothing(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    lead, paths = _members(tmp_path)
    apply_packages(lead, preview_packages(lead, paths[:1], passphrase=PASSPHRASE))
    window, page = _returns_page(qtbot, lead)
    _passphrase(monkeypatch, PASSPHRASE)
    page.open_packages(paths[:1])
    qtbot.waitUntil(lambda: getattr(page, "_ylt_preview", None) is not None)
    dialog = page._ylt_preview
    text = "\n".join(
        lbl.text() for lbl in dialog.package_boxes[0].findChildren(type(dialog.pending))
    )
    assert "已经接收过" in text
    assert not dialog.apply_button.isEnabled() and "都已接收过" in dialog.pending.text()
    lead.close()


# ---------------------------------------------------------------- 退回, and the member sees it


def test_return_with_a_reason_reaches_the_member(qtbot, tmp_path, monkeypatch, answers) -> None:  # noqa: ANN001
    lead, paths = _members(tmp_path)
    apply_packages(lead, preview_packages(lead, paths, passphrase=PASSPHRASE))
    window, page = _returns_page(qtbot, lead)
    row = next(r for r in range(3) if page.members_table.item(r, 0).text() == A)
    page.members_table.selectRow(row)
    assert page.return_button.isEnabled()
    _passphrase(monkeypatch, "   ")  # an empty reason is refused by the store, said in Chinese
    qtbot.mouseClick(page.return_button, Qt.MouseButton.LeftButton)
    assert answers.shown[-1][0] == "warning" and "请填写退回的原因" in answers.shown[-1][1]
    assert _statuses(page)[A] == "已报送"
    _passphrase(monkeypatch, "实有床位数填错，请核对")
    page.members_table.selectRow(row)
    qtbot.mouseClick(page.return_button, Qt.MouseButton.LeftButton)
    assert _statuses(page)[A] == "已退回"
    assert page.members_table.item(row, 6).text() == "实有床位数填错，请核对"
    # The export names the members missing (A, returned) and asks first.
    page.export(xlsx=True, pdf=False)
    assert answers.shown[-1][0] == "question" and A in answers.shown[-1][1]
    assert B not in answers.shown[-1][1]
    # The member opens its next roster (导入新名册…) and reads the reason.
    member = open_database(tmp_path / "member-a.sqlite")
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "rosters2")  # fmt: skip
    mwindow, mpage = _returns_page(qtbot, member)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(roster), ""))
    _passphrase(monkeypatch, PASSPHRASE)
    qtbot.mouseClick(mpage.new_roster_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(mpage))
    assert "已退回" in answers.shown[-1][1] and "实有床位数填错" in answers.shown[-1][1]
    assert mpage.returned_label.isVisibleTo(mpage)
    assert "实有床位数填错，请核对" in mpage.returned_label.text()
    assert mpage.make_package_button.isEnabled()
    member.close()
    lead.close()


def test_a_member_makes_its_package_with_the_button_and_sees_the_lock(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    ENTER[A](member)
    window, page = _returns_page(qtbot, member)
    assert "数据包" in page.exchange_box.title()
    out = tmp_path / "U盘"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    _passphrase(monkeypatch, PASSPHRASE)
    qtbot.mouseClick(page.make_package_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(page))
    [made] = list(out.glob("*.ylt"))
    assert "2026Q3" in made.name
    assert answers.shown[-1][0] == "information" and str(made) in answers.shown[-1][1]
    # The lead accepts it; the next roster locks the quarter at the member.
    apply_packages(lead, preview_packages(lead, [made], passphrase=PASSPHRASE))
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "rosters2")  # fmt: skip
    window.packages_changed()  # nothing new yet
    from ylt_desktop.ui.dialogs.packages import open_files

    open_files(page, member, [roster], window.packages_changed)
    qtbot.waitUntil(lambda: not task_running(page))
    assert "已锁定" in page.member_status.text()
    assert "已报送" in page.status.text()
    assert not page.make_package_button.isEnabled()
    # A wrong passphrase at the member: said in Chinese, no file.
    _passphrase(monkeypatch, "wrong-passphrase")
    page.quarter.setCurrentIndex(page.quarter.findData(str(Q.prev())))
    qtbot.mouseClick(page.make_package_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(page))
    assert answers.shown[-1][0] == "warning" and "口令不正确" in answers.shown[-1][1]
    assert len(list(out.glob("*.ylt"))) == 1
    member.close()
    lead.close()


def test_a_member_is_warned_of_its_own_agreement_and_may_cancel(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    """Volumes of an agreement the member typed itself (no roster brought it): before anything
    is written a box names it and says the lead may not have it; 取消 writes nothing (nor asks
    for the folder or passphrase); 仍然生成 makes the package as usual. With only the
    roster's agreement (ENTER[A] types its volume) no such box is shown."""
    from tests.exchange.test_roster_agreement_attacks import OWN, _own_agreement
    from ylt_desktop.store import agreements
    from ylt_desktop.store.models import Agreement

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    ENTER[A](member)
    window, page = _returns_page(qtbot, member)
    out = tmp_path / "U盘"
    out.mkdir()
    folders: list = []

    def folder(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        folders.append(args)
        return str(out)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder)
    asked = _passphrase(monkeypatch, PASSPHRASE)
    qtbot.mouseClick(page.make_package_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(page))
    assert [kind for kind, _ in answers.shown] == ["information"]  # made, no warning
    assert len(list(out.glob("*.ylt"))) == 1

    _own_agreement(member)
    with member.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == OWN))
        data = agreements.to_data(ag)
        data.volumes[(str(Q), "影像诊断例数")] = 42
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    folders.clear()
    asked.clear()
    answers.click("取消")
    qtbot.mouseClick(page.make_package_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(page))
    kind, text = answers.shown[-1]
    assert kind == "box" and f"“{OWN} 远程心电会诊”" in text and "YX-2026-01" not in text
    assert "协议清单中可能没有" in text and "协议编号相同" in text
    assert folders == [] and asked == []  # cancelled before anything else
    assert len(list(out.glob("*.ylt"))) == 1  # no file written

    # Closing the box is cancelling too.
    qtbot.mouseClick(page.make_package_button, Qt.MouseButton.LeftButton)
    assert answers.shown[-1][0] == "box" and folders == []
    assert len(list(out.glob("*.ylt"))) == 1

    answers.click("仍然生成")
    qtbot.mouseClick(page.make_package_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(page))
    assert answers.shown[-1][0] == "information" and len(list(out.glob("*.ylt"))) == 2
    assert len(folders) == 1 and len(asked) == 1
    window.close()
    member.close()
    lead.close()


# ---------------------------------------------------------------- roles and the menu


def test_a_clerk_at_the_lead_sees_the_package_actions_greyed_out(qtbot, tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    lead.sign_in(users.Actor("小张", CLERK))
    window, page = _returns_page(qtbot, lead)
    assert not page.open_packages_button.isEnabled()
    assert "审核人或管理员" in page.open_packages_button.toolTip()
    actions = window._ylt_exchange_actions
    assert set(actions) == {"open", "rosters", "passphrase"}
    assert not actions["passphrase"].isEnabled() and "管理员" in actions["passphrase"].toolTip()
    assert not actions["open"].isEnabled()
    lead.close()


def test_the_admin_sets_the_passphrase_and_makes_rosters(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    from ylt_desktop.ui.dialogs.packages import PassphraseDialog, RosterDialog

    lead = lead_database(tmp_path)
    dialog = PassphraseDialog(lead)
    qtbot.addWidget(dialog)
    dialog.first.setText("short")
    assert not dialog.ok_button.isEnabled() and "至少 8 个字符" in dialog.problem.text()
    dialog.first.setText("青山绿水-2026-交换")
    assert not dialog.ok_button.isEnabled() and "汉字" in dialog.problem.text()
    dialog.first.setText("new-passphrase-2026")
    dialog.second.setText("new-passphrase-2025")
    assert not dialog.ok_button.isEnabled() and "不一致" in dialog.problem.text()
    dialog.second.setText("new-passphrase-2026")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with lead.session() as s:
        assert exchange.passphrase_matches(s, "new-passphrase-2026")
    rosters = RosterDialog(lead)
    qtbot.addWidget(rosters)
    names = [rosters.members.item(r).text() for r in range(rosters.members.count())]
    assert names == [A, B, C]
    rosters.members.selectAll()
    rosters.folder.setText(str(tmp_path / "rosters"))
    rosters.passphrase.setText(PASSPHRASE)  # the old one: refused in Chinese
    qtbot.mouseClick(rosters.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(rosters))
    assert answers.shown[-1][0] == "warning" and "口令不正确" in answers.shown[-1][1]
    rosters.passphrase.setText("new-passphrase-2026")
    qtbot.mouseClick(rosters.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(rosters))
    assert rosters.result() == QDialog.DialogCode.Accepted
    assert len(list((tmp_path / "rosters").glob("*名册*.ylt"))) == 3
    lead.close()


def test_institutions_page_roster_button_and_the_member_database_keeps_its_units(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    from ylt_desktop.ui.dialogs.packages import RosterDialog

    lead = lead_database(tmp_path)
    window = MainWindow(lead)
    qtbot.addWidget(window)
    page = window.page("成员单位")
    with lead.session() as s:
        b_id = unit_ids(s)[B]
    page.select(b_id)
    opened: list = []
    monkeypatch.setattr(RosterDialog, "exec", lambda self: opened.append(self.chosen()) or 0)
    qtbot.mouseClick(page.roster_button, Qt.MouseButton.LeftButton)
    assert opened == [[b_id]]  # the selected member is chosen already
    member = member_database(lead, A, tmp_path)
    mwindow = MainWindow(member)
    qtbot.addWidget(mwindow)
    mpage = mwindow.page("成员单位")
    assert not hasattr(mpage, "roster_button")
    assert not mpage.add_button.isEnabled() and "名册包" in mpage.add_button.toolTip()
    assert not mpage.delete_button.isEnabled()
    mpage.add()  # Ctrl+N: said why, no form
    assert answers.shown[-1][0] == "information" and "名册包" in answers.shown[-1][1]
    member.close()
    lead.close()


def test_a_roster_of_another_consortium_or_member_is_refused_at_the_member(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    other = lead_database(tmp_path / "other")  # same names, its own exchange id
    with other.session() as s:
        foreign = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                              out_dir=tmp_path / "foreign")  # fmt: skip
    with lead.session() as s:
        for_b = make_roster(s, member_id=unit_ids(s)[B], passphrase=PASSPHRASE,
                            out_dir=tmp_path / "for-b")  # fmt: skip
    window, page = _returns_page(qtbot, member)
    before = member.path.read_bytes()
    _passphrase(monkeypatch, PASSPHRASE)
    for roster, words in ((foreign, "另一个医联体"), (for_b, B)):
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, r=roster, **k: (str(r), ""))
        qtbot.mouseClick(page.new_roster_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not task_running(page))
        assert answers.shown[-1][0] == "warning" and words in answers.shown[-1][1], answers.shown
    assert member.path.read_bytes() == before
    for db in (member, lead, other):
        db.close()


def test_package_work_runs_off_the_gui_thread(qtbot) -> None:  # noqa: ANN001
    """The task waits for an event only the GUI thread's timer sets: it is set only if the GUI
    thread kept running its event loop meanwhile (on the GUI thread it could not be)."""
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWidget

    from ylt_desktop.ui.background import run_in_background

    parent = QWidget()
    qtbot.addWidget(parent)
    gui_ran = threading.Event()
    results: list = []
    QTimer.singleShot(0, gui_ran.set)
    run_in_background(
        parent, "…", lambda: (gui_ran.wait(30), threading.current_thread() is threading.main_thread()),
        results.append, results.append,
    )  # fmt: skip
    qtbot.waitUntil(lambda: bool(results), timeout=40_000)
    assert results == [(True, False)]
    assert not task_running(parent)


def test_without_a_passphrase_the_lead_is_told_where_to_set_it(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    from tests.exchange.world import build_consortium

    db = open_database(tmp_path / "lead.sqlite")
    build_consortium(db)
    window, page = _returns_page(qtbot, db)
    assert "尚未设置数据交换口令" in page.exchange_hint.text()
    chosen: list = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: chosen.append(1))
    qtbot.mouseClick(page.open_packages_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.rosters_button, Qt.MouseButton.LeftButton)
    assert not chosen
    assert [kind for kind, _ in answers.shown] == ["information", "information"]
    assert all("设置交换口令" in text for _, text in answers.shown)
    db.close()


def test_the_roster_message_names_the_units_the_lead_deleted(qapp) -> None:  # noqa: ANN001
    """Units a newer roster removed, and those kept because this database still uses them,
    are named to the member's clerk (the CLI printed them; the program did not)."""
    from ylt_desktop.exchange.roster import RosterResult
    from ylt_desktop.ui.dialogs.packages import roster_summary

    result = RosterResult(
        created=False,
        unchanged=False,
        member="示例县城关镇卫生院",
        consortium="示例县医共体",
        removed_units=["示例县新建村卫生室", "示例县东村卫生室"],
        kept_units=["示例县旧村卫生室：牵头单位已删除该单位，但本库仍有其人员流动，未删除"],
        removed_agreements=["YX-2026-02 心电诊断中心"],
        kept_agreements=["协议“YX-2026-01 影像诊断中心”：牵头单位已删除该协议，未删除"],
    )
    text = roster_summary(result)
    assert "本库也已删除的协议：YX-2026-02 心电诊断中心" in text
    assert "协议“YX-2026-01 影像诊断中心”：牵头单位已删除该协议，未删除" in text
    assert "已删除" in text and "示例县新建村卫生室、示例县东村卫生室" in text
    assert "示例县旧村卫生室：牵头单位已删除该单位" in text and "未删除" in text
    plain = roster_summary(RosterResult(created=False, unchanged=False, member="m", consortium="c"))
    assert "删除" not in plain


def test_rosters_partly_written_name_the_written_and_the_rest(
    qtbot,
    tmp_path,
    monkeypatch,
    answers,  # noqa: ANN001
) -> None:
    """The 2nd of three rosters fails (a full disk): the box names the 1st as written (its
    folder and file) and the 2nd and 3rd as not; those two stay chosen for another try."""
    from tests.exchange.test_rosters_partly_written import full_for
    from ylt_desktop.ui.dialogs.packages import RosterDialog

    lead = lead_database(tmp_path)
    rosters = RosterDialog(lead)
    qtbot.addWidget(rosters)
    rosters.members.selectAll()
    out = tmp_path / "rosters"
    rosters.folder.setText(str(out))
    rosters.passphrase.setText(PASSPHRASE)
    full_for(monkeypatch, B)
    qtbot.mouseClick(rosters.make_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task_running(rosters))
    (written,) = out.glob("*.ylt")
    kind, text = answers.shown[-1][:2]
    assert kind == "warning"
    assert f"为“{B}”生成名册包时失败：磁盘空间不足" in text
    assert f"已生成 1 个名册包，保存在 {out}：" in text and f"{A}：{written.name}" in text
    assert f"未生成 2 个：{B}、{C}" in text
    assert rosters.result() != QDialog.DialogCode.Accepted
    assert sorted(i.text() for i in rosters.members.selectedItems()) == sorted([B, C])
    assert rosters.paths == [written]
    lead.close()
