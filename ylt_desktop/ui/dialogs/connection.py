"""数据库连接: 本机数据库 (the SQLite file, the default) or 连接服务器 (a PostgreSQL database
that several clerks share, DESIGN.md §8), with 测试连接.

The choice is remembered in the user's settings (``QSettings``): the server's host, port,
database and user, never a password. The password is asked when the server wants one and
libpq found none (``PGPASSWORD``, ``~/.pgpass``), and kept in memory only (``password``) for
the caller to open the database with. ``--db`` on the command line overrides the choice.

测试连接 (and 确定, which tests an untested address first) runs ``check_connection`` on a
``BackgroundTask``: an unreachable server takes up to ``CONNECT_TIMEOUT`` seconds, during which
the dialog shows 正在连接…, stays usable and keeps 确定 off. The check itself runs on a daemon
thread the task waits on (``_abandonable``): the check writes nothing, so a test whose answer
is no longer wanted — the address changed, the dialog closed, or the program exits
(``background._stop_all`` cancels every task) — is cancelled: its task ends at once (within
``_abandonable``'s 50 ms poll), emits ``cancelled`` and nothing reaches the dialog; the check
is abandoned instead of holding anything for up to ``CONNECT_TIMEOUT`` seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.store.connect import (
    DEFAULT_PORT,
    PASSWORD_NEEDED,
    ConnectionResult,
    ServerChoice,
    check_connection,
    is_server_url,
)
from ylt_desktop.ui.background import BackgroundTask
from ylt_desktop.ui.widgets.half_width import fold_full_width_box

KIND_KEY = "database/kind"
SERVER_KEY = "database/server"
LOCAL, SERVER = "local", "server"
OK_STYLE = "color: #1b7f3b;"
BAD_STYLE = "color: #b00020;"
WAIT_STYLE = "color: #555;"


def settings() -> QSettings:
    """The user's settings, where the sign-in dialog also remembers the last user."""
    return QSettings("YLT", "YLTDesktop")


def remembered_server(store: QSettings | None = None) -> str | None:
    """The server address chosen in 数据库连接 (``postgresql://user@host:port/db``), or None
    when the local database was chosen (or nothing yet)."""
    store = store or settings()
    if store.value(KIND_KEY, LOCAL) != SERVER:
        return None
    url = str(store.value(SERVER_KEY, "") or "")
    return url if is_server_url(url) else None


def remember(store: QSettings, choice: ServerChoice | None) -> None:
    """Keep the choice (None: 本机数据库). The address has no password in it."""
    store.setValue(KIND_KEY, SERVER if choice is not None else LOCAL)
    if choice is not None:
        store.setValue(SERVER_KEY, choice.url())
    store.sync()


def open_chosen(target: str | Path, password: str | None = None):  # noqa: ANN201
    """Open the chosen database (a server with the password typed at 测试连接, if any)."""
    from ylt_desktop.store.db import open_database

    if password is not None:
        return open_database(target, password=password)
    return open_database(target)


def choose_server(parent: QWidget, local_path: Path | None = None):  # noqa: ANN201
    """连接服务器… of the first start: choose and test a server, remember it, and open its
    database (None: cancelled, or it could not be opened — said to the clerk)."""
    import logging

    from ylt_desktop.ui.errors import show_error

    dialog = ConnectionDialog(parent, local_path=local_path, prefer_server=True)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice() is None:
        return None
    try:
        return open_chosen(dialog.choice().url(), dialog.password)
    except Exception as exc:  # refused or unreachable: the local database stays
        logging.getLogger(__name__).warning(
            "cannot open the chosen server database: %s", type(exc).__name__
        )
        show_error(parent, exc)
        return None


def ask_password(parent: QWidget | None, message: str) -> str | None:
    """The server's password, typed now (None when cancelled); never stored."""
    from PySide6.QtCore import QCoreApplication

    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("ConnectionDialog", "数据库服务器密码"),
        message
        + "\n\n"
        + QCoreApplication.translate("ConnectionDialog", "请输入数据库服务器的密码："),
        QLineEdit.EchoMode.Password,
    )
    return text if ok else None


class _Abandoned(Exception):
    """The test was cancelled (the program is exiting): its answer is not waited for."""


class _ConnectionTest(BackgroundTask):
    """A 测试连接 task: cancelling it abandons the check (``cancelled`` is emitted at once)."""

    cancelled_by = (_Abandoned,)


