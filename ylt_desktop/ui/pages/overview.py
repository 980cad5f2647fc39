"""概览 (overview), the first page: this quarter's state at a glance and the indicators.

The state: whether the quarter is submitted (locked), which members' operating figures are
still missing, the pre-export check's count of errors and warnings. Then 表7 (本季度,
本年累计, 目标, 达标) and one chart per indicator over the last eight quarters against its
target line (``widgets/chart.py``, drawn with QPainter). Its data are computed by an
``OverviewWorker`` on its own thread with its own database session (the indicators and the
whole pre-export check take seconds on a large database and must not freeze the window),
after the page is shown and again whenever it is shown after a change elsewhere. Only the
newest computation's result is shown; an older one still running when the quarter changes
or the page reloads is told to stop and its result is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

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
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import BackgroundTask
from ylt_desktop.ui.pages.figures import QuarterBox
from ylt_desktop.ui.widgets.chart import LineChart

MAX_LISTED = 6
log = logging.getLogger(__name__)


@dataclass
class OverviewState:
    """What one computation found: the quarter's indicators, lock state and check items."""

    generation: int
    quarter: Quarter
    data: Any  # returns.indicators.QuarterIndicators
    locked: bool
    items: list  # returns.check.CheckItem


class OverviewWorker(BackgroundTask):
    """Computes an ``OverviewState`` on its own thread (a ``BackgroundTask``: kept alive while
    it runs, signals on the GUI thread); emits ``done(state)`` or ``failed_at(generation,
    exc)``, or nothing when cancelled."""

    failed_at = Signal(int, object)
    cancelled_by = (Cancelled,)

    def __init__(self, db: Database, quarter: Quarter, generation: int) -> None:
        super().__init__(self._compute)
        self.db, self.quarter, self.generation = db, quarter, generation
        self.failed.connect(self._failed_at)

    @Slot(object)
    def _failed_at(self, exc: BaseException) -> None:
        self.failed_at.emit(self.generation, exc)

    def _compute(self) -> OverviewState:
        from ylt_desktop.returns.check import check_quarter, saved_cover_fields
        from ylt_desktop.returns.indicators import CHART_QUARTERS, quarter_indicators
        from ylt_desktop.returns.model import check_cancel
        from ylt_desktop.store.quarters import is_locked

        cancel = self.is_cancelled
        # A session of this thread: SQLite connections never cross threads.
        with self.db.session() as s:
            data = quarter_indicators(s, self.quarter, chart_quarters=CHART_QUARTERS)
            check_cancel(cancel)
            locked = is_locked(s, self.quarter)
            items = check_quarter(
                s, self.quarter, cover_fields=saved_cover_fields(s), cancel=cancel
            )
        return OverviewState(self.generation, self.quarter, data, locked, items)


class OverviewPage(QWidget):
    changed = Signal()
    computed = Signal()  # a computation's result is shown (tests wait for it)
    failed_to_compute = Signal()  # a computation failed (its line says so)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._token: object = None
        self.data = None
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
        from ylt_desktop.domain.roles import Permission
        from ylt_desktop.ui.widgets.permissions import gate

        gate(self.targets_button, db, Permission.MANAGE_TARGETS)  # 管理员 only, says why
        top.addWidget(self.targets_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self.body = body
        self.state.setText(self.tr("正在计算…"))
        self.quarter_box.currentIndexChanged.connect(self.refresh)

    @property
    def busy(self) -> bool:
        """Whether the newest computation is still running."""
        return self._answered != self._generation

    def edit_targets(self) -> None:
        from ylt_desktop.ui.dialogs.targets import TargetsDialog

        if TargetsDialog(self.db, self).exec():
            self.refresh()
            self.changed.emit()

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        super().showEvent(event)
        QTimer.singleShot(0, self.refresh_if_changed)

    def refresh_if_changed(self) -> None:
        from ylt_desktop.ui.widgets.page_support import data_token

        token = (data_token(self.db), self.quarter_box.currentData())
        if token != self._token:
            self.refresh()

    def refresh(self) -> None:
        """Start computing the selected quarter's state; an older computation is dropped."""
        from ylt_desktop.ui.widgets.page_support import data_token

        q = self.quarter_box.quarter()
        self._token = (data_token(self.db), str(q))
        self._generation += 1
        for worker in self._workers:
            worker.cancel()
        worker = OverviewWorker(self.db, q, self._generation)
        # Bound slots of this page (the worker's signals come on the GUI thread).
        worker.done.connect(self._computed)
        worker.failed_at.connect(self._failed)
        worker.thread.finished.connect(self._reap)
        self._workers.append(worker)
        self.state.setText(f"<b>{q.label}</b>　" + self.tr("正在计算…"))
        self.body.setEnabled(False)
        worker.start()

    def _computed(self, state: OverviewState) -> None:
        if state.generation != self._generation:  # the quarter changed or the page reloaded
            return
        self._answered = state.generation
        self.data = state.data
        self._show_state(state.quarter, state.locked, state.items, state.data)
        self._show_table(state.data)
        self._show_charts(state.data)
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

    def _show_state(self, q, locked: bool, items: list, data) -> None:  # noqa: ANN001
        errors = sum(1 for i in items if i.is_error)
        lines = [
            f"<b>{q.label}</b>　" + (self.tr("已报送（已锁定）") if locked else self.tr("未报送")),
            self.tr("报表检查：%1 个错误，%2 个警告")
            .replace("%1", str(errors))
            .replace("%2", str(len(items) - errors)),
        ]
        missing = data.missing()
        if missing:
            shown = [f"{u.name}（{len(gaps)} 项）" for u, gaps in missing[:MAX_LISTED]]
            more = self.tr("等") if len(missing) > MAX_LISTED else ""
            lines.append(
                self.tr("运行指标未填全：%1 家成员单位：").replace("%1", str(len(missing)))
                + "、".join(shown)
                + more
            )
        elif data.units:
            lines.append(self.tr("各成员单位运行指标已填全"))
        county = data.county_missing()
        if county:
            lines.append(self.tr("县域运行指标未填：") + "、".join(county))
        self.state.setText("<br>".join(lines))

    def _show_table(self, data) -> None:  # noqa: ANN001
        from ylt_desktop.returns.indicators import result_rows

        rows = result_rows(data.results)
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

    def _show_charts(self, data) -> None:  # noqa: ANN001
        while len(self.charts) < len(data.charts):
            chart = LineChart()
            self.chart_grid.addWidget(chart, len(self.charts) // 2, len(self.charts) % 2)
            self.charts.append(chart)
        for chart, spec in zip(self.charts, data.charts, strict=False):
            chart.title, chart.unit = spec.spec.name, spec.spec.unit
            chart.set_data(spec.labels, spec.values, target=spec.target,
                           target_label=spec.target_label)  # fmt: skip

    def indicator_text(self, key: str, column: str = "quarter") -> str:
        """What the table shows for one indicator (tests and the status bar read it)."""
        from ylt_desktop.returns.indicators import result_rows

        if self.data is None:
            return ""
        return next(r[column] for r in result_rows(self.data.results) if r["key"] == key)
