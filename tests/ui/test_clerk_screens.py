"""What a clerk meets on a laptop screen: windows inside the screen, buttons in view, a usable
search box, the status bar about the page shown, shortcuts, the 帮助 menu, and no English in
menus or context menus."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QLineEdit,
    QMenu,
    QScrollArea,
    QWidget,
)

from tests.helpers.ui_english import english_words
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import Agreement, Institution, Rotation, Staff
from ylt_desktop.ui.widgets import screen
from ylt_desktop.ui.widgets.screen import FRAME

# A 1366×768 laptop; a 1920×1080 one at 150 % (1280×720 logical); a small 1024×700 window.
SCREENS = {
    "1366x768": QRect(0, 0, 1366, 768),
    "1920x1080@150%": QRect(0, 0, 1280, 720),
    "1024x700": QRect(0, 0, 1024, 700),
}


@pytest.fixture(params=list(SCREENS))
def available(request, monkeypatch: pytest.MonkeyPatch) -> QRect:  # noqa: ANN001
    """Every window sizes itself for this screen area (``screen.available_geometry``)."""
    area = SCREENS[request.param]
    monkeypatch.setattr(screen, "available_geometry", lambda widget=None: area)
    return area


def _first_id(db: Database, model: type) -> int:
    with db.session() as s:
        return s.query(model.id).order_by(model.id).first()[0]


def _dialogs(db: Database) -> dict[str, Callable[[], QDialog]]:
    from ylt_desktop.ui.dialogs.agreement import AgreementDialog
    from ylt_desktop.ui.dialogs.first_run import FirstRunDialog
    from ylt_desktop.ui.dialogs.help import AboutDialog, TextDialog
    from ylt_desktop.ui.dialogs.importing import ImportDialog
    from ylt_desktop.ui.dialogs.rotation import RotationDialog
    from ylt_desktop.ui.dialogs.termination import TerminationDialog
    from ylt_desktop.ui.pages.institutions import InstitutionDialog
    from ylt_desktop.ui.pages.staff import StaffDialog

    return {
        "institution": lambda: InstitutionDialog(db, _first_id(db, Institution)),
        "new institution": lambda: InstitutionDialog(db),
        "staff": lambda: StaffDialog(db, _first_id(db, Staff)),
        "rotation": lambda: RotationDialog(db, _first_id(db, Rotation)),
        "new rotation": lambda: RotationDialog(db),
        "agreement": lambda: AgreementDialog(db, _first_id(db, Agreement)),
        "new agreement": lambda: AgreementDialog(db),
        "termination": lambda: TerminationDialog(db, _first_id(db, Agreement)),
        "import": lambda: ImportDialog(db),
        "first run": lambda: FirstRunDialog(db),
        "usage": lambda: TextDialog.usage(),
        "about": lambda: AboutDialog(),
    }


def _inside(widget: QWidget, dialog: QWidget) -> bool:
    top_left = widget.mapTo(dialog, QPoint(0, 0))
    return dialog.rect().contains(QRect(top_left, widget.size()))


def _in_scroll_area(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


@pytest.mark.parametrize("name", list(_dialogs(None)))  # type: ignore[arg-type]
def test_every_dialog_fits_with_its_buttons_in_view(
    qtbot, demo_db: Database, available: QRect, name: str, answers
) -> None:  # noqa: ANN001
    dialog = _dialogs(demo_db)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() + FRAME.width() <= available.width(), name
    assert dialog.height() + FRAME.height() <= available.height(), name
    buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisible()]
    box_buttons = [b for b in buttons if not _in_scroll_area(b) and b.text()]
    assert box_buttons, name
    for button in box_buttons:  # 保存/取消/关闭… never below the edge
        assert _inside(button, dialog), (name, button.text())
    dialog.reject()


def test_the_agreement_dialog_scrolls_instead_of_growing(
    qtbot, demo_db: Database, monkeypatch: pytest.MonkeyPatch, answers
) -> None:  # noqa: ANN001
    from ylt_desktop.ui.dialogs.agreement import AgreementDialog

    area = SCREENS["1920x1080@150%"]
    monkeypatch.setattr(screen, "available_geometry", lambda widget=None: area)
    dialog = AgreementDialog(demo_db, _first_id(demo_db, Agreement))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.wanted_size.height() > area.height() - FRAME.height()  # would not fit
    assert dialog.height() == area.height() - FRAME.height()
    assert dialog.scroll.verticalScrollBar().maximum() > 0  # the form scrolls
    assert _inside(dialog.save_button, dialog)


def test_main_window_fits_and_every_search_box_stays_usable(
    qtbot, demo_db: Database, available: QRect
) -> None:  # noqa: ANN001
    from ylt_desktop.ui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.width() + FRAME.width() <= available.width()
    assert window.height() + FRAME.height() <= available.height()
    assert available.contains(window.geometry())
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        page = window.stack.currentWidget()
        hint = window.minimumSizeHint()
        assert hint.width() + FRAME.width() <= available.width(), window.nav.item(row).text()
        search = getattr(page, "search", None)
        if isinstance(search, QLineEdit):
            qtbot.waitUntil(lambda s=search: s.width() >= 250)


@pytest.fixture
def window(qtbot, demo_db: Database):  # noqa: ANN001, ANN201
    from ylt_desktop.ui.main_window import MainWindow

    w = MainWindow(demo_db)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)  # shortcuts go to the active window
    return w


def _go(window, title: str) -> QWidget:  # noqa: ANN001
    window.nav.setCurrentRow([t for t, _ in window._factories].index(title))  # noqa: SLF001
    return window.stack.currentWidget()


def test_status_bar_speaks_of_the_page_shown(qtbot, window, demo_db: Database) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        people = s.query(Staff).count()
        rotations = s.query(Rotation).count()
        agreements = s.query(Agreement).count()
    page = _go(window, "人员")
    assert window.count_label.text() == f"人员 {people} 人"
    page.search.setText("王")
    shown = page.proxy.rowCount()
    assert 0 < shown < people
    assert window.count_label.text() == f"人员 {people} 人，显示 {shown} 人"
    _go(window, "人员流动")
    assert window.count_label.text() == f"人员流动 {rotations} 条"
    _go(window, "资源共享协议")
    assert window.count_label.text() == f"资源共享协议 {agreements} 份"
    _go(window, "成员单位")
    assert window.count_label.text() == "成员单位 45 家"
    _go(window, "操作日志")
    assert window.count_label.text().startswith("操作日志：共 ")


def test_keyboard_shortcuts_act_on_the_page_shown(
    qtbot, window, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    from ylt_desktop.ui.pages.rotations import RotationsPage

    calls: list[str] = []
    monkeypatch.setattr(RotationsPage, "add", lambda self: calls.append("add"))
    monkeypatch.setattr(RotationsPage, "delete", lambda self: calls.append("delete"))
    page = _go(window, "人员流动")
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert calls == ["add", "delete"]
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "ab")
    qtbot.keyClick(page.search, Qt.Key.Key_Left)
    qtbot.keyClick(page.search, Qt.Key.Key_Delete)  # deletes a letter, not a record
    assert page.search.text() == "a" and calls == ["add", "delete"]
    _go(window, "季度报表")  # no list here: 新增 and 删除 are off
    assert not window.page_actions["add"].isEnabled()
    assert not window.page_actions["delete"].isEnabled()


def test_ctrl_s_saves_a_form(qtbot, db: Database, answers) -> None:  # noqa: ANN001
    from tests.helpers.people import consortium
    from tests.helpers.typing import type_text
    from ylt_desktop.ui.pages.institutions import InstitutionDialog

    with db.session() as s:
        ids = consortium(s)
    dialog = InstitutionDialog(db, ids["县医院"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # shortcuts go to the active window
    type_text(qtbot, dialog.binder.widget("name"), "示例县第一人民医院")
    qtbot.keyClick(dialog.binder.widget("name"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with db.session() as s:
        assert s.get(Institution, ids["县医院"]).name == "示例县第一人民医院"


def test_help_opens_offline_and_about_names_the_font_licence(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001
    from ylt_desktop import __version__
    from ylt_desktop.paths import resource_path
    from ylt_desktop.ui.dialogs.help import USAGE, AboutDialog, TextDialog

    assert resource_path(*USAGE).is_file()  # under resources/, which build.spec carries
    usage = TextDialog.usage()
    qtbot.addWidget(usage)
    text = usage.browser.toPlainText()
    assert "使用说明" in text and "标记已报送" in text and "审核人" in text
    assert usage.browser.source().isLocalFile()
    about = AboutDialog()
    qtbot.addWidget(about)
    assert __version__ in about.text.text()
    assert "文泉驿微米黑" in about.text.text() and "Apache License 2.0" in about.text.text()
    shown: list[TextDialog] = []
    monkeypatch.setattr(TextDialog, "exec", lambda self: shown.append(self) or 0)
    about.licence_button.click()
    assert "Apache-2.0 or GPL-3+ with Font exception" in shown[0].browser.toPlainText()


def test_build_spec_carries_the_help_page() -> None:
    from pathlib import Path

    spec = (Path(__file__).resolve().parents[2] / "build.spec").read_text(encoding="utf-8")
    assert '("resources", "resources")' in spec


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:  # noqa: ANN001
    from ylt_desktop.ui.translations import install_translators

    found = install_translators(qapp, "zh_CN")
    yield
    for t in found:
        QCoreApplication.removeTranslator(t)


def _menu_texts(menu: QMenu) -> list[str]:
    texts = []
    for action in menu.actions():
        if action.menu() is not None:
            texts += _menu_texts(action.menu())
        texts.append(action.text())
    return texts


def test_no_english_in_menus_or_context_menus(qtbot, window, chinese) -> None:  # noqa: ANN001
    texts = []
    for action in window.menuBar().actions():
        texts.append(action.text())
        texts += _menu_texts(action.menu())
    for title in ("人员", "人员流动", "资源共享协议", "成员单位"):
        search = _go(window, title).search
        menu = search.createStandardContextMenu()
        texts += _menu_texts(menu)
        menu.deleteLater()
    texts = [t.split("\t")[0] for t in texts if t]
    assert "撤消(&U)" in texts and "全选" in texts
    english = {t: english_words(t.replace("&", "")) for t in texts}
    assert not {t: w for t, w in english.items() if w}


def test_messages_neither_move_the_form_nor_get_cut(qtbot, demo_db: Database, answers) -> None:  # noqa: ANN001
    from tests.helpers.typing import type_text
    from ylt_desktop.ui.pages.institutions import InstitutionDialog

    dialog = InstitutionDialog(demo_db, _first_id(demo_db, Institution))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    below = dialog.binder.widget("uscc")

    def top() -> int:
        return below.mapTo(dialog.form, QPoint(0, 0)).y()

    before = top()
    name = dialog.binder.widget("name")
    type_text(qtbot, name, "")  # 机构名称为必填项 appears under the name
    label = dialog.binder.problem_label("name")
    qtbot.waitUntil(lambda: not label.isHidden())
    assert top() == before
    type_text(qtbot, name, "示例县人民医院")
    qtbot.waitUntil(label.isHidden)
    assert top() == before
    phone = dialog.binder.widget("phone")
    type_text(qtbot, phone, "12345")  # a message of two lines
    label = dialog.binder.problem_label("phone")
    qtbot.waitUntil(lambda: not label.isHidden())
    assert "以13至19开头" in label.text()
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()))
    assert label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing()  # wraps
