"""登录 and 创建管理员: who works with the database (DESIGN.md §6).

``SignInDialog`` signs a user in (the last user's name is remembered); ``CreateAdminDialog``
gives a database without users (first run, or one made by an earlier version) its 管理员.
Both sign the ``Database`` in on success, so every later session acts as that user.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.roles import MIN_PASSWORD
from ylt_desktop.store import users
from ylt_desktop.store.db import Database

LAST_USER_KEY = "signin/last_user"


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class _Dialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.db = db
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def try_accept(self) -> None:
        try:
            actor = self.act()
        except RuleViolation as exc:
            self.message.setText("\n".join(p.message for p in exc.problems))
            return
        self.db.sign_in(actor)
        self.accept()

    def act(self) -> users.Actor:
        raise NotImplementedError


class SignInDialog(_Dialog):
    def __init__(
        self, db: Database, parent: QWidget | None = None, *, settings: QSettings | None = None
    ) -> None:
        super().__init__(db, parent)
        self.settings = settings
        self.setWindowTitle(self.tr("登录"))
        self.name = QLineEdit(objectName="name")
        self.password = _password_edit()
        self.password.setObjectName("password")
        self.form.addRow(self.tr("用户名"), self.name)
        self.form.addRow(self.tr("密码"), self.password)
        self.ok_button.setText(self.tr("登录"))
        last = settings.value(LAST_USER_KEY, "") if settings is not None else ""
        self.name.setText(str(last or ""))
        (self.password if last else self.name).setFocus()

    def act(self) -> users.Actor:
        with self.db.session() as s:
            actor = users.authenticate(s, name=self.name.text(), password=self.password.text())
        if self.settings is not None:
            self.settings.setValue(LAST_USER_KEY, actor.name)
        return actor

    def try_accept(self) -> None:
        super().try_accept()
        if self.result() != QDialog.DialogCode.Accepted:
            self.password.clear()


class CreateAdminDialog(_Dialog):
    """The first 管理员: name and password (twice). On a new local database (``offer_server``)
    also 连接服务器…: the unit's database is on a server, opened instead (``server_db``)."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, offer_server: bool = False
    ) -> None:
        super().__init__(db, parent)
        self.server_db: Database | None = None
        if offer_server:
            from PySide6.QtWidgets import QPushButton

            self.server_button = QPushButton(self.tr("连接服务器…"))
            self.server_button.setToolTip(
                self.tr("本单位的数据库在服务器上（多人同时填报）：连接服务器，不在本机建库")
            )
            self.buttons.addButton(self.server_button, QDialogButtonBox.ButtonRole.ActionRole)
            self.server_button.clicked.connect(self.connect_server)
        self.setWindowTitle(self.tr("创建管理员"))
        intro = QLabel(
            self.tr(
                "本数据库还没有用户。请创建管理员：管理员可以添加填表人和审核人、"
                "备份与恢复数据库。密码至少 %n 个字符，请牢记。"
            ).replace("%n", str(MIN_PASSWORD))
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.name = QLineEdit(objectName="name")
        self.password = _password_edit()
        self.password.setObjectName("password")
        self.again = _password_edit()
        self.again.setObjectName("again")
        self.form.addRow(self.tr("管理员用户名"), self.name)
        self.form.addRow(self.tr("密码"), self.password)
        self.form.addRow(self.tr("再输入一次"), self.again)
        self.ok_button.setText(self.tr("创建"))

    def connect_server(self) -> bool:
        """Open the server database chosen and tested in 数据库连接 instead; True when done."""
        from ylt_desktop.ui.dialogs.connection import choose_server

        self.server_db = choose_server(self, self.db.path)
        if self.server_db is None:
            return False
        self.accept()
        return True

    def act(self) -> users.Actor:
        if self.password.text() != self.again.text():
            from ylt_desktop.domain.problems import error

            raise RuleViolation([error("again", self.tr("两次输入的密码不一致"))])
        with self.db.session() as s:
            return users.create_first_admin(s, name=self.name.text(), password=self.password.text())
