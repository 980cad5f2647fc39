"""The 概览 page computes on a worker thread: the window stays responsive, only the newest
result is shown, closing the window while it runs ends cleanly, and what it says agrees with
``ylt check``."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from tests.helpers.people import consortium
from ylt_desktop.cli import main as cli_main
from ylt_desktop.domain.figures import CountyFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns import indicators
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.returns.model import Cancelled
from ylt_desktop.store import figures as store
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages.overview import OverviewPage

Q = Quarter.last_finished(dt.date.today())
WAIT = 10.0  # seconds a gate waits at most (a failing test, never a passing one, reaches it)


@pytest.fixture
def ids(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        found = consortium(s)
        store.save_figures(s, quarter=Q, county=CountyFigures(county_visits=20000))
    return found


class Gate:
    """Holds ``quarter_indicators`` on the worker thread for the quarters in ``held``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, held: set[Quarter]) -> None:
        self.held = held
        self.entered = threading.Event()
        self.release = threading.Event()
        self.released_in_time: list[bool] = []
        self.calls: list[Quarter] = []
        real = indicators.quarter_indicators

        def gated(session, quarter, **kwargs):  # noqa: ANN001, ANN003, ANN202
            self.calls.append(quarter)
            if quarter in self.held:
                self.entered.set()
                self.released_in_time.append(self.release.wait(WAIT))
            return real(session, quarter, **kwargs)

        monkeypatch.setattr(indicators, "quarter_indicators", gated)


def test_the_state_shows_once_the_worker_is_done(qtbot, db, ids) -> None:  # noqa: ANN001
    page = OverviewPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.computed, timeout=WAIT * 1000):
        page.refresh()
        assert page.busy and "正在计算…" in page.state.text()
        assert not page.body.isEnabled()
    assert not page.busy and page.body.isEnabled()
    text = page.state.text()
    assert Q.label in text and "报表检查：" in text and "正在计算" not in text
    assert "运行指标未填全：" in text  # the consortium's members have no figures yet
    assert page.indicator_text("primary_share") == "—"
    assert page.data.quarter == Q
    qtbot.waitUntil(lambda: not page._workers)  # the finished thread is let go


def test_a_reload_during_a_computation_shows_the_newest_result_only(
    qtbot, db, ids, monkeypatch
) -> None:  # noqa: ANN001
    older = Q.prev()
    gate = Gate(monkeypatch, {older})
    page = OverviewPage(db)
    qtbot.addWidget(page)
    shown: list[Quarter] = []
    page.computed.connect(lambda: shown.append(page.data.quarter))
    page.quarter_box.set_quarter(older)  # starts the first computation, held at the gate
    qtbot.waitUntil(gate.entered.is_set)
    with qtbot.waitSignal(page.computed, timeout=WAIT * 1000):
        page.quarter_box.set_quarter(Q)  # the newest: runs while the first one waits
    assert shown == [Q]
    gate.release.set()
    qtbot.waitUntil(lambda: not page._workers)  # the older worker has ended too
    qtbot.wait(0)  # let any queued result of the older worker arrive
    assert shown == [Q] and page.data.quarter == Q
    assert Q.label in page.state.text() and older.label not in page.state.text()
    assert gate.calls == [older, Q]
    assert gate.released_in_time == [True]


def test_a_reload_of_the_same_quarter_drops_the_older_result(qtbot, db, ids, monkeypatch) -> None:  # noqa: ANN001
    gate = Gate(monkeypatch, {Q})
    page = OverviewPage(db)
    qtbot.addWidget(page)
    shown: list[int] = []
    page.computed.connect(lambda: shown.append(page._generation))
    page.refresh()  # held at the gate
    qtbot.waitUntil(gate.entered.is_set)
    gate.held.clear()
    with qtbot.waitSignal(page.computed, timeout=WAIT * 1000):
        page.refresh()  # the page reloads (a change elsewhere): this one runs through
    assert shown == [2]
    gate.release.set()
    qtbot.waitUntil(lambda: not page._workers)
    qtbot.wait(0)
    assert shown == [2]  # the first computation's result was dropped
    assert gate.calls == [Q, Q] and gate.released_in_time == [True]


