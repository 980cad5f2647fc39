"""A background task's Qt objects die on the right thread, at a known moment (ui/background.py).

Once, in CI, a worker died with a segmentation fault in the GUI thread while another overview
worker compiled SQL "garbage-collecting": a task whose call was its own method (the overview,
the export, the import) was a reference cycle (task -> runner -> bound method -> task), so
only the cyclic collector freed it, on whichever thread allocated at that moment: often
another task's thread, which then deleted the old task's QObject (a GUI-thread object) while
the GUI thread deleted the page connected to it. Tasks are now freed by reference counting
where their last holder lets them go (the GUI thread), their runner with them. The
collections below are deterministic stand-ins for the one that ran on the worker thread.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import weakref
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject, Qt, QThread

from tests.helpers.people import consortium
from ylt_desktop.collector import paused
from ylt_desktop.domain.figures import CountyFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import figures as store
from ylt_desktop.ui import background
from ylt_desktop.ui.background import BackgroundTask
from ylt_desktop.ui.pages.overview import OverviewPage, OverviewWorker

Q = Quarter.last_finished(dt.date.today())
WAIT = 20_000  # ms a wait takes at most (a failing test, never a passing one, reaches it)


@pytest.fixture
def ids(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        found = consortium(s)
        store.save_figures(s, quarter=Q, county=CountyFigures(county_visits=20000))
    return found


no_automatic_collection = paused
"""Only reference counting frees anything here (``gc.collect()`` still works)."""


def where_destroyed(obj: QObject, own_thread: QThread | None = None) -> list[str]:
    """Filled with where ``obj``'s C++ object is destroyed: "gui", "own thread" (the thread
    ``own_thread`` runs) or "another thread". The recorder keeps no reference to ``obj``."""
    found: list[str] = []

    def record(*_args: object) -> None:
        if threading.current_thread() is threading.main_thread():
            found.append("gui")
        elif own_thread is not None and QThread.currentThread() is own_thread:
            found.append("own thread")
        else:
            found.append("another thread")

    obj.destroyed.connect(record, Qt.ConnectionType.DirectConnection)
    return found


def collect_on_a_task_thread(qtbot) -> None:  # noqa: ANN001
    """A full collection on a background task's thread, as an overview worker's allocations
    (compiling SQL) set one off in CI."""
    collector = BackgroundTask(gc.collect)
    with qtbot.waitSignal(collector.done, timeout=WAIT):
        collector.start()
    qtbot.waitUntil(collector.thread.isFinished, timeout=WAIT)


@pytest.mark.qt_log_level_fail("WARNING")
def test_a_finished_overview_worker_dies_on_the_gui_thread_not_in_another_threads_collection(
    qtbot, db, ids
) -> None:  # noqa: ANN001
    """The CI ordering: a page computed and was closed, its worker let go; then a collection
    runs on another task's thread. The worker was freed by that collection, its QObject and
    QThread destroyed on that thread (failed before); now it is freed as it is let go, on the
    GUI thread, and the collection finds nothing of it."""
    page = OverviewPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.computed, timeout=WAIT):
        page.refresh()
        (worker,) = page._workers  # before its end: the page then lets it go (_reap)
    qtbot.waitUntil(worker.thread.isFinished, timeout=WAIT)
    gone = weakref.ref(worker)
    task_at = where_destroyed(worker)
    qthread_at = where_destroyed(worker.thread)
    del worker
    with no_automatic_collection():
        page.close()  # stop_work: the page lets its workers go
        background._prune()  # noqa: SLF001 - as the next start does
        collect_on_a_task_thread(qtbot)
        assert task_at == ["gui"] and qthread_at == ["gui"], (task_at, qthread_at)
        assert gone() is None


@pytest.mark.qt_log_level_fail("WARNING")
def test_a_worker_let_go_while_its_thread_runs_is_freed_on_the_gui_thread_once_it_ends(
    qtbot, db, ids, monkeypatch
) -> None:  # noqa: ANN001
    """A page deleted during the computation: the running worker is kept (``_RUNNING``), and
    the next start's prune frees it on the GUI thread, not a later collection elsewhere."""
    from ylt_desktop.returns import indicators

    entered, release = threading.Event(), threading.Event()
    real = indicators.quarter_indicators

    def held(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        entered.set()
        release.wait(WAIT / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(indicators, "quarter_indicators", held)
    page = OverviewPage(db)
    page.refresh()
    qtbot.waitUntil(entered.is_set, timeout=WAIT)
    (worker,) = page._workers
    gone = weakref.ref(worker)
    task_at = where_destroyed(worker)
    thread = worker.thread
    with qtbot.waitSignal(page.destroyed, timeout=WAIT):
        page.deleteLater()
    del page
    with no_automatic_collection():
        with qtbot.waitSignal(worker.done, timeout=WAIT):
            release.set()
        del worker
        qtbot.waitUntil(thread.isFinished, timeout=WAIT)
        del thread
        collect_on_a_task_thread(qtbot)  # its start prunes the ended worker
        assert task_at == ["gui"], task_at
        assert gone() is None


@pytest.mark.qt_log_level_fail("WARNING")
def test_a_task_held_by_a_cycle_collected_on_another_thread_dies_on_the_gui_thread(
    qtbot,
) -> None:  # noqa: ANN001
    """What holds a finished task may itself be cyclic garbage (the 季度报表 page keeps its
    export, and pages sit in cycles): a collection on another thread frees the holder, the
    task is kept (it was destroyed on that thread before) and the GUI thread's next start
    frees it."""

    class Holder:  # a widget in a reference cycle, holding its task
        pass

    task = BackgroundTask(lambda: 1)
    with qtbot.waitSignal(task.done, timeout=WAIT):
        task.start()
    qtbot.waitUntil(task.thread.isFinished, timeout=WAIT)
    holder = Holder()
    holder.me, holder.task = holder, task
    gone = weakref.ref(task)
    task_at = where_destroyed(task)
    qthread_at = where_destroyed(task.thread)
    del task, holder
    with no_automatic_collection():
        background._prune()  # noqa: SLF001
        assert gone() is not None  # only the cycle holds it
        collect_on_a_task_thread(qtbot)
        assert task_at == [] and qthread_at == [], (task_at, qthread_at)
        background._prune()  # noqa: SLF001 - as the next start does
        assert task_at == ["gui"] and qthread_at == ["gui"]
        assert gone() is None


@pytest.mark.parametrize("kind", ["overview", "export", "import"])
def test_a_task_whose_call_is_its_own_method_holds_no_cycle(db, tmp_path, kind) -> None:  # noqa: ANN001
    """Even never started: dropped, it is freed at once (was: only by a collection)."""
    from ylt_desktop.ui.dialogs.importing import ImportWorker
    from ylt_desktop.ui.export_worker import ExportWorker

    make: dict[str, Callable[[], BackgroundTask]] = {
        "overview": lambda: OverviewWorker(db, Q, 1),
        "export": lambda: ExportWorker(db, Q, tmp_path),
        "import": lambda: ImportWorker(db, "staff", tmp_path / "人员.xlsx"),
    }
    with no_automatic_collection():
        task = make[kind]()
        task_at = where_destroyed(task)
        gone = weakref.ref(task)
        del task
        assert gone() is None and task_at == ["gui"]


@pytest.mark.qt_log_level_fail("WARNING")
def test_the_runner_goes_with_its_task_on_the_gui_thread_after_its_thread_ended(qtbot) -> None:  # noqa: ANN001
    """Not deleted by its ending thread (``thread.finished -> deleteLater``): PySide waits
    there for the GIL under a Qt lock, which deadlocked a GUI thread holding the GIL and
    waiting for that lock (seen once under stress with that design)."""
    task = BackgroundTask(lambda: 42)
    thread = task.thread
    runner_at = where_destroyed(task._runner, thread)  # noqa: SLF001
    with qtbot.waitSignal(task.done, timeout=WAIT) as blocker:
        task.start()
    assert blocker.args == [42]
    qtbot.waitUntil(thread.isFinished, timeout=WAIT)
    assert runner_at == []
    with no_automatic_collection():
        background._prune()  # noqa: SLF001
        del task
        assert runner_at == ["gui"]


def test_the_runner_keeps_nothing_of_the_work_once_it_has_run(qtbot) -> None:  # noqa: ANN001
    """What the call holds (here a large object) is let go when the work ends, even while
    the finished task itself is still held by its owner."""

    class Big:
        pass

    big = Big()
    gone = weakref.ref(big)
    task = BackgroundTask(lambda b=big: id(b))
    del big
    with no_automatic_collection():
        with qtbot.waitSignal(task.done, timeout=WAIT):
            task.start()
        qtbot.waitUntil(task.thread.isFinished, timeout=WAIT)
        assert gone() is None
