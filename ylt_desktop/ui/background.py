"""Work run off the GUI thread (exports, imports, scrypt, packages, 测试连接).

``BackgroundTask(call)`` runs ``call()`` on its own QThread. The task object itself lives on
the GUI thread and every one of its signals is emitted there (``progress``, then exactly one of
``done(result)``, ``failed(exception)``, ``cancelled()``): a small runner moved to the thread
does the work and reports through queued signals, which the task re-emits. So whatever is
connected to a task (a bound slot, a lambda, a test's ``waitSignal``) runs on the GUI thread
and may touch widgets and timers; ``cancel()`` (a flag the call polls through
``is_cancelled``) is a plain call on the GUI thread, so a progress dialog's 取消 reaches the
running work at once. A started task is kept alive until its thread has ended, whatever
becomes of its owner (a QThread destroyed while running aborts the program), and waited for
when the program exits.

No reference cycle runs through a task, so it is freed by reference counting when its last
holder lets it go (a page, ``_prune``: the GUI thread), never by the cyclic garbage collector,
which runs on whichever thread happens to allocate: a task whose call was its own method (the
overview, the export) was freed that way, its QObject deleted on another task's thread while
the GUI thread used it, and its runner on the GUI thread (a segmentation fault seen once in
CI). The runner keeps the call only while it runs (a task's own method weakly, so a task never
started holds no cycle either). A task let go on another thread all the same (a collection
there freed a widget cycle holding it) is kept until the GUI thread's next ``_prune``.

``run_in_background(parent, text, call, on_done, on_failed)`` starts a task with a
window-modal busy dialog (after 300 ms); ``on_done(result)`` or ``on_failed(exc)`` then runs on
the GUI thread. The task is kept on ``parent._ylt_task`` until it ends, so tests can wait for
it (``qtbot.waitUntil(lambda: not task_running(parent))``).
"""

from __future__ import annotations

import atexit
import threading
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

# Every task whose thread may still run: pruned at each start, waited for at exit.
_RUNNING: set[BackgroundTask] = set()
# Tasks let go on another thread (a collection there freed what held them: a widget in a
# reference cycle, say): kept until the GUI thread lets them go (``_prune``, at every start).
_ORPHANS: list[BackgroundTask] = []


def _prune() -> None:
    for task in [t for t in _RUNNING if t.thread.isFinished()]:
        task.thread.wait()
        _RUNNING.discard(task)
    _ORPHANS.clear()  # freed here, on the GUI thread


@atexit.register
def _stop_all() -> None:
    for task in list(_RUNNING):
        task.cancel()
    for task in list(_RUNNING):
        task.thread.wait()
    _RUNNING.clear()
    _ORPHANS.clear()


class _Runner(QObject):
    """Lives on the task's thread: runs the call there and says how it ended (queued)."""

    progress = Signal(int, int)
    ended = Signal(str, object)  # "done" / "failed" / "cancelled", the result or exception

    def __init__(
        self,
        call: Callable[[], Any] | weakref.WeakMethod,
        quiet: tuple[type[BaseException], ...],
    ) -> None:
        super().__init__()
        self.call: Callable[[], Any] | weakref.WeakMethod | None = call
        self.quiet = quiet

    @Slot()
    def run(self) -> None:
        # Nothing of the work stays on the runner once it has started (see the module's doc).
        call, self.call = self.call, None
        if isinstance(call, weakref.WeakMethod):
            call = call()  # its task is alive: ``_RUNNING`` holds it until the thread ends
        try:
            if call is None:
                raise RuntimeError("后台任务已被释放")
            result = call()
        except self.quiet:
            self.ended.emit("cancelled", None)
        except Exception as exc:  # shown by the owner (Chinese refusal or show_error)
            self.ended.emit("failed", exc)
        else:
            self.ended.emit("done", result)
        finally:
            self.thread().quit()


class BackgroundTask(QObject):
    """Runs ``call()`` on ``self.thread``; all its signals are emitted on the GUI thread."""

    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    #: Exceptions that mean the call stopped because it was cancelled: ``cancelled`` is
    #: emitted instead of ``failed``.
    cancelled_by: tuple[type[BaseException], ...] = ()

    def __init__(self, call: Callable[[], Any]) -> None:
        super().__init__()
        self._cancel = threading.Event()
        self.thread = QThread()
        if getattr(call, "__self__", None) is self:  # the task's own method: held weakly
            call = weakref.WeakMethod(call)
        self._runner = _Runner(call, self.cancelled_by)
        self._runner.moveToThread(self.thread)
        self.thread.started.connect(self._runner.run)
        # Not ``thread.finished -> runner.deleteLater``: deleted by its ending thread, which
        # holds a Qt lock while PySide waits there for the GIL, the runner deadlocked a GUI
        # thread holding the GIL and waiting for that lock (seen in moveToThread). The runner
        # goes with its task, on the GUI thread, its thread ended.
        # Bound slots of this GUI-thread object: queued from the task's thread.
        self._runner.progress.connect(self._relay_progress)
        self._runner.ended.connect(self._relay_end)

    def __del__(self) -> None:
        # Freed on another thread: its QObjects (the task, its QThread) live on the GUI
        # thread and must not be deleted here; resurrected, the GUI thread frees it.
        if threading.current_thread() is not threading.main_thread():
            _ORPHANS.append(self)

    def start(self) -> None:
        _prune()
        _RUNNING.add(self)
        self.thread.start()

    def cancel(self) -> None:
        """Ask the call to stop (it polls ``is_cancelled``); safe from any thread."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def report_progress(self, done: int, total: int) -> None:
        """Called by the work on the task's thread; ``progress`` follows on the GUI thread."""
        self._runner.progress.emit(done, total)

    def running(self) -> bool:
        return self.thread.isRunning()

    @Slot(int, int)
    def _relay_progress(self, done: int, total: int) -> None:
        self.progress.emit(done, total)

    @Slot(str, object)
    def _relay_end(self, how: str, value: object) -> None:
        if how == "done":
            self.done.emit(value)
        elif how == "failed":
            self.failed.emit(value)
        else:
            self.cancelled.emit()


class _Relay(QObject):
    """The busy dialog and the callbacks of one ``run_in_background`` task."""

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
