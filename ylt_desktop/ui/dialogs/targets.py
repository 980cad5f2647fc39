"""监测指标目标: the consortium's own targets of 表7 (an 管理员's task, DESIGN §5, §6).

One row per indicator that has a numeric target: value, comparison (≥, ≤, 左右), the year it
applies from, the place and the source text. A row left as the template has it stays the
default; 恢复默认 returns a row to the template's target. Saved through
``store/targets.py: set_target`` (audited; refused for a user who may not set targets).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.targets import COMPARISONS, IndicatorSpec, Target
from ylt_desktop.store.db import Database
from ylt_desktop.store.targets import default_indicators, indicator_specs, set_target

VALUE, COMPARISON, YEAR, PLACE, SOURCE = range(1, 6)


class TargetsDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle(self.tr("监测指标目标"))
        with db.session() as s:
            self.specs = [x for x in indicator_specs(s) if x.target is not None]
        self.defaults = {x.key: x.target for x in default_indicators()}
        self.table = QTableWidget(len(self.specs), 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("指标"),
                self.tr("目标值"),
                self.tr("比较"),
                self.tr("起始年份"),
                self.tr("地区"),
                self.tr("来源"),
            ]  # fmt: skip
        )
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, spec in enumerate(self.specs):
            self._fill(row, spec, spec.target)
        reset = QPushButton(self.tr("选中行恢复默认"))
        reset.clicked.connect(self.reset_selected)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("本医联体的目标值（由管理员设置；未改动的行沿用模板的默认目标）"))
        )
        layout.addWidget(self.table)
        layout.addWidget(reset)
        layout.addWidget(self.buttons)
        self.resize(900, 360)

    def _fill(self, row: int, spec: IndicatorSpec, target: Target) -> None:
        name = QTableWidgetItem(f"{spec.name}（{spec.unit}）")
        self.table.setItem(row, 0, name)
        # 15 significant digits: the dialog saves back what it shows (``:g`` kept 6, so a
        # target of 12.345678 became 12.3457 on any save, as acdb175 found in the agreements).
        self.table.setItem(row, VALUE, QTableWidgetItem(f"{target.value:.15g}"))
        combo = QComboBox()
        combo.addItems(list(COMPARISONS))
        combo.setCurrentText(target.comparison)
        self.table.setCellWidget(row, COMPARISON, combo)
        self.table.setItem(row, YEAR, QTableWidgetItem(str(target.year)))
        self.table.setItem(row, PLACE, QTableWidgetItem(target.place))
        self.table.setItem(row, SOURCE, QTableWidgetItem(target.source))

    def reset_selected(self) -> None:
        for index in self.table.selectionModel().selectedRows():
            spec = self.specs[index.row()]
            self._fill(index.row(), spec, self.defaults[spec.key])

    def row_target(self, row: int) -> dict:
        """What row ``row`` says, as the dict ``set_target`` checks (bad numbers stay text)."""

        def number(col: int, kind: type) -> object:
            text = self.table.item(row, col).text().strip()
            try:
                return kind(text)
            except ValueError:
                return text

        old = self.specs[row].target
        return {
            "value": number(VALUE, float),
            "comparison": self.table.cellWidget(row, COMPARISON).currentText(),
            "year": number(YEAR, int),
            "place": self.table.item(row, PLACE).text().strip(),
            "source": self.table.item(row, SOURCE).text().strip(),
            "tolerance": old.tolerance if old is not None else 2.0,
        }

    def save(self) -> None:
        from ylt_desktop.store.tx import all_or_nothing

        try:
            with self.db.session() as s, all_or_nothing(s):
                for row, spec in enumerate(self.specs):
                    wanted = self.row_target(row)
                    default = self.defaults[spec.key]
                    same = default is not None and wanted == default.to_json()
                    # Refused naming the indicator and the rule; nothing is saved.
                    set_target(s, key=spec.key, target=None if same else wanted)
        except RuleViolation as exc:
            QMessageBox.warning(self, self.tr("目标未保存"), str(exc))
            return
        self.accept()
