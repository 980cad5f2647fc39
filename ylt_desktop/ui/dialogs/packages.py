"""数据交换: roster packages (lead → member) and data packages (member → lead), DESIGN.md §7.

Only wiring: the rules, permissions and refusals are the store's and ``exchange/``'s. scrypt and
the packages' reading and writing run off the GUI thread (``ui/background.py``).

- lead: 设置交换口令… (``PassphraseDialog``), 生成名册包… (``RosterDialog``), 打开成员数据包…
  (``open_data_packages`` → ``PreviewDialog``: per package what changes, refusals, conflicts with
  a required choice; 应用 applies all or nothing after the backup the API makes);
- member: 生成数据包… (``make_data_package_for``; first ``own_agreements_go_on``: a warning
  naming the member's own agreements in it, with 取消), 导入新名册… (``open_new_roster``).

This module: the menu, dropped files, the member's side, and every name above importable from
here; the lead's dialogs are in ``package_lead.py`` and ``package_preview.py``, the shared
pieces in ``package_common.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import run_in_background
from ylt_desktop.ui.dialogs.package_common import (
    FILE_FILTER,
    FOLDER_KEY,
    REFUSED_STYLE,
    _start_folder,
    ask_passphrase,
    choose_folder,
    database_kind,
    exchange_ready,
    show_refusal,
)
from ylt_desktop.ui.dialogs.package_lead import PassphraseDialog, RosterDialog
from ylt_desktop.ui.dialogs.package_preview import ConflictBox, PreviewDialog, open_data_packages
from ylt_desktop.ui.widgets.permissions import gate

__all__ = [
    "FILE_FILTER",
    "FOLDER_KEY",
    "REFUSED_STYLE",
    "ConflictBox",
    "PassphraseDialog",
    "PreviewDialog",
    "RosterDialog",
    "add_exchange_actions",
    "ask_passphrase",
    "choose_folder",
    "database_kind",
    "exchange_ready",
    "make_data_package_for",
    "open_data_packages",
    "open_files",
    "open_new_roster",
    "own_agreements_go_on",
    "package_files",
    "roster_summary",
    "show_refusal",
]


# ---------------------------------------------------------------- the menu


def add_exchange_actions(window: QMainWindow) -> dict[str, QAction]:
    """The menu 数据交换: what the lead's or the member's database can do, greyed out (saying
    why) for a role that may not (the store refuses regardless)."""
    from ylt_desktop.store import exchange

    db: Database = window.db
    menu = window.menuBar().addMenu(QCoreApplication.translate("Packages", "数据交换"))
    menu.setToolTipsVisible(True)
    actions: dict[str, QAction] = {}

    def add(key: str, text: str, slot: Callable[[], Any], permission: Permission | None) -> None:
        action = QAction(text, window)
        action.triggered.connect(lambda _checked=False: slot())
        if permission is not None:
            gate(action, db, permission)
        menu.addAction(action)
        actions[key] = action

    if database_kind(db) == exchange.MEMBER:
        add("make", QCoreApplication.translate("Packages", "生成数据包…"),
            lambda: window.make_data_package(), None)  # fmt: skip
        add("roster", QCoreApplication.translate("Packages", "导入新名册…"),
            lambda: open_new_roster(window, db, on_done=window.packages_changed),
            Permission.RECEIVE_PACKAGE)  # fmt: skip
    else:
        add("open", QCoreApplication.translate("Packages", "打开成员数据包…"),
            lambda: open_data_packages(window, db, None, on_applied=window.packages_changed),
            Permission.RECEIVE_PACKAGE)  # fmt: skip
        add("rosters", QCoreApplication.translate("Packages", "生成名册包…"),
            lambda: exchange_ready(window, db) and RosterDialog(db, window).exec(),
            Permission.RECEIVE_PACKAGE)  # fmt: skip
        menu.addSeparator()
        add("passphrase", QCoreApplication.translate("Packages", "设置交换口令…"),
            lambda: PassphraseDialog(db, window).exec(), Permission.MANAGE_EXCHANGE)  # fmt: skip
    window._ylt_exchange_actions = actions  # noqa: SLF001 - for tests
    return actions


def package_files(paths: list[str | Path]) -> list[Path]:
    """The ``.ylt`` files among dropped paths."""
    return [Path(p) for p in paths if str(p).lower().endswith(".ylt") and Path(p).is_file()]


def open_files(window: QWidget, db: Database, paths: list[Path], on_changed: Callable) -> None:
    """Files dropped onto the window: a roster in a member's database, data packages at the
    lead (each refused file is named in the preview)."""
    from ylt_desktop.exchange import PackageRefused
    from ylt_desktop.exchange.sealed import read_file
    from ylt_desktop.store import exchange

    kinds = set()
    for path in paths:
        try:
            kinds.add(read_file(path).kind)
        except PackageRefused:
            kinds.add("data")
        except OSError as exc:
            show_refusal(window, QCoreApplication.translate("Packages", "不能打开"), exc)
            return
    if database_kind(db) == exchange.MEMBER:
        if kinds != {"roster"} or len(paths) != 1:
            QMessageBox.warning(
                window,
                QCoreApplication.translate("Packages", "不能打开"),
                QCoreApplication.translate(
                    "Packages",
                    "成员库只能打开牵头单位发来的名册包（一次一个）；"
                    "数据包应由牵头单位的汇总库打开。",
                ),
            )
            return
        open_new_roster(window, db, paths[0], on_done=on_changed)
        return
    if "roster" in kinds:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("Packages", "不能打开"),
            QCoreApplication.translate(
                "Packages",
                "名册包是发给成员单位的，应在成员单位的电脑上打开；汇总库只打开成员单位的数据包。",
            ),
        )
        return
    open_data_packages(window, db, paths, on_applied=on_changed)


# ---------------------------------------------------------------- member


def own_agreements_go_on(parent: QWidget, db: Database, quarter: Quarter) -> bool:
    """Volumes of agreements the lead no longer has for this member (its newest roster: the
    lead refuses the package) or no roster brought (the member typed them; the lead's list
    may not have them, and then it refuses the package): named in a box before anything is
    written, with 仍然生成 / 取消. True to go on (also when there is nothing to say); closing
    the box cancels. When the lead will refuse it, 取消 is the default."""
    from ylt_desktop.exchange import own_agreements_warning, withdrawn_agreements

    with db.session() as s:
        warning = own_agreements_warning(s, quarter=quarter)
        refused = bool(warning) and bool(withdrawn_agreements(s, quarter=quarter))
    if not warning:
        return True
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(
        QCoreApplication.translate("Packages", "牵头单位将拒收这个数据包")
        if refused
        else QCoreApplication.translate("Packages", "数据包中有本单位自行录入的协议")
    )
    box.setText(warning + "\n\n" + QCoreApplication.translate("Packages", "仍要生成这个数据包吗？"))
    go_on = box.addButton(
        QCoreApplication.translate("Packages", "仍然生成"), QMessageBox.ButtonRole.AcceptRole
    )
    cancel = box.addButton(
        QCoreApplication.translate("Packages", "取消"), QMessageBox.ButtonRole.RejectRole
    )
    box.setDefaultButton(cancel if refused else go_on)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is go_on


def make_data_package_for(
    parent: QWidget,
    db: Database,
    quarter: Quarter,
    *,
    on_done: Callable[[Path], None] | None = None,
) -> None:
    """生成数据包: a warning first when it carries volumes of the member's own agreements
    (``own_agreements_go_on``), then choose the folder, type the passphrase, then write it
    off the GUI thread."""
    from ylt_desktop.exchange import make_data_package

    if not own_agreements_go_on(parent, db, quarter):
        return
    folder = choose_folder(
        parent, db, QCoreApplication.translate("Packages", "选择数据包保存的文件夹（如U盘）")
    )
    if folder is None:
        return
    passphrase = ask_passphrase(
        parent,
        QCoreApplication.translate("Packages", "生成%1的数据包").replace("%1", quarter.label),
    )
    if passphrase is None:
        return

    def work() -> Path:
        with db.session() as s:
            return make_data_package(s, quarter=quarter, passphrase=passphrase, out_dir=folder)

    def made(path: Path) -> None:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("Packages", "已生成数据包"),
            QCoreApplication.translate(
                "Packages",
                "已生成%1的数据包：\n%2\n\n请把这个文件交给牵头单位（U盘、内网等）；"
                "交换口令另行告知，不要与文件一起发送。",
            )
            .replace("%1", quarter.label)
            .replace("%2", str(path)),
        )
        if on_done is not None:
            on_done(path)

    def failed(exc: BaseException) -> None:
        show_refusal(parent, QCoreApplication.translate("Packages", "不能生成数据包"), exc)

    run_in_background(
        parent, QCoreApplication.translate("Packages", "正在生成数据包…"), work, made, failed
    )


def roster_summary(result: Any) -> str:
    """What opening a roster did, for the clerk."""
    lines = []
    if result.unchanged:
        return QCoreApplication.translate("Packages", "这个名册包已经打开过，没有改动。")
    if result.created:
        lines.append(
            QCoreApplication.translate("Packages", "已建立成员库：%1 — %2")
            .replace("%1", result.consortium)
            .replace("%2", result.member)
        )
    else:
        lines.append(QCoreApplication.translate("Packages", "已用新的名册包更新成员库。"))
    lines.append(
        QCoreApplication.translate(
            "Packages", "成员单位 %1 个，协议 %2 份，来本单位流动的外单位人员 %3 人。"
        )
        .replace("%1", str(result.counts.get("institutions", 0)))
        .replace("%2", str(result.counts.get("agreements", 0)))
        .replace("%3", str(result.counts.get("staff", 0)))
    )
    if result.removed_units:
        lines.append(
            QCoreApplication.translate(
                "Packages", "牵头单位已删除、本库也已删除的单位：%1"
            ).replace("%1", "、".join(result.removed_units))
        )
    lines.extend(result.kept_units)  # already in words: "name：…，未删除"
    if result.removed_agreements:
        lines.append(
            QCoreApplication.translate(
                "Packages", "牵头单位已删除（或本单位已不参与）、本库也已删除的协议：%1"
            ).replace("%1", "、".join(result.removed_agreements))
        )
    lines.extend(result.kept_agreements)  # already in words: "协议“…”：…，未删除；…"
    for quarter in result.locked:
        lines.append(
            QCoreApplication.translate("Packages", "%1：牵头单位已接收，本季度已锁定。").replace(
                "%1", Quarter.parse(quarter).label
            )
        )
    for quarter, reason in result.returned:
        lines.append(
            QCoreApplication.translate(
                "Packages", "%1：牵头单位已退回，原因：%2（请修改后重新生成数据包）"
            )
            .replace("%1", Quarter.parse(quarter).label)
            .replace("%2", reason)
        )
    return "\n".join(lines)


def open_new_roster(
    parent: QWidget,
    db: Database,
    path: Path | None = None,
    *,
    on_done: Callable[[], None] | None = None,
) -> None:
    """导入新名册: a newer roster from the lead updates this member's database."""
    from ylt_desktop.exchange import open_roster

    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            parent,
            QCoreApplication.translate("Packages", "打开牵头单位发来的名册包"),
            _start_folder(db),
            QCoreApplication.translate("Packages", FILE_FILTER),
        )
        if not chosen:
            return
        path = Path(chosen)
    passphrase = ask_passphrase(parent, QCoreApplication.translate("Packages", "打开名册包"))
    if passphrase is None:
        return

    def work() -> Any:
        with db.session() as s:
            return open_roster(s, path, passphrase=passphrase)

    def done(result: Any) -> None:
        QMessageBox.information(
            parent, QCoreApplication.translate("Packages", "名册包"), roster_summary(result)
        )
        if on_done is not None:
            on_done()

    def failed(exc: BaseException) -> None:
        show_refusal(parent, QCoreApplication.translate("Packages", "不能打开名册包"), exc)

    run_in_background(
        parent, QCoreApplication.translate("Packages", "正在打开名册包…"), work, done, failed
    )
