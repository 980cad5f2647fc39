"""One place that reports unexpected failures: logged, then shown with a copy button."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)


def _details(exc: BaseException) -> str:
    """The traceback, without an SQL statement or its values (only the driver's own error)."""
    orig = getattr(exc, "orig", None)
    if isinstance(orig, BaseException) and hasattr(exc, "statement"):
        head = f"{type(exc).__module__}.{type(exc).__name__}: {type(orig).__name__}: {orig}\n"
        frames = traceback.extract_tb(exc.__traceback__)  # places only: no source lines
        return head + "".join(f"  {f.filename}:{f.lineno} in {f.name}\n" for f in frames)
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    from PySide6.QtWidgets import QMessageBox  # here: ~5 ms the first paint need not wait for

    from ylt_desktop.store.access import explain

    message = explain(exc)
    if message is not None:  # a full disk, a lock, a read-only file: what to do, no details
        QMessageBox.warning(
            parent, QCoreApplication.translate("ErrorDialog", "操作未完成"), message
        )
        return
    from ylt_desktop.logs import mask_ids  # no whole identity number in the box or its copy

    details = mask_ids(_details(exc))
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QCoreApplication.translate("ErrorDialog", "程序出错"))
    box.setText(
        QCoreApplication.translate("ErrorDialog", "操作未能完成，数据没有被修改。")
        + "\n"
        + mask_ids(str(exc).split("\n[SQL:")[0] if hasattr(exc, "statement") else str(exc))
    )
    box.setDetailedText(details)
    copy = box.addButton(
        QCoreApplication.translate("ErrorDialog", "复制详情"), QMessageBox.ButtonRole.ActionRole
    )
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("unhandled exception", exc_info=(kind, exc, tb))
    if QApplication.instance() is not None:
        show_error(QApplication.activeWindow(), exc)


def install_excepthook() -> None:
    sys.excepthook = excepthook


class _WaitNotice(QObject):
    """Lives on the GUI thread: a wait told on another thread (an import's, the opening behind
    the saved overview) reaches the status bar through a queued signal."""

    told = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.told.connect(self.show)

    @Slot(bool)
    def show(self, repaint: bool) -> None:
        from PySide6.QtWidgets import QMainWindow
        from shiboken6 import isValid

        # The window a restore put in place, else the active one, else any shown main window
        # (a queued notice may arrive after the window it was meant for has gone).
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        window = getattr(QApplication.instance(), "_ylt_main_window", None)
        candidates = [window, QApplication.activeWindow(), *shown]
        window = next((w for w in candidates if isinstance(w, QMainWindow) and isValid(w)), None)
        if window is not None:
            window.statusBar().showMessage(
                QCoreApplication.translate("ErrorDialog", "数据库正被其他程序使用，正在等待……")
            )
            if repaint:  # the GUI thread itself waits: no event loop will paint it
                window.statusBar().repaint()

    def tell(self, _text: str) -> None:
        import threading

        if threading.current_thread() is threading.main_thread():  # the GUI thread
            self.show(True)
        else:
            self.told.emit(False)


_notice: list[_WaitNotice] = []


def install_wait_notice() -> None:
    """Another program holds the database: the status bar says we wait (``store/access.py``),
    whichever thread waits."""
    from ylt_desktop.store import access

    _notice[:] = [_WaitNotice()]
    access.on_wait(_notice[0].tell)
