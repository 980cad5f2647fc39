"""概览 (overview), the first page: this quarter's state at a glance and the indicators.

The state: whether the quarter is submitted (locked), which members' operating figures are
still missing, the pre-export check's count of errors and warnings. Then 表7 (本季度,
本年累计, 目标, 达标) and one chart per indicator over the last eight quarters against its
target line (``widgets/chart.py``, drawn with QPainter). Its data are computed by an
``OverviewWorker`` on its own thread with its own database session (the indicators and the
whole pre-export check take seconds on a large database and must not freeze the window),
after the page is shown and again whenever it is shown after a change elsewhere. The
indicators show as soon as they are computed (``indicators_shown``); the state line says the
check runs until its counts arrive (``computed``). Only the newest computation's result is
shown; an older one still running when the quarter changes or the page reloads is told to
stop and its result is dropped.

A start on unchanged data shows the overview saved last time (``overview_snapshot.py``)
before the database is even opened: the page is built without a database
(``show_snapshot``), then ``set_database`` attaches it and recomputes only when the data
moved since.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.model import Cancelled
from ylt_desktop.ui.background import BackgroundTask
from ylt_desktop.ui.pages.overview_snapshot import OverviewView
from ylt_desktop.ui.widgets.chart import LineChart
from ylt_desktop.ui.widgets.quarter_box import QuarterBox

if TYPE_CHECKING:
    from ylt_desktop.store.db import Database

# Nothing here imports the store at module level: the page can show a saved overview before
# SQLAlchemy is imported (app.py).

MAX_LISTED = 6
log = logging.getLogger(__name__)


@dataclass
class OverviewState:
    """What one computation found: the quarter's indicators, lock state and check items
    (``items`` None: the check still runs)."""

    generation: int
    quarter: Quarter
    data: Any  # returns.indicators.QuarterIndicators
    locked: bool
    items: list | None  # returns.check.CheckItem
    view: OverviewView


def view_of(quarter: Quarter, data: Any, locked: bool, items: list | None) -> OverviewView:
    """What the page shows of a computation, as plain data (also what a snapshot keeps)."""
    from ylt_desktop.returns.indicators import result_rows

    missing = data.missing()
    errors = None if items is None else sum(1 for i in items if i.is_error)
    return OverviewView(
        quarter=str(quarter),
        locked=locked,
        rows=result_rows(data.results),
        charts=[
            {
                "title": c.spec.name,
                "unit": c.spec.unit,
                "labels": list(c.labels),
                "values": list(c.values),
                "target": c.target,
                "target_label": c.target_label,
            }
            for c in data.charts
        ],
        missing=[[u.name, len(gaps)] for u, gaps in missing[:MAX_LISTED]],
        missing_count=len(missing),
        any_units=bool(data.units),
        county_missing=list(data.county_missing()),
        errors=errors,
        warnings=None if items is None else len(items) - errors,
    )


class OverviewWorker(BackgroundTask):
    """Computes an ``OverviewState`` on its own thread (a ``BackgroundTask``: kept alive while
    it runs, signals on the GUI thread); emits ``indicators(state)`` (without the check's
    items) and then ``done(state)``, or ``failed_at(generation, exc)``, or nothing more once
    cancelled. ``snapshot``: (database file, UI language) whose overview snapshot is written
    when done with the data unchanged throughout, or None."""

    failed_at = Signal(int, object)
    indicators = Signal(object)
    _found = Signal(object)  # emitted on the task's thread, relayed on the GUI thread
    cancelled_by = (Cancelled,)

    def __init__(
        self,
        db: Database,
        quarter: Quarter,
        generation: int,
        snapshot: tuple[Path, str] | None = None,
    ) -> None:
        super().__init__(self._compute)
        self.db, self.quarter, self.generation = db, quarter, generation
        self.snapshot = snapshot
        self.failed.connect(self._failed_at)
        # A bound slot of this GUI-thread object: queued from the task's thread.
        self._found.connect(self._relay_indicators)

    @Slot(object)
    def _failed_at(self, exc: BaseException) -> None:
        self.failed_at.emit(self.generation, exc)

    @Slot(object)
    def _relay_indicators(self, state: OverviewState) -> None:
        self.indicators.emit(state)

    def _compute(self) -> OverviewState:
        from ylt_desktop.returns import indicators
        from ylt_desktop.returns.check import check_quarter, saved_cover_fields
        from ylt_desktop.returns.model import check_cancel
        from ylt_desktop.store.quarters import is_locked
        from ylt_desktop.store.snapshot_key import fingerprint

        cancel = self.is_cancelled
        q = self.quarter
        # One day for the check and the snapshot's key, even when this runs past midnight.
        today = dt.date.today()
        # A session of this thread: SQLite connections never cross threads.
        with self.db.session() as s:
            before = fingerprint(s) if self.snapshot else None
            # A member's database (成员库): its own unit's 表7, as its own return prints it.
            data = indicators.quarter_indicators(
                s, q, chart_quarters=indicators.CHART_QUARTERS, own_part=True
            )
            check_cancel(cancel)
            locked = is_locked(s, q)
            view = view_of(q, data, locked, None)
            self._found.emit(OverviewState(self.generation, q, data, locked, None, view))
            items = check_quarter(
                s, q, cover_fields=saved_cover_fields(s), cancel=cancel, today=today
            )
            view = view_of(q, data, locked, items)
            after = fingerprint(s) if before is not None else None
        if before is not None and after == before:  # nothing written while computing
            self._save(before, view, today)
        return OverviewState(self.generation, q, data, locked, items, view)

    def _save(self, fingerprint: Any, view: OverviewView, today: dt.date) -> None:
        from ylt_desktop.ui.pages.overview_snapshot import save_snapshot, snapshot_key

        path, lang = self.snapshot
        save_snapshot(path, snapshot_key(fingerprint, view.quarter, lang=lang, today=today), view)


def snapshot_target(db: Any) -> Path | None:
    """The database file next to which the overview is kept: SQLite files only."""
    path = getattr(db, "path", None)
    if path is None or getattr(db, "on_server", False):
        return None
    return Path(path)


def ui_language() -> str:
    """The language the program was started in (``app.main`` sets it; tests: Chinese)."""
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    lang = app.property("ylt_lang") if app is not None else None
    return lang if isinstance(lang, str) and lang else "zh_CN"


class OverviewPage(QWidget):
    changed = Signal()
    indicators_shown = Signal()  # the indicators are shown; the check's counts may follow
    computed = Signal()  # everything is shown, the check's counts too (tests wait for it)
    failed_to_compute = Signal()  # a computation failed (its line says so)

    def __init__(self, db: Database | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._token: object = None
        self.data = None  # the newest computation's QuarterIndicators (None from a snapshot)
        self.view: OverviewView | None = None  # what the page shows
        self.from_snapshot = False  # shown from a saved snapshot, not computed in this run
        self._snapshot_key: dict | None = None
        self._generation = 0
        self._answered = 0  # the generation whose result (or failure) was shown last
        self._workers: list[OverviewWorker] = []
        self.quarter_box = QuarterBox(self)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("指标"),
                self.tr("本季度"),
                self.tr("本年累计"),
                self.tr("同比"),
                self.tr("目标"),
                self.tr("达标"),
            ]  # fmt: skip
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.charts: list[LineChart] = []
        self.chart_grid = QGridLayout()
        charts = QWidget()
        charts.setLayout(self.chart_grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.state)
        inner.addWidget(self.table)
        inner.addWidget(charts)
        scroll.setWidget(body)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("概览　季度：")))
        top.addWidget(self.quarter_box)
        top.addStretch(1)
        self.targets_button = QPushButton(self.tr("设置目标…"))
        self.targets_button.clicked.connect(self.edit_targets)
        top.addWidget(self.targets_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.body = body
        self.state.setText(self.tr("正在计算…"))
        self.quarter_box.currentIndexChanged.connect(self.refresh)
        if db is not None:
            self._gate()
        else:  # a snapshot shown before the database opens: nothing to change yet
            self.quarter_box.setEnabled(False)
            self.targets_button.setEnabled(False)

    def _gate(self) -> None:
        from ylt_desktop.domain.roles import Permission
        from ylt_desktop.ui.widgets.permissions import gate

        self.targets_button.setEnabled(True)
        self.targets_button.setToolTip("")
        gate(self.targets_button, self.db, Permission.MANAGE_TARGETS)  # 管理员 only, says why

    @property
    def busy(self) -> bool:
        """Whether the newest computation is still running (its check, too)."""
        return self._answered != self._generation

    def edit_targets(self) -> None:
        from ylt_desktop.ui.dialogs.targets import TargetsDialog

        if TargetsDialog(self.db, self).exec():
            self.refresh()
            self.changed.emit()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().showEvent(event)
        QTimer.singleShot(0, self.refresh_if_changed)

    # ------------------------------------------------------------ a saved overview

    def show_snapshot(self, view: OverviewView, key: dict) -> None:
        """Show a saved overview whose ``key`` matched the database's (``app.py`` checked)."""
        self.quarter_box.blockSignals(True)
        self.quarter_box.set_quarter(Quarter.parse(view.quarter))
        self.quarter_box.blockSignals(False)
        self._snapshot_key = key
        self.from_snapshot = True
        self._show_view(view)
        self.body.setEnabled(True)
        self.indicators_shown.emit()
        self.computed.emit()

    def set_database(self, db: Database) -> None:
        """The database opened (and the user signed in): the page works as if built with it.
        A snapshot shown before stays only when the database still has its key."""
        self.db = db
        self.quarter_box.setEnabled(True)
        self._gate()
        if self._snapshot_key is not None:
            from ylt_desktop.store.snapshot_key import fingerprint
            from ylt_desktop.ui.widgets.page_support import data_token

            with db.session() as s:
                now = fingerprint(s)
            key = self._snapshot_key
            if now is not None and now.key() == {k: key[k] for k in now.key()}:
                self._token = (data_token(db), key["quarter"])
            else:
                log.info("overview snapshot outdated once the database opened: recomputed")
                self._token = None
        if self.isVisible():  # else when shown
            self.refresh_if_changed()

    # ------------------------------------------------------------ computing

    def refresh_if_changed(self) -> None:
        if self.db is None:
            return
        from ylt_desktop.ui.widgets.page_support import data_token

        token = (data_token(self.db), self.quarter_box.currentData())
        if token != self._token:
            self.refresh()

    def refresh(self) -> None:
        """Start computing the selected quarter's state; an older computation is dropped."""
        if self.db is None:
            return
        from ylt_desktop.ui.widgets.page_support import data_token

        q = self.quarter_box.quarter()
        self._token = (data_token(self.db), str(q))
        self._generation += 1
        for worker in self._workers:
            worker.cancel()
        worker = OverviewWorker(self.db, q, self._generation, self._snapshot_for(q))
        # Bound slots of this page (the worker's signals come on the GUI thread).
        worker.indicators.connect(self._indicators)
        worker.done.connect(self._computed)
        worker.failed_at.connect(self._failed)
        worker.thread.finished.connect(self._reap)
        self._workers.append(worker)
        self.state.setText(f"<b>{q.label}</b>　" + self.tr("正在计算…"))
        self.body.setEnabled(False)
        worker.start()

    def _snapshot_for(self, quarter: Quarter) -> tuple[Path, str] | None:
        """Where to keep this computation's result: the quarter a start opens on only."""
        path = snapshot_target(self.db)
        if path is None or quarter != Quarter.last_finished(dt.date.today()):
            return None
        return path, ui_language()

    def _indicators(self, state: OverviewState) -> None:
        if state.generation != self._generation:  # the quarter changed or the page reloaded
            return
        self.data = state.data
        self.from_snapshot = False
        self._show_view(state.view)
        self.body.setEnabled(True)
        self.indicators_shown.emit()

    def _computed(self, state: OverviewState) -> None:
        if state.generation != self._generation:  # the quarter changed or the page reloaded
            return
        self._answered = state.generation
        self.data = state.data
        self.from_snapshot = False
        self._show_view(state.view)
        self.body.setEnabled(True)
        self.computed.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        log.error("overview computation failed", exc_info=exc)
        if generation != self._generation:
            return
        self._answered = generation
        self._token = None  # try again when shown next
        self.state.setText(self.tr("概览计算失败，详情已写入日志。"))
        self.body.setEnabled(True)
        self.failed_to_compute.emit()

    def _reap(self) -> None:
        """Forget the workers whose thread has ended."""
        for worker in [w for w in self._workers if w.thread.isFinished()]:
            worker.thread.wait()
            self._workers.remove(worker)

    def stop_work(self) -> None:
        """Cancel every running computation and wait for its thread (the window is closing)."""
        self._generation += 1  # nothing still queued is shown
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            worker.thread.wait()
        self._workers.clear()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        self.stop_work()
        super().closeEvent(event)

    # ------------------------------------------------------------ drawing

    def _show_view(self, view: OverviewView) -> None:
        self.view = view
        self._show_state(view)
        self._show_table(view.rows)
        self._show_charts(view.charts)

    def _show_state(self, view: OverviewView) -> None:
        q = Quarter.parse(view.quarter)
        lines = [
            f"<b>{q.label}</b>　"
            + (self.tr("已报送（已锁定）") if view.locked else self.tr("未报送")),
        ]
        if view.errors is None:
            lines.append(self.tr("报表检查：正在检查…"))
        else:
            lines.append(
                self.tr("报表检查：%1 个错误，%2 个警告")
                .replace("%1", str(view.errors))
                .replace("%2", str(view.warnings))
            )
        if view.missing:
            shown = [f"{name}（{gaps} 项）" for name, gaps in view.missing[:MAX_LISTED]]
            more = self.tr("等") if view.missing_count > MAX_LISTED else ""
            lines.append(
                self.tr("运行指标未填全：%1 家成员单位：").replace("%1", str(view.missing_count))
                + "、".join(shown)
                + more
            )
        elif view.any_units:
            lines.append(self.tr("各成员单位运行指标已填全"))
        if view.county_missing:
            lines.append(self.tr("县域运行指标未填：") + "、".join(view.county_missing))
        self.state.setText("<br>".join(lines))

    def _show_table(self, rows: list[dict[str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            name = row["name"] + (f"（{row['basis']}）" if row["basis"] else "")
            for c, text in enumerate(
                (name, row["quarter"], row["ytd"], row["yoy"], row["target"], row["met"])
            ):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setFixedHeight(
            self.table.horizontalHeader().height()
            + 4
            + sum(self.table.rowHeight(r) for r in range(len(rows)))  # fmt: skip
        )

    def _show_charts(self, charts: list[dict[str, Any]]) -> None:
        while len(self.charts) < len(charts):
            chart = LineChart()
            self.chart_grid.addWidget(chart, len(self.charts) // 2, len(self.charts) % 2)
            self.charts.append(chart)
        for chart, spec in zip(self.charts, charts, strict=False):
            chart.title, chart.unit = spec["title"], spec["unit"]
            chart.set_data(spec["labels"], spec["values"], target=spec["target"],
                           target_label=spec["target_label"])  # fmt: skip

    def indicator_text(self, key: str, column: str = "quarter") -> str:
        """What the table shows for one indicator (tests and the status bar read it)."""
        if self.view is None:
            return ""
        return next(r[column] for r in self.view.rows if r["key"] == key)
