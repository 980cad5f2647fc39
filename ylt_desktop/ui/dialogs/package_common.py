"""数据交换 dialogs' shared pieces: refusals, the passphrase prompt, the remembered folder,
the database's kind, and the 取消 + one action button box of the lead's dialogs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.ui.widgets.permissions import gate

FILE_FILTER = QT_TRANSLATE_NOOP("Packages", "数据交换包 (*.ylt)")
REFUSED_STYLE = "color: #b00020;"
FOLDER_KEY = "exchange.folder"


def show_refusal(parent: QWidget, title: str, exc: BaseException) -> None:
    """A package refused or a rule broken: the Chinese reason; anything else: the error box."""
    from ylt_desktop.exchange import PackageRefused
    from ylt_desktop.ui.errors import show_error

    if isinstance(exc, (PackageRefused, RuleViolation)):
        QMessageBox.warning(parent, title, str(exc))
    else:
        show_error(parent, exc)


def ask_passphrase(parent: QWidget, what: str) -> str | None:
    """The exchange passphrase (hidden while typed); None when cancelled or left empty."""
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("Packages", "数据交换口令"),
        QCoreApplication.translate("Packages", "%1，请输入本医联体的数据交换口令：").replace(
            "%1", what
        ),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def _start_folder(db: Database) -> str:
    from ylt_desktop.store.settings import get_setting
    from ylt_desktop.ui.dialogs.exported import documents_folder

    with db.session() as s:
        return get_setting(s, FOLDER_KEY, None) or documents_folder()


def _remember_folder(db: Database, folder: str) -> None:
    from ylt_desktop.store.settings import set_setting

    with db.session() as s:
        set_setting(s, key=FOLDER_KEY, value=folder)


def choose_folder(parent: QWidget, db: Database, title: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, _start_folder(db))
    if not folder:
        return None
    _remember_folder(db, folder)
    return Path(folder)


def database_kind(db: Database) -> str:
    from ylt_desktop.store import exchange

    with db.session() as s:
        return exchange.database_kind(s)


def exchange_ready(parent: QWidget, db: Database) -> bool:
    """At the lead: the exchange passphrase is set; else say where to set it (the API's
    refusal names the command line) and return False."""
    from ylt_desktop.store import exchange

    with db.session() as s:
        ready = exchange.is_member_database(s) or exchange.exchange_in_use(s)
    if not ready:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("Packages", "尚未设置数据交换口令"),
            QCoreApplication.translate(
                "Packages",
                "尚未设置数据交换口令：请管理员先在菜单“数据交换 → 设置交换口令…”中设置，"
                "再生成名册包、接收数据包。",
            ),
        )
    return ready


def action_buttons(
    dialog: QDialog,
    db: Database,
    text: str,
    cancel: str,
    on_accept: Callable[[], None],
    permission: Permission,
) -> tuple[QDialogButtonBox, QPushButton, bool]:
    """取消 and one accept button (``text``; both already translated by the dialog), wired to
    ``on_accept`` / ``dialog.reject``; the button greyed out for a role without
    ``permission``. Returns the box, the button and whether the role may use it."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, button, gate(button, db, permission)