def _abandonable(check: Callable[[], object], cancelled: Callable[[], bool]) -> object:
    """``check()`` on a daemon thread of its own, waited for here until it answers or
    ``cancelled()`` turns True (then ``_Abandoned`` is raised at once).

    An abandoned check touches no Qt object and nothing but its own locals: it may go on until
    its connect times out, or be stopped by the interpreter's exit like any daemon thread."""
    answer: list[object] = []
    answered = threading.Event()

    def run() -> None:
        try:
            answer.append(check())
        finally:
            answered.set()

    threading.Thread(target=run, name="ylt-connection-test", daemon=True).start()
    while not answered.wait(0.05):
        if cancelled():
            raise _Abandoned
    if not answer:  # a BaseException ended the check: shown as a fault, as _checked does
        return RuntimeError("测试连接意外中止")
    return answer[0]


def _checked(url: str, password: str | None) -> ConnectionResult | Exception:
    """``check_connection`` on the test's thread; an unexpected fault is returned, to be shown
    with the answer it stands for."""
    try:
        return check_connection(url, password=password)
    except Exception as exc:  # noqa: BLE001 - shown by show_error on the GUI thread
        return exc


class ConnectionDialog(QDialog):
    """The choice of database with 测试连接; ``accepted`` means it was remembered."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        store: QSettings | None = None,
        local_path: Path | None = None,
        prefer_server: bool = False,
        password_prompt: Callable[[QWidget, str], str | None] = ask_password,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("数据库连接"))
        self.store = store or settings()
        self.password_prompt = password_prompt
        self.password: str | None = None  # typed at 测试连接; in memory only
        self.result_of_test: ConnectionResult | None = None
        self._tested: tuple[str, str | None] | None = None
        self._waiting: BackgroundTask | None = None  # the 测试连接 being waited for
        self._serial = 0  # of the latest test; an answer of another is dropped
        self._accept_after_test = False
        self.local_radio = QRadioButton(self.tr("本机数据库（保存在本电脑上，适合一台电脑填报）"))
        self.server_radio = QRadioButton(
            self.tr("连接服务器（本单位多人同时填报，数据库在服务器上）")
        )
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)
        self.local_label = QLabel(str(local_path) if local_path else "")
        self.local_label.setStyleSheet("color: #555;")
        self.local_label.setWordWrap(True)
        self.server_box = self._server_box()
        self.test_button = QPushButton(self.tr("测试连接"))
        self.test_button.clicked.connect(self.test)
        self.result_label = QLabel()
        self.result_label.setObjectName("result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local_radio)
        layout.addWidget(self.local_label)
        layout.addWidget(self.server_radio)
        layout.addWidget(self.server_box)
        layout.addWidget(self.test_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.result_label)
        layout.addWidget(self.buttons)
        self._load(prefer_server)
        self.server_radio.toggled.connect(self._follow_choice)
        self._follow_choice()
        self.resize(560, self.sizeHint().height())

    def _server_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("服务器"))
        self.host = QLineEdit(objectName="host")
        self.host.setPlaceholderText(self.tr("计算机名或 IP 地址，如 192.168.1.10"))
        self.port = QSpinBox(objectName="port")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        fold_full_width_box(self.port)  # ５４３３ typed in 全角 mode
        self.database = QLineEdit(objectName="database")
        self.user = QLineEdit(objectName="user")
        hint = QLabel(
            self.tr(
                "密码不会被本程序保存：连接时询问，或由系统的 PGPASSWORD 环境变量、"
                "pgpass 文件提供。服务器和账号由服务器管理员设置。"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        form = QFormLayout(box)
        form.addRow(self.tr("服务器地址"), self.host)
        form.addRow(self.tr("端口"), self.port)
        form.addRow(self.tr("数据库名"), self.database)
        form.addRow(self.tr("用户名"), self.user)
        form.addRow(hint)
        for edit in (self.host, self.database, self.user):
            edit.textChanged.connect(self._forget_test)
        self.port.valueChanged.connect(self._forget_test)
        return box

    def _load(self, prefer_server: bool) -> None:
        url = str(self.store.value(SERVER_KEY, "") or "")
        if is_server_url(url):
            choice = ServerChoice.from_url(url)
            self.host.setText(choice.host)
            self.port.setValue(choice.port)
            self.database.setText(choice.database)
            self.user.setText(choice.user)
        server = prefer_server or self.store.value(KIND_KEY, LOCAL) == SERVER
        (self.server_radio if server else self.local_radio).setChecked(True)

    def _follow_choice(self) -> None:
        self.server_box.setEnabled(self.server_radio.isChecked())
        self._forget_test()
        self._enable_buttons()

    def _forget_test(self) -> None:
        self._tested = None
        if self._waiting is not None:
            self._stop_waiting()
        self.result_label.setText("")

    def choice(self) -> ServerChoice | None:
        """The server chosen (None: 本机数据库)."""
        if not self.server_radio.isChecked():
            return None
        return ServerChoice(
            host=self.host.text().strip(),
            database=self.database.text().strip(),
            user=self.user.text().strip(),
            port=self.port.value(),
        )

    def _show(self, ok: bool | None, text: str) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet({True: OK_STYLE, False: BAD_STYLE}.get(ok, WAIT_STYLE))

    def testing(self) -> bool:
        """Whether a 测试连接 is running whose answer the dialog waits for."""
        return self._waiting is not None

    def test(self) -> BackgroundTask | None:
        """测试连接: try the server off the GUI thread (the dialog stays usable; 确定 waits).

        The answer is shown when it comes, unless the address was changed or the dialog closed
        meanwhile; a server that wants a password asks for it and is tried again."""
        choice = self.choice()
        if choice is None:
            return None
        problems = choice.problems()
        if problems:
            self._show(False, "；".join(problems))
            return None
        return self._start_test(choice.url())

    def _start_test(self, url: str) -> BackgroundTask:
        password = self.password
        self._serial += 1
        serial = self._serial
        task = _ConnectionTest(
            lambda: (
                serial,
                url,
                password,
                _abandonable(lambda: _checked(url, password), task.is_cancelled),
            )
        )
        task.done.connect(self._answered)
        self._waiting = task  # kept alive by ui/background until its thread ends
        self._show(None, self.tr("正在连接…"))
        self.setCursor(Qt.CursorShape.BusyCursor)
        self._enable_buttons()
        task.start()
        return task

    def _stop_waiting(self) -> None:
        """Whatever answer is on its way is not for the dialog as it now is: a test still
        running is cancelled (its task ends at once, the check is abandoned on its daemon
        thread) and no longer connected to the dialog."""
        self._serial += 1
        task, self._waiting = self._waiting, None
        if task is not None:
            task.cancel()
            task.done.disconnect(self._answered)
        self._accept_after_test = False
        self.unsetCursor()
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        waiting = self._waiting is not None
        self.test_button.setEnabled(self.server_radio.isChecked() and not waiting)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not waiting)

    @Slot(object)
    def _answered(self, answer: tuple) -> None:
        serial, url, password, result = answer
        choice = self.choice()
        if serial != self._serial or choice is None or choice.url() != url:
            return  # a late answer for an address the clerk has changed since
        then_accept = self._accept_after_test
        self._stop_waiting()
        if isinstance(result, Exception):  # a fault of the program, not the server's answer
            from ylt_desktop.ui.errors import show_error

            show_error(self, result)
            return
        if result.reason == PASSWORD_NEEDED and password is None:
            typed = self.password_prompt(self, result.message)
            if typed is not None:
                self.password = typed
                self._accept_after_test = then_accept
                self._start_test(url)
                return
        self.result_of_test = result
        self._tested = (url, password) if result.ok else None
        self._show(result.ok, result.message)
        if then_accept and result.ok:
            self.accept()

    def accept(self) -> None:
        """Remember the choice; a server is tried first (when not tried since it was typed),
        and the dialog closes when the answer is good."""
        if self.testing():
            return
        choice = self.choice()
        untested = self._tested is None or choice is None or self._tested[0] != choice.url()
        if choice is not None and untested:
            if self.test() is not None:
                self._accept_after_test = True
            return
        remember(self.store, choice)
        super().accept()

    def may_close(self) -> bool:
        """The main window closes (``MainWindow.closeEvent``, which then rejects the dialog):
        nothing to ask, a test writes nothing; a running one is cancelled now."""
        self._stop_waiting()
        return True

    def done(self, code: int) -> None:
        """Closed (确定, 取消, Esc, the window's ×): a test still running is cancelled, its task
        ends at once and its check is abandoned (``_stop_waiting``)."""
        self._stop_waiting()
        super().done(code)
