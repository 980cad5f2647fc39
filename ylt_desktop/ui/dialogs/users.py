"""用户管理 (管理员): add users, change a role, reset a password, disable or enable, and delete
a user who never changed anything. The store checks every step (``store/users.py``)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.roles import ROLE_LABELS, ROLES, Permission, role_label
from ylt_desktop.store import users
from ylt_desktop.store.db import Database
from ylt_desktop.ui.dialogs.record import run_guarded
from ylt_desktop.ui.widgets.permissions import gate


def add_user_actions(window: QMainWindow, menu: QMenu) -> None:
    """用户管理… in ``menu``, greyed out (with the reason) for all but the 管理员."""
    action = QAction(QCoreApplication.translate("UsersDialog", "用户管理…"), window)
    action.triggered.connect(lambda: UsersDialog(window.db, window).exec())
    gate(action, window.db, Permission.MANAGE_USERS)
    menu.addAction(action)
    window._ylt_users_action = action  # noqa: SLF001 - for tests


class UsersDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("用户管理"))
        self.resize(520, 360)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("用户名"), self.tr("角色"), self.tr("状态")])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, slot in (
            ("add", self.tr("添加…"), self.add),
            ("role", self.tr("修改角色…"), self.change_role),
            ("password", self.tr("重设密码…"), self.reset_password),
            ("active", self.tr("停用/启用"), self.toggle_active),
            ("delete", self.tr("删除"), self.delete),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.buttons[key] = button
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.refresh()

    def refresh(self) -> None:
        with self.db.session() as s:
            rows = [(u.name, u.role, u.active) for u in users.list_users(s)]
        self.table.setRowCount(len(rows))
        for i, (name, role, active) in enumerate(rows):
            state = self.tr("启用") if active else self.tr("停用")
            for j, text in enumerate((name, role_label(role), state)):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def selected_name(self) -> str | None:
        row = self.table.currentRow()
        return self.table.item(row, 0).text() if row >= 0 else None

    def _role(self, current: str = "clerk") -> str | None:
        labels = [ROLE_LABELS[r] for r in ROLES]
        label, ok = QInputDialog.getItem(
            self, self.tr("角色"), self.tr("角色："), labels, ROLES.index(current), False
        )
        return ROLES[labels.index(label)] if ok else None

    def _password(self, name: str) -> str | None:
        first, ok = QInputDialog.getText(
            self, self.tr("密码"), self.tr("“%1”的新密码：").replace("%1", name),
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        if not ok:
            return None
        again, ok = QInputDialog.getText(
            self, self.tr("密码"), self.tr("再输入一次："), QLineEdit.EchoMode.Password
        )
        if not ok:
            return None
        if first != again:
            QMessageBox.warning(self, self.tr("密码"), self.tr("两次输入的密码不一致"))
            return None
        return first

    def _run(self, action) -> None:  # noqa: ANN001
        def run() -> None:
            with self.db.session() as s:
                action(s)

        run_guarded(self, run)
        self.refresh()

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("添加用户"), self.tr("用户名："))
        if not ok or not name.strip():
            return
        role = self._role()
        password = self._password(name) if role else None
        if role and password is not None:
            self._run(lambda s: users.add_user(s, name=name, role=role, password=password))

    def change_role(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        with self.db.session() as s:
            current = users.get_user(s, name).role
        role = self._role(current)
        if role:
            self._run(lambda s: users.change_role(s, name=name, role=role))

    def reset_password(self) -> None:
        name = self.selected_name()
        password = self._password(name) if name else None
        if password is not None:
            self._run(lambda s: users.reset_password(s, name=name, password=password))

    def toggle_active(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        with self.db.session() as s:
            active = users.get_user(s, name).active
        self._run(lambda s: users.set_active(s, name=name, active=not active))

    def delete(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        self._run(lambda s: users.delete_user(s, name=name))
