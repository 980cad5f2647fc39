"""First start on an empty machine: the first-run dialog creates the consortium and its lead."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.helpers.typing import type_text
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import open_database
from ylt_desktop.ui.dialogs.first_run import FirstRunDialog
from ylt_desktop.ui.main_window import MainWindow


def test_first_run_from_empty_folder(qtbot, tmp_path) -> None:  # noqa: ANN001
    folder = tmp_path / "fresh" / "data"  # does not exist yet
    db = open_database(folder / "ylt.sqlite")
    assert (folder / "ylt.sqlite").exists()
    dialog = FirstRunDialog(db)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()  # nothing typed yet
    w = dialog.binder.widget
    type_text(qtbot, w("name"), "示例县医共体")
    type_text(qtbot, w("division"), "3604289")  # 7 digits: wrong length
    assert "6、9或12位" in dialog.binder.problem_label("division").text()
    type_text(qtbot, w("division"), "360428")
    type_text(qtbot, w("lead.name"), "示例县人民医院")
    type_text(qtbot, w("lead.uscc"), make_uscc("12", "360428", "13572468"))
    assert dialog.save_button.isEnabled(), dialog.current_problems
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    with db.session() as s:
        assert store.get_consortium(s).name == "示例县医共体"
        lead = store.lead_institution(s)
        assert (lead.name, lead.division, lead.role) == ("示例县人民医院", "360428", "牵头单位")
    window = MainWindow(db)
    qtbot.addWidget(window)
    assert "示例县医共体" in window.windowTitle()
    assert str(db.path) in window.path_label.text()
    assert "1" in window.count_label.text()
    db.close()


def test_main_window_navigation_lists_every_kind(qtbot, demo_db) -> None:  # noqa: ANN001
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["概览", "成员单位", "人员", "人员流动", "资源共享协议", "运行指标",
                      "季度报表", "操作日志"]  # fmt: skip
    assert "45" in window.count_label.text()
    window.nav.setCurrentRow(4)
    assert window.stack.currentIndex() == 4


def test_pages_are_built_on_first_visit(qtbot, demo_db) -> None:  # noqa: ANN001
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    assert list(window.pages) == ["概览"]
    window.nav.setCurrentRow(2)
    assert list(window.pages) == ["概览", "人员"]
    assert window.stack.currentWidget() is window.pages["人员"]
    window.nav.setCurrentRow(1)
    assert window.stack.currentWidget() is window.pages["成员单位"]
