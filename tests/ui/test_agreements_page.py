"""The agreement page and dialogs with qtbot: create by keyboard and mouse, refusals shown next
to their field, terminate, filters, expiring marks, and the signed scan (attach, open, tamper).

(Named ``test_agreements_page`` because ``tests/store/test_agreements.py`` takes the plain name.)
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
)
from sqlalchemy import update

from tests.helpers.problems import pending, shown_problems
from tests.helpers.typing import type_text
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import agreements as store
from ylt_desktop.store import attachments, institutions
from ylt_desktop.store.agreement_list import list_agreement_rows
from ylt_desktop.store.models import Agreement, Attachment
from ylt_desktop.ui.dialogs.agreement import AgreementDialog
from ylt_desktop.ui.dialogs.termination import TerminationDialog
from ylt_desktop.ui.pages.agreements import AgreementsPage
from ylt_desktop.ui.widgets.agreement_model import AgreementTableModel, make_rows

TODAY = dt.date(2026, 5, 15)
NAMES = ("示例县人民医院", "示例县青山镇卫生院", "示例县大树镇卫生院", "示例县南峰镇卫生院")
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"%%EOF\n"


@pytest.fixture(autouse=True)
def _no_real_message_boxes(answers) -> None:  # noqa: ANN001
    """A failing test leaves a dirty dialog; closing it must not wait on a real prompt."""


@pytest.fixture
def ids(db) -> dict[str, int]:  # noqa: ANN001
    with db.session() as s:
        return {
            name: institutions.create_institution(
                s,
                data=InstitutionData(
                    name=name,
                    uscc=make_uscc("12", "360428", f"{n + 1:08d}"),
                    division="360428",
                    category="综合医院" if n == 0 else "乡镇卫生院",
                    level="二级" if n == 0 else "一级",
                    joined=dt.date(2020, 1, 1),
                ),
            ).id
            for n, name in enumerate(NAMES)
        }


def add_agreement(db, ids, number: str, **changes) -> int:  # noqa: ANN001, ANN003
    values = dict(
        number=number,
        title="远程会诊服务协议",
        kind="远程会诊",
        provider_id=ids[NAMES[0]],
        recipient_ids=[ids[NAMES[1]]],
        effective_from=dt.date(2025, 1, 1),
        effective_to=dt.date(2027, 12, 31),
    )
    values.update(changes)
    with db.session() as s:
        return store.create_agreement(s, data=AgreementData(**values)).id


def choose(qtbot, combo: QComboBox, text: str) -> None:  # noqa: ANN001
    """Pick ``text`` with the arrow keys, as a keyboard user would."""
    target = combo.findText(text)
    assert target >= 0, text
    combo.setFocus()
    while combo.currentIndex() < target:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    while combo.currentIndex() > target:
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    assert combo.currentText() == text


def click_recipient(qtbot, dialog: AgreementDialog, name: str) -> None:  # noqa: ANN001
    """Click the check box of a recipient's row in the view."""
    table = dialog.recipients
    item = table.item(dialog.row_of(name), 0)
    table.scrollToItem(item)
    rect = table.visualItemRect(item)
    before = item.checkState()
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 12, rect.center().y())
    )
    qtbot.waitUntil(lambda: item.checkState() != before)


def type_in_cell(qtbot, dialog: AgreementDialog, row: int, column: int, text: str) -> None:  # noqa: ANN001
    grid = dialog.grid
    rect = grid.visualItemRect(grid.item(row, column))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: grid.state() == QAbstractItemView.State.EditingState)
    editors = [e for e in grid.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: grid.item(row, column).text() == text)


def problem_text(dialog, field: str) -> str:  # noqa: ANN001
    label = dialog.form.findChild(QLabel, f"{field}_problem")
    return label.text() if label.isVisible() else ""


def open_dialog(qtbot, dialog):  # noqa: ANN001, ANN201
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    return dialog


