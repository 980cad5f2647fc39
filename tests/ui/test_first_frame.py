"""What follows the first paint (the log file, the database, the saved overview: app.main)
runs once the window's first frame is painted, not from a zero-delay timer, which ran before
that frame (a platform paints when its queue is otherwise empty); a window never painted
runs it all the same, later."""

from __future__ import annotations

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
