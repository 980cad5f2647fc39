"""备份 / 恢复 in the 文件 menu, and the offer of the newest good backup for a damaged database.

On a PostgreSQL server database the same actions run ``pg_dump``/``pg_restore``
(``store/pg_backup.py``) with ``.dump`` files.

A restore closes the database, replaces the file (``store/restore.py: restore_database``),
reopens it and rebuilds the main window on the new ``Database``: no page keeps stale rows.
Copies run on the GUI thread: a 50 MB database copies in about 0.1 s.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QMainWindow, QMenu, QMessageBox, QWidget

from ylt_desktop.store.backup import (
    MANUAL,
    DamagedDatabase,
    DatabaseProblem,
    RestoreRefused,
    backup_folder,
    backup_name,
    copy_database,
    newest_good_backup,
    verify_backup,
)
from ylt_desktop.store.db import Database, open_database
from ylt_desktop.store.restore import refuse_other_database, restore_database
from ylt_desktop.ui.errors import show_error

log = logging.getLogger(__name__)

FILE_FILTER = QT_TRANSLATE_NOOP("Backup", "数据库文件 (*.sqlite);;所有文件 (*)")
# A database on a PostgreSQL server is backed up with pg_dump (store/pg_backup.py).
SERVER_FILTER = QT_TRANSLATE_NOOP("Backup", "PostgreSQL 备份文件 (*.dump);;所有文件 (*)")


def _reopen(db: Database, *, daily: bool = False) -> Database:
    """``db`` opened again (a server's password, if one was typed, kept in memory only);
    ``daily``: running the day's check when it is due (after a restore it is)."""
    if db.on_server:
        return open_database(db.location, password=db.engine.url.password, daily=daily)
    return open_database(db.path, daily=daily)


def _check_restored(window: QWidget, db: Database) -> None:
    """A restore makes the day's check due again (``store/restore.py``, ``pg_backup``): the
    reopened database runs it now as the day's first start does (``app.py``: the day's backup
    if not made, the audit log's verification, then remembered), so restored data with a
    problem are told at once, not at the next day's start."""
    from ylt_desktop import app

    if db.backup_problem:
        app._warn_backup_failed(window, db.backup_problem)  # noqa: SLF001
    if db.daily_checked:
        app._verify_audit_log(window, db)  # noqa: SLF001


def add_backup_actions(window: QMainWindow, menu: QMenu) -> None:
    """备份数据库… and 恢复数据库… for a window holding ``window.db``."""
    backup = QAction(QCoreApplication.translate("Backup", "备份数据库…"), window)
    backup.triggered.connect(lambda: backup_database(window))
    restore = QAction(QCoreApplication.translate("Backup", "恢复数据库…"), window)
    restore.triggered.connect(lambda: restore_from_file(window))
    menu.addAction(backup)
    menu.addAction(restore)
    menu.addSeparator()
    menu.setToolTipsVisible(True)
    db = getattr(window, "db", None)
    if db is not None:  # greyed out for other roles, saying why (the store refuses anyway)
        from ylt_desktop.domain.roles import Permission
        from ylt_desktop.ui.widgets.permissions import gate

        gate(backup, db, Permission.BACKUP)
        gate(restore, db, Permission.RESTORE)
    window._ylt_backup_actions = (backup, restore)  # noqa: SLF001 - for tests and shortcuts


def backup_database(window: QWidget) -> Path | None:
    """Ask where, then copy the open database there (manual backups are never pruned)."""
    db: Database = window.db
    if db.on_server:
        from ylt_desktop.store import pg_backup

        suggested, suffix = pg_backup.backup_name(db.engine.url, MANUAL), pg_backup.SUFFIX
    else:
        suggested, suffix = backup_name(db.path, MANUAL), ".sqlite"
    suggested.parent.mkdir(parents=True, exist_ok=True)
    chosen, _ = QFileDialog.getSaveFileName(
        window,
        QCoreApplication.translate("Backup", "备份数据库"),
        str(suggested),
        QCoreApplication.translate("Backup", SERVER_FILTER if db.on_server else FILE_FILTER),
    )
    if not chosen:
        return None
    target = Path(chosen)
    if target.suffix.lower() != suffix:
        target = target.with_name(target.name + suffix)
    if not db.on_server and target.resolve() == db.path:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("Backup", "不能备份"),
            QCoreApplication.translate("Backup", "备份文件不能是当前数据库本身，请换一个文件名。"),
        )
        return None
    try:
        if db.on_server:
            from ylt_desktop.store import pg_backup

            pg_backup.dump(db.engine.url, target)  # ToolsMissing says pg_dump is not installed
        else:
            copy_database(db.path, target)
    except Exception as exc:  # a full USB stick, a read-only folder
        log.exception("backup failed")
        show_error(window, exc)
        return None
    QMessageBox.information(
        window,
        QCoreApplication.translate("Backup", "备份完成"),
        QCoreApplication.translate("Backup", "数据库已备份到：\n%1").replace("%1", str(target)),
    )
    return target


