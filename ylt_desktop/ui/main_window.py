"""The main window: the navigation on the left, one page per record kind, a status bar."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QRect, QSize, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QStackedWidget, QWidget

from ylt_desktop.ui.widgets.nav import NavList
from ylt_desktop.ui.widgets.screen import fit_window

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QPaintEvent

    from ylt_desktop.store.db import Database

# Nothing here imports the store at module level: the window can paint before SQLAlchemy
# (~0.3 s) is imported, and the database opens right after (app.py). Qt classes first used
# after the paint (QAction, the events) are imported where used: each costs ~1-6 ms.

PageFactory = Callable[..., QWidget]  # (db, parent) -> page
# The size the window opens at when the screen has room (fit_to_screen bounds it).
WANTED_SIZE = QSize(1200, 760)


def _later(module: str, name: str) -> PageFactory:
    """A page whose module is imported when the page is first shown, not at start-up."""

    def make(db: Database, parent: QWidget) -> QWidget:
        return getattr(importlib.import_module(module), name)(db, parent)

    return make


def pages() -> list[tuple[str, PageFactory]]:
    """The navigation entries in order; a later record kind replaces its placeholder here.

    Titles are keys (``MainWindow.page``); the list shows them translated.
    """
    return [
        (
            QT_TRANSLATE_NOOP("MainWindow", "概览"),
            _later("ylt_desktop.ui.pages.overview", "OverviewPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "成员单位"),
            _later("ylt_desktop.ui.pages.institutions", "InstitutionsPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "人员"),
            _later("ylt_desktop.ui.pages.staff", "StaffPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "人员流动"),
            _later("ylt_desktop.ui.pages.rotations", "RotationsPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "资源共享协议"),
            _later("ylt_desktop.ui.pages.agreements", "AgreementsPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "运行指标"),
            _later("ylt_desktop.ui.pages.figures", "FiguresPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "季度报表"),
            _later("ylt_desktop.ui.pages.returns", "ReturnsPage"),
        ),
        (
            QT_TRANSLATE_NOOP("MainWindow", "操作日志"),
            _later("ylt_desktop.ui.pages.audit", "AuditPage"),
        ),
    ]


def _institution_jump() -> tuple[str, type]:
    from ylt_desktop.ui.pages.institutions import InstitutionDialog

    return "成员单位", InstitutionDialog


def _rotation_jump() -> tuple[str, type]:
    from ylt_desktop.ui.dialogs.rotation import RotationDialog

    return "人员流动", RotationDialog


def _agreement_jump() -> tuple[str, type]:
    from ylt_desktop.ui.dialogs.agreement import AgreementDialog

    return "资源共享协议", AgreementDialog


# Record kinds named by returns.check.CheckItem.kind -> (page title, edit dialog).
JUMPS = {"institution": _institution_jump, "rotation": _rotation_jump, "agreement": _agreement_jump}


class MainWindow(QMainWindow):
    """Built without a database it paints at once; ``attach(db)`` then fills it."""

    def __init__(self, db: Database | None = None) -> None:
        super().__init__()
        self.db: Database | None = None
        self._after_first_paint: Callable[[], None] | None = None
        self.setWindowTitle(self.tr("医联体成员数据填报"))
        # A column of entries, not a list widget: an item view costs the first paint ~3 ms
        # (widgets/nav.py).
        self.nav = NavList()
        self.nav.setFixedWidth(150)
        self.stack = QStackedWidget()
        # Pages are built when first shown: a 50,000-row list must not slow the start.
        self.pages: dict[str, QWidget] = {}
        self._factories = pages()
        for title, _factory in self._factories:
            self.nav.addItem(QCoreApplication.translate("MainWindow", title))
        self.nav.currentRowChanged.connect(self.show_page)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # The stack's placeholders (``_install``) and the status bar's labels (``attach``) are
        # made with the first page, after the first paint: empty, they show nothing before.
        self.path_label: QLabel | None = None
        self.count_label: QLabel | None = None
        self.fit_to_screen()
        self.setAcceptDrops(True)  # members' data packages (.ylt) dropped onto the window
        if db is not None:
            self.attach(db)

    def after_first_paint(self, call: Callable[[], None], *, at_the_latest_ms: int = 1000) -> None:
        """Run ``call`` from the event loop once the window's first frame is painted (or after
        ``at_the_latest_ms``, for a window that is never painted, e.g. started minimised).

        A zero-delay timer started with ``show()`` runs before that frame: a platform paints
        when its queue is otherwise empty (offscreen, and Windows' WM_PAINT), so the work meant
        to follow the paint (the log file, the database, the saved overview) came first, and
        the clerk saw the window ~0.1 s later than it was ready to show."""
        self._after_first_paint = call
        QTimer.singleShot(at_the_latest_ms, self._run_after_first_paint)

    def _run_after_first_paint(self) -> None:
        call, self._after_first_paint = self._after_first_paint, None
        if call is not None:
            call()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if self._after_first_paint is not None:  # the frame is flushed before the timer runs
            QTimer.singleShot(0, self._run_after_first_paint)

    def fit_to_screen(self, available: QRect | None = None) -> QSize:
        """Open at ``WANTED_SIZE`` where the screen has room, centred; smaller where not."""
        return fit_window(self, WANTED_SIZE, available, centre=True)

    def show_opening(self) -> None:
        self.statusBar().showMessage(self.tr("正在打开数据库…"))

    def show_early(self, title: str, page: QWidget) -> None:
        """Show ``page`` before the database opens (the overview from its snapshot, app.py);
        ``attach`` then hands it the database (``page.set_database``)."""
        row = self.titles().index(title)
        self._install(title, row, page)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(row)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(row)

    def attach(self, db: Database) -> None:
        """Show ``db``: title, menus, the first page and the status bar."""
        from ylt_desktop.store import institutions as store

        self.statusBar().clearMessage()
        if self.path_label is None:  # after the message: one added under it would stay hidden
            self.path_label = QLabel()
            self.count_label = QLabel()
            self.statusBar().addWidget(self.path_label, 1)
            self.statusBar().addPermanentWidget(self.count_label)
        self.db = db
        for page in self.pages.values():  # shown before the database opened
            if getattr(page, "db", False) is None and hasattr(page, "set_database"):
                page.set_database(db)
        with db.session() as s:
            consortium = store.get_consortium(s)
        name = consortium.name if consortium else ""
        self.setWindowTitle(self.tr("医联体成员数据填报") + (f" — {name}" if name else ""))
        self._add_actions()
        if self.nav.currentRow() == 0:
            self.show_page(0)
        else:
            self.nav.setCurrentRow(0)
        self.update_status()

    def page(self, title: str) -> QWidget:
        """The page called ``title``, built on first use."""
        if title not in self.pages:
            row = [t for t, _ in self._factories].index(title)
            self._install(title, row, self._factories[row][1](self.db, self.stack))
        return self.pages[title]

    def _install(self, title: str, row: int, page: QWidget) -> None:
        """``page`` in place of its placeholder, wired to the status bar and the window."""
        if not self.stack.count():  # one placeholder a page, made with the first page
            for _ in self._factories:
                self.stack.addWidget(QWidget())
        placeholder_widget = self.stack.widget(row)
        self.stack.insertWidget(row, page)
        self.stack.removeWidget(placeholder_widget)
        placeholder_widget.deleteLater()
        self.pages[title] = page
        if hasattr(page, "changed"):
            page.changed.connect(self.update_status)
        proxy = getattr(page, "proxy", None)
        if proxy is not None:  # the status bar counts what a search or filter leaves
            for signal in (proxy.modelReset, proxy.rowsInserted, proxy.rowsRemoved):
                signal.connect(self.update_status)
        if hasattr(page, "open_record"):
            page.open_record.connect(self.open_record)
        if hasattr(page, "packages_applied"):
            page.packages_applied.connect(self.packages_changed)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Stop the pages' background work first: a thread left running when the program
        ends would crash it. An open import is asked to close first (``may_close``: the clerk
        confirms cancelling a running import, or the window stays open), and so is a page
        holding input it could not save (运行指标's rows with errors)."""
        from PySide6.QtWidgets import QDialog

        for page in self.pages.values():
            may_close = getattr(page, "may_close", None)
            if may_close is not None and not may_close():
                event.ignore()
                return
        for dialog in self.findChildren(QDialog):
            may_close = getattr(dialog, "may_close", None)
            if may_close is None:
                continue
            if not may_close():
                event.ignore()
                return
            if dialog.isVisible():
                dialog.reject()
        for page in self.pages.values():
            stop = getattr(page, "stop_work", None)
            if stop is not None:
                stop()
        super().closeEvent(event)

    def titles(self) -> list[str]:
        """The pages' title keys in navigation order."""
        return [t for t, _ in self._factories]

    def open_record(self, kind: str, record_id: int) -> None:
        """Jump from a problem of the pre-export check to its record's page and dialog."""
        if kind == "figures":  # operating figures: their grid, no dialog
            self.nav.setCurrentRow(self.titles().index("运行指标"))
            return
        if kind not in JUMPS:
            return
        title, dialog_class = JUMPS[kind]()
        self.nav.setCurrentRow([t for t, _ in self._factories].index(title))
        page = self.page(title)
        if dialog_class(self.db, record_id, parent=page).exec() and hasattr(page, "refresh"):
            page.refresh()

    def show_page(self, row: int) -> None:
        if row < 0 or self.db is None:
            return
        self.page(self._factories[row][0])
        self.stack.setCurrentIndex(row)
        self._enable_page_actions()
        self.update_status()

    def _add_actions(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        from ylt_desktop.ui.dialogs.backup import add_backup_actions
        from ylt_desktop.ui.dialogs.help import add_help_menu

        quit_action = QAction(self.tr("退出"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu = self.menuBar().addMenu(self.tr("文件"))
        import_action = QAction(self.tr("导入…"), self)
        import_action.triggered.connect(self.open_import)
        menu.addAction(import_action)
        settings_action = QAction(self.tr("设置…"), self)
        settings_action.triggered.connect(self.open_settings)
        menu.addAction(settings_action)
        add_backup_actions(self, menu)
        from ylt_desktop.ui.dialogs.users import add_user_actions

        add_user_actions(self, menu)
        menu.addAction(quit_action)
        self._add_edit_menu()
        from ylt_desktop.ui.dialogs.packages import add_exchange_actions

        add_exchange_actions(self)
        add_help_menu(self)

    # ------------------------------------------------------------ packages (DESIGN §7)

    def _dropped_packages(self, event: QDragEnterEvent | QDropEvent) -> list:
        from ylt_desktop.ui.dialogs.packages import package_files

        mime = event.mimeData()
        if self.db is None or not mime.hasUrls():
            return []
        return package_files([u.toLocalFile() for u in mime.urls() if u.isLocalFile()])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if self._dropped_packages(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Data packages dropped at the lead open on 季度报表 (a roster at a member)."""
        from ylt_desktop.ui.dialogs.packages import open_files

        paths = self._dropped_packages(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.nav.setCurrentRow(self.titles().index("季度报表"))
        open_files(self.page("季度报表"), self.db, paths, self.packages_changed)

    def make_data_package(self) -> None:
        """数据交换 → 生成数据包…: on 季度报表, for the quarter chosen there."""
        self.nav.setCurrentRow(self.titles().index("季度报表"))
        self.page("季度报表").make_package()

    def packages_changed(self) -> None:
        """Packages applied or a roster opened: every built page shows the new data."""
        self.refresh_pages()

    def refresh_pages(self) -> None:
        """Every page built so far reads the database again, and so does the status bar."""
        for page in self.pages.values():
            if hasattr(page, "refresh"):
                page.refresh()
        self.update_status()

    def _add_edit_menu(self) -> None:
        """新增 Ctrl+N, 删除 Del, 查找 Ctrl+F: each acts on the page shown, if it can."""
        from PySide6.QtGui import QAction, QKeySequence

        menu = self.menuBar().addMenu(self.tr("编辑"))
        self.page_actions: dict[str, QAction] = {}
        for method, text, keys in (
            ("add", self.tr("新增…"), QKeySequence.StandardKey.New),
            ("delete", self.tr("删除…"), QKeySequence.StandardKey.Delete),
            ("find", self.tr("查找"), QKeySequence.StandardKey.Find),
        ):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, m=method: self._on_page(m))
            menu.addAction(action)
            self.page_actions[method] = action
        self._enable_page_actions()

    def _on_page(self, method: str) -> None:
        page = self.stack.currentWidget()
        if method == "find":
            search = getattr(page, "search", None)
            if search is not None:
                search.setFocus()
                search.selectAll()
        elif hasattr(page, method):
            getattr(page, method)()

    def _enable_page_actions(self) -> None:
        page = self.stack.currentWidget()
        for method, action in getattr(self, "page_actions", {}).items():
            action.setEnabled(hasattr(page, "search" if method == "find" else method))

    def open_import(self) -> None:
        from ylt_desktop.ui.dialogs.importing import ImportDialog

        dialog = ImportDialog(self.db, self)
        dialog.imported.connect(self.update_status)
        dialog.exec()

    def open_settings(self) -> bool:
        """设置: the consortium and its lead unit; the title and the built pages follow."""
        from ylt_desktop.ui.dialogs.settings import SettingsDialog

        if not SettingsDialog(self.db, self).exec():
            return False
        with self.db.session() as s:
            from ylt_desktop.store.institutions import get_consortium

            name = get_consortium(s).name
        self.setWindowTitle(self.tr("医联体成员数据填报") + f" — {name}")
        self.refresh_pages()
        return True

    def update_status(self) -> None:
        """The database path, and what the page shown says of itself (人员 150 人, …)."""
        if self.db is None:
            return
        self.path_label.setText(self.tr("数据库：") + self.db.location)
        user = self.db.user
        if user is not None:  # who works, as the audit log will name them
            self.path_label.setText(
                self.path_label.text()
                + self.tr("　当前用户：%1（%2）")
                .replace("%1", user.name)
                .replace("%2", user.role_label)
            )
        page = self.stack.currentWidget()
        status = getattr(page, "status_text", None)
        self.count_label.setText(status() if status is not None else self._consortium_status())

    def _consortium_status(self) -> str:
        """What a page that counts no list of its own shows: the consortium's size."""
        from ylt_desktop.store import institutions as store

        with self.db.session() as s:
            count = store.count_institutions(s)
        return self.tr("成员单位 %n 家").replace("%n", str(count))