def test_closing_the_window_while_the_worker_runs(qtbot, db, ids, monkeypatch) -> None:  # noqa: ANN001
    window = MainWindow(db)
    qtbot.addWidget(window)
    page = window.pages["概览"]
    cancelled = threading.Event()
    real = indicators.quarter_indicators
    entered = threading.Event()

    def held(session, quarter, **kwargs):  # noqa: ANN001, ANN003, ANN202
        entered.set()
        # Waits for the cancel the closing window sends (at most WAIT seconds).
        if page._workers[-1]._cancel.wait(WAIT):
            cancelled.set()
        return real(session, quarter, **kwargs)

    monkeypatch.setattr(indicators, "quarter_indicators", held)
    window.show()
    page.refresh()
    qtbot.waitUntil(entered.is_set)
    workers = list(page._workers)
    assert workers and any(w.thread.isRunning() for w in workers)
    window.close()  # returns once every worker thread has ended
    assert cancelled.is_set()  # ended by the cancel, not by the gate's time limit
    assert all(w.thread.isFinished() for w in workers)
    assert not page._workers
    qtbot.wait(0)
    assert "正在计算…" in page.state.text()  # nothing was shown after the close


@pytest.mark.qt_log_level_fail("WARNING")  # the worker's done comes on the GUI thread
def test_a_page_deleted_while_its_worker_runs(qtbot, db, ids, monkeypatch) -> None:  # noqa: ANN001
    """The worker outlives its page without a crash; its result goes nowhere."""
    import gc

    from ylt_desktop.ui import background

    gate = Gate(monkeypatch, {Q})
    page = OverviewPage(db)
    page.refresh()
    qtbot.waitUntil(gate.entered.is_set)
    (worker,) = page._workers
    with qtbot.waitSignal(page.destroyed):
        page.deleteLater()
    del page
    gc.collect()
    assert worker in background._RUNNING  # kept: a running QThread must not be destroyed
    with qtbot.waitSignal(worker.done, timeout=WAIT * 1000):
        gate.release.set()
    qtbot.waitUntil(worker.thread.isFinished)
    background._prune()  # as the next start does
    assert worker not in background._RUNNING


def test_the_check_can_be_cancelled(db, ids) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(Cancelled):
        check_quarter(s, Q, cancel=lambda: True)
    with db.session() as s:
        assert check_quarter(s, Q, cancel=lambda: False)


def _numbers(text: str) -> tuple[int, int]:
    found = re.search(r"(\d+) 个错误，(\d+) 个警告", text)
    assert found, text
    return int(found[1]), int(found[2])


def test_the_overview_agrees_with_ylt_check(qtbot, demo_db, capsys) -> None:  # noqa: ANN001
    """The demo's quarters, the one the overview opens on and today's: the same error and
    warning counts as ``ylt check`` (with the cover the 季度报表 page saved), and the same
    members missing figures."""
    from ylt_desktop.store.settings import set_setting

    with demo_db.session() as s:  # a saved cover without a 填表人: one warning more on both
        set_setting(s, key="return.cover", value={"unit_head": "张三", "preparer": ""})
    page = OverviewPage(demo_db)
    qtbot.addWidget(page)
    opened = page.quarter_box.quarter()
    found = []
    for quarter in (opened, Quarter.containing(dt.date.today())):
        with qtbot.waitSignal(page.computed, timeout=60_000):
            if page.quarter_box.quarter() == quarter:
                page.refresh()
            else:
                page.quarter_box.set_quarter(quarter)
        assert page.data.quarter == quarter
        cli_main(["check", "--quarter", str(quarter), "--db", str(demo_db.path)])
        out = capsys.readouterr().out
        summary = out.splitlines()[0]
        assert summary.startswith(quarter.label)
        assert _numbers(page.state.text()) == _numbers(summary)
        assert "封面“填表人”未填写" in out
        overview_missing = {u.name for u, _gaps in page.data.missing()}
        check_missing = set(re.findall(r"成员单位“([^”]+)”\S*运行指标未填写", out))
        nobody = re.search(r"尚未填写运行指标（(\d+) 家成员单位）", out)
        if nobody:  # nobody has reported: the check says so in one line
            assert int(nobody[1]) == len(overview_missing) == len(page.data.units) > 0
        else:
            assert overview_missing == check_missing
        if overview_missing:
            assert f"运行指标未填全：{len(overview_missing)} 家成员单位" in page.state.text()
        else:
            assert "各成员单位运行指标已填全" in page.state.text()
        assert bool(page.data.county_missing()) == ("县域运行指标未填写" in out)
        found.append((summary, len(overview_missing), page.data.county_missing()))
    print(found)  # noqa: T201 - what the demo shows, for the record (pytest -s)