def _signed_in_again(window: QWidget, db: Database, before: Any) -> Database:
    """The restored database has the backup's users: the same user (by name, still enabled)
    keeps working; anyone else signs in again."""
    from ylt_desktop.store import users

    with db.session() as s:
        user = users.get_user(s, before.name) if before is not None else None
        has_users = users.has_users(s)
    if user is not None and user.active:
        db.sign_in(users.Actor(user.name, user.role, user.id))
    elif has_users:
        from ylt_desktop.ui.dialogs.sign_in import SignInDialog

        SignInDialog(db, window).exec()
    elif db.user is None:  # a backup from before users: it gets its 管理员 now
        from ylt_desktop.ui.dialogs.sign_in import CreateAdminDialog

        CreateAdminDialog(db, window).exec()
    return db


def restore_from_file(window: QMainWindow) -> QMainWindow | None:
    """Pick a backup, check it, confirm, restore; returns the rebuilt main window (None:
    nothing restored, or nobody signed in to the restored data: the program ends)."""
    db: Database = window.db
    if db.on_server:
        from ylt_desktop.store import pg_backup

        folder, file_filter = pg_backup.backup_folder(), SERVER_FILTER
    else:
        folder, file_filter = backup_folder(db.path), FILE_FILTER
    chosen, _ = QFileDialog.getOpenFileName(
        window,
        QCoreApplication.translate("Backup", "恢复数据库"),
        str(folder),
        QCoreApplication.translate("Backup", file_filter),
    )
    if not chosen:
        return None
    refusal = _refusal(db, chosen)
    if refusal:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("Backup", "不能恢复"),
            QCoreApplication.translate("Backup", "%1\n\n当前数据库没有被改动。").replace(
                "%1", refusal
            ),
        )
        return None
    answer = QMessageBox.question(
        window,
        QCoreApplication.translate("Backup", "恢复数据库"),
        QCoreApplication.translate(
            "Backup",
            "将用备份文件\n%1\n替换当前数据库。\n\n"
            "当前数据会先自动备份到 backups 文件夹；恢复后程序将重新载入数据。是否继续？",
        ).replace("%1", chosen),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    # The window is replaced after the restore: a page holding input it could not save
    # (运行指标's rows with errors) asks now, while 否 can still keep it.
    pages = getattr(window, "pages", {}).values()
    if not all(getattr(page, "may_close", lambda: True)() for page in pages):
        return None
    db.close()
    safety, restored = None, False
    try:
        if db.on_server:
            from ylt_desktop.store import pg_backup

            safety = pg_backup.restore(db.engine.url, Path(chosen), actor=db.user)
        else:
            safety = restore_database(chosen, db.path, actor=db.user)
        restored = True
    except DatabaseProblem as exc:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("Backup", "不能恢复"),
            QCoreApplication.translate("Backup", "%1\n\n当前数据库没有被改动。").replace(
                "%1", str(exc)
            ),
        )
    except Exception as exc:
        log.exception("restore failed")
        show_error(window, exc)
    new_db = _signed_in_again(window, _reopen(db, daily=restored), db.user)
    if new_db.user is None:  # nobody signed in to the restored data: the program ends, as at start
        new_db.close()
        _end_unsigned(window, safety)
        return None
    new_window = reload_window(window, new_db)
    if safety is not None:
        QMessageBox.information(
            new_window,
            QCoreApplication.translate("Backup", "恢复完成"),
            QCoreApplication.translate(
                "Backup", "已从备份恢复数据库。\n恢复前的数据已另存为：\n%1"
            ).replace("%1", str(safety)),
        )
    _check_restored(new_window, new_db)
    return new_window


