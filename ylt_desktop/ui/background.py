"""One call run off the GUI thread (scrypt, packages), with a busy dialog while it runs.

``run_in_background(parent, text, call, on_done, on_failed)`` starts ``call()`` in a QThread and
shows a window-modal busy dialog (after 300 ms); ``on_done(result)`` or ``on_failed(exc)`` then
runs on the GUI thread. The task is kept on ``parent._ylt_task`` until it ends, so tests can
wait for it (``qtbot.waitUntil(lambda: not task_running(parent))``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget


class BackgroundTask(QObject):
    """Emits exactly one of ``done(result)`` and ``failed(exception)``."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__()
        self.call = call
        self.thread = QThread()
        self.moveToThread(self.thread)
        self.thread.started.connect(self.run)

    def start(self) -> None:
        self.thread.start()

    @Slot()
    def run(self) -> None:
        try:
            result = self.call()
        except Exception as exc:  # shown by the caller (Chinese refusal or show_error)
            self.failed.emit(exc)
        else:
            self.done.emit(result)
        finally:
            self.thread.quit()


class _Relay(QObject):
    """Lives on the GUI thread: the task's signals reach the callbacks here, queued."""

    def __init__(
        self,
        parent: QWidget,
        task: BackgroundTask,
        busy: QProgressDialog,
        on_done: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
    ) -> None:
        super().__init__(parent)
        self.parent_widget, self.task, self.busy = parent, task, busy
        self.on_done, self.on_failed = on_done, on_failed
        task.done.connect(self.finish_done)
        task.failed.connect(self.finish_failed)

    def _end(self) -> None:
        self.busy.reset()
        self.busy.deleteLater()
        self.task.thread.wait()
        if getattr(self.parent_widget, "_ylt_task", None) is self:
            self.parent_widget._ylt_task = None  # noqa: SLF001

    @Slot(object)
    def finish_done(self, result: Any) -> None:
        self._end()
        self.on_done(result)

    @Slot(object)
    def finish_failed(self, exc: BaseException) -> None:
        self._end()
        self.on_failed(exc)


def run_in_background(
    parent: QWidget,
    text: str,
    call: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
) -> BackgroundTask:
    busy = QProgressDialog(text, "", 0, 0, parent)
    busy.setCancelButton(None)
    busy.setWindowModality(Qt.WindowModality.WindowModal)
    busy.setMinimumDuration(300)
    busy.setAutoClose(False)
    task = BackgroundTask(call)
    parent._ylt_task = _Relay(parent, task, busy, on_done, on_failed)  # noqa: SLF001
    task.start()
    return task


def task_running(parent: QWidget) -> bool:
    return getattr(parent, "_ylt_task", None) is not None


def wait_for_task(parent: QWidget) -> None:
    """Let a running task end (the window is closing: a QThread must not outlive it)."""
    relay = getattr(parent, "_ylt_task", None)
    if relay is not None:
        relay.task.thread.wait()