def fill_basics(qtbot, dialog: AgreementDialog, number: str) -> None:  # noqa: ANN001
    b = dialog.binder
    qtbot.keyClicks(b.widget("number"), number)
    type_text(qtbot, b.widget("title"), "远程会诊服务协议")
    choose(qtbot, b.widget("kind"), "远程会诊")
    choose(qtbot, b.widget("provider_id"), NAMES[0])
    qtbot.mouseClick(b.widget("has_effective_from"), Qt.MouseButton.LeftButton)
    b.widget("effective_from").setDate(dt.date(2026, 1, 1))


def test_create_with_two_recipients_and_a_quarter_of_volumes(
    qtbot, db, ids, monkeypatch, answers
) -> None:  # noqa: ANN001
    page = AgreementsPage(db, today=TODAY)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0

    def run(dialog: AgreementDialog) -> int:
        open_dialog(qtbot, dialog)
        fill_basics(qtbot, dialog, "YLT-2026-009")
        click_recipient(qtbot, dialog, NAMES[1])
        click_recipient(qtbot, dialog, NAMES[3])
        # Quarters in force up to today's: 2026Q2 then 2026Q1; one column, 远程会诊例数.
        assert dialog.grid.rowCount() == 2
        assert dialog.grid.horizontalHeaderItem(0).text() == "远程会诊例数"
        assert dialog.grid.verticalHeaderItem(1).text() == "2026年第1季度"
        type_in_cell(qtbot, dialog, 1, 0, "35")
        qtbot.waitUntil(dialog.save_button.isEnabled)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(AgreementDialog, "exec", run)
    qtbot.mouseClick(page.buttons["add"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    row = page.model.row_record(0)
    assert row.agreement.number == "YLT-2026-009"
    assert row.agreement.title == "远程会诊服务协议"
    assert row.status == "生效"
    assert set(row.recipients) == {NAMES[1], NAMES[3]}
    with db.session() as s:  # the list row carries no volumes; the stored agreement does
        saved = store.get_agreement(s, row.agreement.id)
        assert store.quarter_volumes(saved, store.Quarter(2026, 1)) == {"远程会诊例数": 35}
    assert answers.shown == []


def test_provider_checked_as_recipient_blocks_saving(qtbot, db, ids) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, AgreementDialog(db, today=TODAY))
    fill_basics(qtbot, dialog, "YLT-2026-010")
    click_recipient(qtbot, dialog, NAMES[2])
    qtbot.waitUntil(dialog.save_button.isEnabled)
    provider_row = dialog.row_of(NAMES[0])
    assert dialog.recipients.isRowHidden(provider_row)  # the provider is not offered

    # The clerk checks a recipient, then makes that same institution the provider.
    choose(qtbot, dialog.binder.widget("provider_id"), NAMES[2])
    qtbot.waitUntil(lambda: not dialog.save_button.isEnabled())
    assert problem_text(dialog, "recipient_ids") == "提供方不得同时作为接收方"
    assert not dialog.recipients.isRowHidden(dialog.row_of(NAMES[2]))  # still there to uncheck
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert s.query(Agreement).count() == 0

    click_recipient(qtbot, dialog, NAMES[2])
    click_recipient(qtbot, dialog, NAMES[3])
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert problem_text(dialog, "recipient_ids") == ""
    assert dialog.recipients.isRowHidden(dialog.row_of(NAMES[2]))


def test_shares_and_bad_volume_shown_next_to_their_fields(qtbot, db, ids) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, AgreementDialog(db, today=TODAY))
    fill_basics(qtbot, dialog, "YLT-2026-011")
    click_recipient(qtbot, dialog, NAMES[1])
    qtbot.keyClicks(dialog.binder.widget("provider_share"), "70")
    qtbot.waitUntil(lambda: "100%" in problem_text(dialog, "provider_share"))
    assert not dialog.save_button.isEnabled()
    dialog.recipients.item(dialog.row_of(NAMES[1]), 1).setText("30")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    type_in_cell(qtbot, dialog, 0, 0, "abc")
    qtbot.waitUntil(lambda: "不是数字" in problem_text(dialog, "volumes"))
    assert "2026年第2季度" in problem_text(dialog, "volumes")
    assert not dialog.save_button.isEnabled()