def _refusal(db: Database, chosen: str) -> str | None:
    """Why the file ``chosen`` cannot restore ``db`` (``None``: it can)."""
    if db.on_server:
        from ylt_desktop.store import pg_backup

        try:
            pg_backup.verify_dump(Path(chosen))
            pg_backup.refuse_other_dump(db.engine.url, Path(chosen))  # another database's
        except DatabaseProblem as exc:  # not a dump, a newer one, or pg_restore missing
            return str(exc)
        return None
    health = verify_backup(chosen)
    if not health.ok:
        return health.message
    try:  # a member's database chosen at the lead, another consortium's: said before asking
        refuse_other_database(Path(chosen).resolve(), db.path)
    except RestoreRefused as exc:
        return str(exc)
    return None


def _end_unsigned(window: QMainWindow, safety: Path | None) -> None:
    """Nobody signed in after a restore (the sign-in cancelled): the data are not shown to
    nobody; the program ends, saying what was done (the start asks to sign in again)."""
    text = QCoreApplication.translate("Backup", "没有用户登录，程序将关闭；请重新启动程序并登录。")
    if safety is not None:
        done = QCoreApplication.translate(
            "Backup", "已从备份恢复数据库。\n恢复前的数据已另存为：\n%1"
        ).replace("%1", str(safety))
        text = f"{done}\n\n{text}"
    QMessageBox.information(window, QCoreApplication.translate("Backup", "未登录"), text)
    window.close()
    QApplication.instance().exit(0)


def reload_window(window: QMainWindow, db: Database) -> QMainWindow:
    """A fresh main window on ``db`` in place of ``window``."""
    from ylt_desktop.ui.main_window import MainWindow

    new_window = MainWindow(db)
    new_window.setGeometry(window.geometry())
    new_window.show()
    app = QApplication.instance()
    app._ylt_main_window = new_window  # keep it alive; the old one goes  # noqa: SLF001
    window.close()
    window.deleteLater()
    return new_window


def offer_good_backup(parent: QWidget | None, exc: DamagedDatabase) -> Database | None:
    """At start: tell the user the database is damaged and offer the newest good backup."""
    candidate = newest_good_backup(exc.path)
    if candidate is None:
        QMessageBox.critical(
            parent,
            QCoreApplication.translate("Backup", "数据库已损坏"),
            QCoreApplication.translate(
                "Backup",
                "%1\n\n没有找到可用的备份。程序没有改动这个文件；请联系管理员。",
            ).replace("%1", str(exc)),
        )
        return None
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("Backup", "数据库已损坏"),
        QCoreApplication.translate(
            "Backup",
            "%1\n\n找到最近的正常备份：\n%2（%3）\n\n"
            "是否用它恢复？损坏的文件会另存到 backups 文件夹，不会被删除。"
            "备份之后录入的数据需要重新录入。",
        )
        .replace("%1", str(exc))
        .replace("%2", candidate.path.name)
        .replace("%3", f"{candidate.taken:%Y-%m-%d %H:%M}"),
    )
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        restore_database(candidate.path, exc.path)
        # The day's check is due again (the start verifies the log when daily_checked).
        db = open_database(exc.path, daily=True)
    except Exception as error:  # the backup folder went away, a full disk
        log.exception("restore at start failed")
        show_error(parent, error)
        return None
    QMessageBox.information(
        parent,
        QCoreApplication.translate("Backup", "恢复完成"),
        QCoreApplication.translate("Backup", "已从 %1 的备份恢复数据库。").replace(
            "%1", f"{candidate.taken:%Y-%m-%d %H:%M}"
        ),
    )
    return db
