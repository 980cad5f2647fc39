"""概览 (overview), the first page: this quarter's state at a glance and the indicators.

The state: whether the quarter is submitted (locked), which members' operating figures are
still missing, the pre-export check's count of errors and warnings. Then 表7 (本季度,
本年累计, 目标, 达标) and one chart per indicator over the last eight quarters against its
target line (``widgets/chart.py``, drawn with QPainter). Its data are loaded after the page is
shown (the first paint of the window never waits for them) and again whenever it is shown
after a change elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
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

from ylt_desktop.store.db import Database
from ylt_desktop.ui.pages.figures import QuarterBox
from ylt_desktop.ui.widgets.chart import LineChart

MAX_LISTED = 6


class OverviewPage(QWidget):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._token: object = None
        self.data = None
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
        self.state.setText(self.tr("正在读取…"))
        self.quarter_box.currentIndexChanged.connect(self.refresh)

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
        from ylt_desktop.returns.check import check_quarter
        from ylt_desktop.returns.indicators import CHART_QUARTERS, quarter_indicators
        from ylt_desktop.store.quarters import is_locked
        from ylt_desktop.ui.widgets.page_support import data_token

        q = self.quarter_box.quarter()
        with self.db.session() as s:
            self._token = (data_token(self.db), str(q))
            data = quarter_indicators(s, q, chart_quarters=CHART_QUARTERS)
            locked = is_locked(s, q)
            items = check_quarter(s, q)
        self.data = data
        self._show_state(q, locked, items, data)
        self._show_table(data)
        self._show_charts(data)

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