def test_unchecking_a_recipient_is_an_unsaved_edit(qtbot, db, ids, answers) -> None:  # noqa: ANN001
    a_id = add_agreement(db, ids, "YLT-1")
    dialog = open_dialog(qtbot, AgreementDialog(db, a_id, today=TODAY))
    assert not dialog.is_dirty()
    click_recipient(qtbot, dialog, NAMES[1])
    assert dialog.is_dirty()
    dialog.reject()  # the fixture answers Cancel: the dialog stays open
    assert answers.shown == [("question", "有尚未保存的修改，确定放弃吗？")]
    assert dialog.isVisible()


def test_terminate_with_date_and_reason(qtbot, db, ids) -> None:  # noqa: ANN001
    a_id = add_agreement(db, ids, "YLT-2")
    dialog = open_dialog(qtbot, TerminationDialog(db, a_id, today=TODAY))
    assert not dialog.save_button.isEnabled()  # a reason is required
    type_text(qtbot, dialog.binder.widget("termination_reason"), "接收方退出医联体")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == 1)
    with db.session() as s:
        a = s.get(Agreement, a_id)
        assert (a.terminated_on, a.termination_reason) == (TODAY, "接收方退出医联体")
    page = AgreementsPage(db, today=TODAY)
    qtbot.addWidget(page)
    assert page.model.row_record(0).status == "终止"


def test_filters_by_status_kind_institution_and_quarter(qtbot, db, ids) -> None:  # noqa: ANN001
    add_agreement(db, ids, "A-1")
    add_agreement(db, ids, "A-2", effective_from=None, effective_to=None)  # 草拟
    add_agreement(
        db,
        ids,
        "A-3",
        kind="双向转诊绿色通道",
        recipient_ids=[ids[NAMES[2]]],
        effective_from=dt.date(2025, 1, 1),
        effective_to=dt.date(2025, 12, 31),  # 到期
    )
    page = AgreementsPage(db, today=TODAY)
    qtbot.addWidget(page)

    def shown() -> list[str]:
        return sorted(
            page.model.row_record(
                page.proxy.mapToSource(page.proxy.index(r, 0)).row()
            ).agreement.number
            for r in range(page.proxy.rowCount())
        )

    assert shown() == ["A-1", "A-2", "A-3"]
    page.status_filter.setCurrentText("到期")
    assert shown() == ["A-3"]
    page.status_filter.setCurrentIndex(0)
    page.kind_filter.setCurrentText("远程会诊")
    assert shown() == ["A-1", "A-2"]
    page.kind_filter.setCurrentIndex(0)
    page.institution_filter.setCurrentText(NAMES[2])
    assert shown() == ["A-3"]
    page.institution_filter.setCurrentText(NAMES[0])
    assert shown() == ["A-1", "A-2", "A-3"]
    page.institution_filter.setCurrentIndex(0)
    page.quarter_filter.setCurrentText("2026年第1季度")
    assert shown() == ["A-1"]
    page.quarter_filter.setCurrentText("2025年第4季度")
    assert shown() == ["A-1", "A-3"]


def test_expiring_rows_are_marked_by_the_model(db, ids) -> None:  # noqa: ANN001
    add_agreement(db, ids, "E-1", effective_to=TODAY + dt.timedelta(days=30))
    add_agreement(db, ids, "E-2", effective_to=TODAY + dt.timedelta(days=31))
    add_agreement(
        db,
        ids,
        "E-3",
        effective_to=TODAY + dt.timedelta(days=5),
        terminated_on=TODAY,
        termination_reason="撤销",
    )
    with db.session() as s:
        rows = make_rows(list_agreement_rows(s), {}, TODAY)
    model = AgreementTableModel()
    model.set_rows(rows)
    marks = {}
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        number = model.row_record(r).agreement.number
        marks[number] = (
            model.data(index, Qt.ItemDataRole.BackgroundRole) is not None,
            model.data(index, Qt.ItemDataRole.ToolTipRole) or "",
        )
    assert marks["E-1"][0] and "2026-06-14" in marks["E-1"][1]
    assert marks["E-2"] == (False, "")
    assert marks["E-3"][0] is False  # terminated: no reminder


