"""季度报表 in a member's database (成员库) says that what it checks, exports and prints is the
unit's own return (DESIGN §7), and its print preview is that return, titled so; the lead's
page says nothing of the kind."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from tests.exchange.world import A, Q, lead_database, member_database
from ylt_desktop.ui.pages.returns import ReturnsPage
from ylt_desktop.ui.print_return import ReturnPreviewDialog


def test_a_members_page_and_preview_say_its_own_return(qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    try:
        page = ReturnsPage(member)
        qtbot.addWidget(page)
        page.show()
        assert page.own_return_note.isVisible()
        note = page.own_return_note.text()
        assert f"本库是“{A}”的成员库" in note and "本单位自己的报表" in note
        page.quarter.setCurrentIndex(page.quarter.findData(str(Q)))
        shown: list = []

        def record(dialog: QDialog) -> int:
            shown.append((dialog.windowTitle(), dialog.ret.cover.report_name))
            return QDialog.DialogCode.Rejected

        monkeypatch.setattr(ReturnPreviewDialog, "exec", record)
        page.print_preview()
        assert shown == [
            ("打印预览：本单位报表（成员单位）", f"医联体建设情况季度报表（成员单位：{A}）")
        ]
        at_lead = ReturnsPage(lead)
        qtbot.addWidget(at_lead)
        at_lead.show()
        assert not at_lead.own_return_note.isVisible()
    finally:
        member.close()
        lead.close()
