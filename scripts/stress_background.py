"""Stress ``ui/background.py``: does a task's QObject ever die off the GUI thread?

The segmentation fault seen once in CI (issue: a crash "garbage-collecting" in the GUI thread
while an overview worker compiled SQL) came from tasks freed by the cyclic garbage collector
on whichever thread allocated. This runs pages that refresh ``BackgroundTask`` subclasses
shaped like the overview's (the call is the task's own method, the work allocates so that
collections run on the tasks' threads, signals are queued to the page), closes and replaces
pages with ``deleteLater`` as tests do, under low GC thresholds, and counts where each task's
QObject was destroyed. ``cycle``: every page also sits in a reference cycle and keeps its last
task (as 季度报表 keeps its export).

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python scripts/stress_background.py 30
    ... scripts/stress_background.py 30 50,2,2 cycle

Measured on the 2-core CI-like machine (30 s runs): before 17aa61d 5 of 15 runs died with
SIGSEGV or SIGBUS (the core: the worker thread in gc_collect_main deleting an old task's
QObject while the GUI thread, deleting a page, faulted in PySide::MetaObjectBuilder::update);
after it none of 9. Tasks destroyed off the GUI thread in 15 s runs: ``cycle`` before
17aa61d 3,417 of 3,419; at 17aa61d 299 of 2,366; from 8eceb17 (a task let go on another
thread waits for the GUI thread) 0 of 2,334, and 0 of 2,411 without ``cycle``. Prints
``destroyed off the GUI thread: N`` (must be 0) and exits 1 if not.
"""

from __future__ import annotations

import faulthandler
import gc
import sys
import threading
import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from ylt_desktop.ui.background import BackgroundTask

faulthandler.enable(all_threads=True)
app = QApplication([])
gc.set_threshold(*[int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "50,2,2").split(",")])
CYCLE = len(sys.argv) > 3 and sys.argv[3] == "cycle"
destroyed = {"gui": 0, "other": 0}


def _record(*_args: object) -> None:
    destroyed["gui" if threading.current_thread() is threading.main_thread() else "other"] += 1


class Worker(BackgroundTask):
    found = Signal(object)

    def __init__(self, n: int) -> None:
        super().__init__(self._compute)  # its own method, as the overview's
        self.n = n
        self.found.connect(self._relay)
        self.destroyed.connect(_record, Qt.ConnectionType.DirectConnection)

    def _relay(self, x: object) -> None:
        pass

    def _compute(self) -> int | None:
        junk = []
        for i in range(self.n):
            junk.append({"i": i, "l": [i] * 3, "t": (i, str(i))})  # collections run here
            if i % 500 == 0:
                self.found.emit(i)
                if self.is_cancelled():
                    return None
        return len(junk)


class Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel(self)
        self.workers: list[Worker] = []
        self.last: Worker | None = None
        if CYCLE:
            self.me = self

    def refresh(self) -> None:
        for w in self.workers:
            w.cancel()
        w = Worker(3000)
        w.done.connect(self._done)
        w.thread.finished.connect(self._reap)
        self.workers.append(w)
        if CYCLE:
            self.last = w
        w.start()

    def _done(self, r: object) -> None:
        self.label.setText(str(r))

    def _reap(self) -> None:
        for w in [w for w in self.workers if w.thread.isFinished()]:
            w.thread.wait()
            self.workers.remove(w)

    def stop(self) -> None:
        for w in self.workers:
            w.cancel()
        for w in self.workers:
            w.thread.wait()
        self.workers.clear()


def main() -> int:
    end = time.monotonic() + float(sys.argv[1] if len(sys.argv) > 1 else 30)
    pages = [Page() for _ in range(3)]
    count = [0]

    def tick() -> None:
        if time.monotonic() > end:
            for p in pages:
                p.stop()
            app.quit()
            return
        i = count[0] % len(pages)
        count[0] += 1
        pages[i].refresh()
        if count[0] % 7 == 0:  # a page closed and replaced, as a test's teardown does
            old = pages[i]
            old.stop()
            old.deleteLater()
            pages[i] = Page()
        QTimer.singleShot(1, tick)

    QTimer.singleShot(0, tick)
    app.exec()
    gc.collect()
    print(f"survived {count[0]} refreshes; tasks destroyed on the GUI thread: "
          f"{destroyed['gui']}, destroyed off the GUI thread: {destroyed['other']}")  # fmt: skip
    return 1 if destroyed["other"] else 0


if __name__ == "__main__":
    sys.exit(main())