def test_attach_open_replace_and_tamper(qtbot, db, ids, tmp_path, monkeypatch, answers) -> None:  # noqa: ANN001
    add_agreement(db, ids, "S-1")
    scan = tmp_path / "签署扫描件.pdf"
    scan.write_bytes(PDF)
    picked = [str(scan)]
    opened: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (picked[0], ""))
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    page = AgreementsPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.table.selectRow(0)
    assert not page.buttons["open"].isEnabled()
    qtbot.mouseClick(page.buttons["attach"], Qt.MouseButton.LeftButton)
    digest = hashlib.sha256(PDF).hexdigest()
    qtbot.waitUntil(lambda: digest in page.detail.text())
    assert page.buttons["attach"].text() == "替换扫描件…"

    qtbot.mouseClick(page.buttons["open"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened) == 1)
    assert opened[0].endswith("签署扫描件.pdf")
    with open(opened[0], "rb") as f:
        assert f.read() == PDF

    # Another type is refused with the rule named; the stored scan stays.
    other = tmp_path / "scan.docx"
    other.write_bytes(b"PK\x03\x04")
    picked[0] = str(other)
    answers.push(QMessageBox.StandardButton.Yes)  # replace the existing scan?
    qtbot.mouseClick(page.buttons["attach"], Qt.MouseButton.LeftButton)
    assert answers.shown[-1][0] == "warning"
    assert attachments.RULE in answers.shown[-1][1]
    assert digest in page.detail.text()

    with db.session() as s, s.begin():
        s.execute(update(Attachment).values(content=PDF[:-2] + b"!\n"))
    qtbot.mouseClick(page.buttons["open"], Qt.MouseButton.LeftButton)
    assert answers.shown[-1][0] == "critical"
    assert "校验失败" in answers.shown[-1][1]
    assert len(opened) == 1  # the damaged file was not handed to the viewer


def test_new_agreement_opens_quiet_and_shows_a_field_once_edited(qtbot, db, ids) -> None:  # noqa: ANN001
    add_agreement(db, ids, "YLT-1")
    dialog = open_dialog(qtbot, AgreementDialog(db, today=TODAY))
    assert shown_problems(dialog) == {}  # no wall of "required" messages
    assert not dialog.save_button.isEnabled()
    # 协议编号, 协议名称, 共享类型, 提供方, and the recipients table
    assert dialog.pending.text() == pending(5)
    qtbot.keyClicks(dialog.binder.widget("number"), "YLT-1")
    assert list(shown_problems(dialog)) == ["number"]
    assert "已存在" in shown_problems(dialog)["number"]
    assert dialog.pending.text() == pending(5)  # a wrong value counts as much as a blank
    # The recipients table keeps quiet until it is edited itself, then speaks at once.
    click_recipient(qtbot, dialog, NAMES[1])
    assert dialog.pending.text() == pending(4)
    click_recipient(qtbot, dialog, NAMES[1])
    assert shown_problems(dialog)["recipient_ids"] == "接收方至少选择一家成员单位"
    assert dialog.pending.text() == pending(5)
    assert not dialog.save_button.isEnabled()


