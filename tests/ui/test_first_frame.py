"""What follows the first paint (the log file, the database, the saved overview: app.main)
runs once the window's first frame is painted, not from a zero-delay timer, which ran before
that frame (a platform paints when its queue is otherwise empty); a window never painted
runs it all the same, later."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtCore import QTimer

from ylt_desktop.ui.main_window import MainWindow


def test_the_work_after_the_paint_follows_the_first_frame(qtbot) -> None:  # noqa: ANN001
    w = MainWindow()
    qtbot.addWidget(w)
    events: list[str] = []
    original = w.paintEvent

    def painting(event) -> None:  # noqa: ANN001
        events.append("paint")
        original(event)

    w.paintEvent = painting  # the instance's, called by PySide6 for Qt's virtual
    w.show_opening()
    w.show()
    QTimer.singleShot(0, lambda: events.append("zero timer"))
    w.after_first_paint(lambda: events.append("after paint"))
    qtbot.waitUntil(lambda: "after paint" in events, timeout=5000)
    assert events.index("paint") < events.index("after paint"), events
    assert events.index("zero timer") < events.index("paint"), events  # why the hook exists
    assert events.count("after paint") == 1
    w.update()
    qtbot.waitUntil(lambda: events.count("paint") >= 2, timeout=5000)
    # A timer started after that paint runs after any the paint started: by then a second
    # run would have happened.
    QTimer.singleShot(0, lambda: events.append("marker"))
    qtbot.waitUntil(lambda: "marker" in events, timeout=5000)
    assert events.count("after paint") == 1


def test_a_window_never_painted_runs_it_all_the_same(qtbot) -> None:  # noqa: ANN001
    w = MainWindow()
    qtbot.addWidget(w)
    ran: list[bool] = []
    w.after_first_paint(lambda: ran.append(True), at_the_latest_ms=50)  # never shown
    qtbot.waitUntil(lambda: ran == [True], timeout=5000)


# app.main with the database's opening replaced: whether the garbage collector runs while the
# window is built, and once its first frame is painted (and whether the start's objects were
# set aside), then at the program's end.
GC_PROBE = """
import gc, json, sys
from ylt_desktop import app
from ylt_desktop.ui import main_window
seen = {}
build = main_window.MainWindow.__init__
def building(self, *args, **kwargs):
    seen["building"] = gc.isenabled()
    build(self, *args, **kwargs)
main_window.MainWindow.__init__ = building
def opening(qapp, window, args):
    seen["after paint"] = gc.isenabled()
    seen["frozen"] = gc.get_freeze_count()
    qapp.quit()
app._open_into = opening
seen["code"] = app.main(["--db", sys.argv[1]])
seen["at the end"] = gc.isenabled()
print(json.dumps(seen))
"""


def test_no_garbage_collection_before_the_first_frame_and_again_after_it(tmp_path) -> None:
    """app.main holds the collector off while it builds the window (its passes freed nothing
    and cost the start ~4 ms) and enables it once the frame is painted: left off, cycles
    would pile up for the whole session."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, str(tmp_path / "ylt.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["building"] is False
    assert seen["after paint"] is True
    assert seen["frozen"] > 1000  # the modules, the enums and the window: set aside
    assert seen["code"] == 0
    assert seen["at the end"] is True


# ``python -m ylt_desktop`` with app.main and the self-test replaced: the collector's state
# when main is called, and when the self-test (no window) runs from app.main.
GC_ENTRY_PROBE = """
import gc, json, runpy, sys
from ylt_desktop import app, selftest
seen = {}
def main():
    seen["main"] = gc.isenabled()
    selftest.run = lambda: seen.setdefault("self-test", gc.isenabled()) and 0
    app.main.__wrapped__(["--self-test"])
    print(json.dumps(seen))
    return 0
main.__wrapped__ = app.main
app.main = main
sys.argv = ["ylt_desktop"]
runpy.run_module("ylt_desktop", run_name="__main__")
"""


def test_the_collector_is_held_off_from_the_entry_point_but_not_for_the_self_test() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", GC_ENTRY_PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen == {"main": False, "self-test": True}


def test_the_first_page_brings_the_status_labels_and_the_placeholders(qtbot, demo_db) -> None:  # noqa: ANN001
    """The first frame shows the opening message only: the status bar's labels and the
    stack's placeholders are made with the first page (``attach``), after the paint; the
    labels then show, not left hidden as a widget added under the message would be."""
    w = MainWindow()
    qtbot.addWidget(w)
    w.show_opening()
    w.show()
    qtbot.waitExposed(w)
    assert w.path_label is None and w.stack.count() == 0  # nothing of the kind before
    w.attach(demo_db)
    assert w.stack.count() == len(w.titles())
    assert w.stack.currentWidget() is w.pages["概览"]
    qtbot.waitUntil(lambda: w.path_label.isVisible() and w.path_label.width() > 0)
    assert str(demo_db.path) in w.path_label.text()
    assert w.count_label.isVisible()
    assert w.statusBar().currentMessage() == ""