def test_new_agreement_grid_problems_wait_for_the_grid(qtbot, db, ids) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, AgreementDialog(db, today=TODAY))
    fill_basics(qtbot, dialog, "YLT-2026-012")
    click_recipient(qtbot, dialog, NAMES[1])
    qtbot.waitUntil(dialog.save_button.isEnabled)
    # A share typed for a recipient makes the total wrong: that edit also speaks for the
    # provider's share, where the total's message is shown (never only a count beside Save).
    dialog.recipients.item(dialog.row_of(NAMES[1]), 1).setText("60")
    qtbot.waitUntil(lambda: not dialog.save_button.isEnabled())
    assert list(shown_problems(dialog)) == ["provider_share"]
    assert dialog.pending.text() == pending(1)
    qtbot.keyClicks(dialog.binder.widget("provider_share"), "40")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    assert dialog.pending.text() == ""
    type_in_cell(qtbot, dialog, 0, 0, "abc")
    assert "不是数字" in shown_problems(dialog)["volumes"]
    assert not dialog.save_button.isEnabled()


def test_recipient_shares_reveal_the_share_total_of_a_new_agreement(qtbot, db, ids) -> None:  # noqa: ANN001
    dialog = open_dialog(qtbot, AgreementDialog(db, today=TODAY))
    fill_basics(qtbot, dialog, "YLT-2026-013")
    click_recipient(qtbot, dialog, NAMES[1])
    click_recipient(qtbot, dialog, NAMES[2])
    assert "provider_share" not in shown_problems(dialog)  # no shares yet, nothing to say
    dialog.recipients.item(dialog.row_of(NAMES[1]), 1).setText("30")
    dialog.recipients.item(dialog.row_of(NAMES[2]), 1).setText("30")
    # 提供方分配比例 is still blank: why Save is disabled is said next to it.
    assert "100%" in shown_problems(dialog)["provider_share"]
    assert "60%" in shown_problems(dialog)["provider_share"]
    assert dialog.pending.text() == pending(1)
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.binder.widget("provider_share"), "40")
    assert "provider_share" not in shown_problems(dialog)
    assert dialog.save_button.isEnabled()


def test_existing_agreement_shows_problems_at_once(qtbot, db, ids) -> None:  # noqa: ANN001
    a_id = add_agreement(db, ids, "YLT-3")
    with db.session() as s, s.begin():  # stored before the title was required
        s.execute(update(Agreement).where(Agreement.id == a_id).values(title=""))
    dialog = open_dialog(qtbot, AgreementDialog(db, a_id, today=TODAY))
    assert shown_problems(dialog)["title"] == "协议名称为必填项"
    assert dialog.pending.text() == pending(1)
    assert not dialog.save_button.isEnabled()


def test_agreement_in_a_submitted_quarter_says_so_first(qtbot, db, ids) -> None:  # noqa: ANN001
    from ylt_desktop.store import quarters

    a_id = add_agreement(db, ids, "YLT-9", effective_from=dt.date(2026, 1, 1))
    with db.session() as s:
        quarters.submit_quarter(s, quarter="2026Q1", by="张审核")
    dialog = open_dialog(qtbot, AgreementDialog(db, a_id, today=TODAY))
    banner = dialog.banner.text()
    assert not dialog.banner.isHidden() and banner.startswith("2026年第1季度已报送并锁定")
    assert "审核人" in banner and "ylt" not in banner
    assert not dialog.binder.widget("number").isEnabled()
    assert not dialog.recipients.isEnabled()
    assert dialog.binder.widget("terms").isEnabled()
    editable = Qt.ItemFlag.ItemIsEditable
    rows = {dialog.grid.verticalHeaderItem(r).text(): r for r in range(dialog.grid.rowCount())}
    assert not dialog.grid.item(rows["2026年第1季度"], 0).flags() & editable  # submitted
    assert dialog.grid.item(rows["2026年第2季度"], 0).flags() & editable  # open


def test_agreement_outside_submitted_quarters_has_no_banner(qtbot, db, ids) -> None:  # noqa: ANN001
    from ylt_desktop.store import quarters

    a_id = add_agreement(db, ids, "YLT-10", effective_from=dt.date(2026, 4, 1))
    with db.session() as s:
        quarters.submit_quarter(s, quarter="2026Q1", by="张审核")
    dialog = open_dialog(qtbot, AgreementDialog(db, a_id, today=TODAY))
    assert dialog.banner.isHidden()
    assert dialog.binder.widget("number").isEnabled()
