"""运行指标 page: one grid per quarter (members × figures) and the county's figures.

Typed like a spreadsheet: each cell is checked as it changes (DESIGN §5's rules), a block
copied from Excel pastes with Ctrl+V, and every row without errors is saved at once (one
transaction per edit or paste), so nothing typed is lost by leaving the page. A row with an
error stays on screen, red, until it is fixed. A submitted quarter is shown read-only.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.figures import (
    COUNTY_FIELDS,
    MEMBER_FIELDS,
    CountyFigures,
    MemberFigures,
    Unit,
    validate_county_figures,
    validate_member_figures,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Problem, RuleViolation
from ylt_desktop.store import figures as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.quarters import is_locked
from ylt_desktop.store.versions import RecordChanged
from ylt_desktop.ui.widgets.figure_grid import FigureGridModel, FigureGridView
from ylt_desktop.ui.widgets.quarter_box import QuarterBox, offered_quarters  # noqa: F401


def _fit(view: FigureGridView) -> None:
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Widths from the header and the first rows (the figures are numbers of like width);
    # measuring every cell of 3,000 units took seconds. Rows keep the one line height.
    header.setResizeContentsPrecision(100)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(rows.minimumSectionSize() + view.fontMetrics().height() // 2)


class FiguresPage(QWidget):
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.units: list[Unit] = []
        # Rows typed or pasted but held back by an error (row numbers; "county" for the
        # county's row): never dropped unasked by another quarter or by closing the window.
        self.unsaved: set[int | str] = set()
        self.shown_quarter: Quarter | None = None
        self.quarter_box = QuarterBox(self)
        self.lock_label = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.members = FigureGridModel(MEMBER_FIELDS, [], self._check_member, self)
        self.county = FigureGridModel(COUNTY_FIELDS, [self.tr("县域")], self._check_county, self)
        self.member_view = FigureGridView(self)
        self.member_view.setModel(self.members)
        self.county_view = FigureGridView(self)
        self.county_view.setModel(self.county)
        self.county_view.setMaximumHeight(90)
        _fit(self.member_view)
        _fit(self.county_view)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("季度：")))
        top.addWidget(self.quarter_box)
        top.addWidget(self.lock_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        hint = self.tr(
            "成员单位运行指标（人次、人）：直接输入，或从 Excel 复制一块后选中起始单元格按 Ctrl+V 粘贴；"
            "无错误的行立即保存。"
        )
        layout.addWidget(QLabel(hint))
        layout.addWidget(self.member_view, 1)
        self.county_label = QLabel()
        self.county_label.setWordWrap(True)
        layout.addWidget(self.county_label)
        layout.addWidget(self.county_view)
        layout.addWidget(self.status)
        self.members.edited.connect(self._members_edited)
        self.county.edited.connect(self._county_edited)
        self.quarter_box.currentIndexChanged.connect(self._quarter_chosen)
        self.refresh()

    @property
    def quarter(self) -> Quarter:
        return self.quarter_box.quarter()

    def set_quarter(self, quarter: Quarter) -> None:
        self.quarter_box.set_quarter(quarter)

    # --- loading ---------------------------------------------------------------------

    def _quarter_chosen(self) -> None:
        if self.quarter != self.shown_quarter and not self.may_drop_unsaved():
            self.quarter_box.blockSignals(True)
            self.quarter_box.set_quarter(self.shown_quarter)
            self.quarter_box.blockSignals(False)
            return
        self._reload()

    def may_drop_unsaved(self) -> bool:
        """True when nothing is held back, or the clerk agrees to drop what is."""
        if not self.unsaved:
            return True
        from PySide6.QtWidgets import QMessageBox

        names = [self.tr("县域") if r == "county" else self.units[r].name
                 for r in sorted(self.unsaved, key=str)]  # fmt: skip
        answer = QMessageBox.question(
            self,
            self.tr("放弃未保存的运行指标"),
            self.tr("%1 的运行指标有错误，尚未保存。\n放弃这些输入吗？（选“否”返回修改）").replace(
                "%1", "、".join(names)
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.unsaved = set()  # dropped by the clerk: not asked again (the window closing)
        return True

    def may_close(self) -> bool:
        """The main window asks before closing (``MainWindow.closeEvent``)."""
        return self.may_drop_unsaved()

    def refresh(self) -> None:
        """Read the quarter again when asked from outside (``MainWindow.refresh_pages``: a
        package applied, a roster opened, 设置 saved): rows held back by an error are dropped
        only when the clerk agrees, as for another quarter; 否 keeps the grid as it is (a row
        saved later is still checked against the versions read)."""
        if self.may_drop_unsaved():
            self._reload()

    def _reload(self) -> None:
        q = self.quarter
        self.shown_quarter = q
        self.unsaved = set()
        with self.db.session() as s:
            self.units = store.figure_units(s, q)  # a member's database: its own unit
            county_taken = store.takes_county_figures(s)
            stored = store.member_figures(s, q)
            county = store.county_figures(s, q)
            locked = is_locked(s, q)
            # Each row saves on its own: one another saved since this read is refused.
            self.versions, self.county_version = store.figure_versions(s, q)
        self.members.read_only = self.county.read_only = locked
        self.members.set_rows(
            [u.name for u in self.units],
            [(stored.get(u.id) or MemberFigures()).values() for u in self.units],
        )
        self.county.set_rows([self.tr("县域")], [(county or CountyFigures()).values()])
        self.county_view.setVisible(county_taken)
        self.county_label.setText(
            self.tr("县域运行指标（常住人口、县域总诊疗人次、住院人次来自统计和医保）")
            if county_taken
            else self.tr("本数据库是成员库：只填写本单位的运行指标；县域运行指标由牵头单位填写")
        )
        self.lock_label.setText(
            self.tr("本季度已报送并锁定，只能查看（如需修改，请由审核人重新打开该季度）")
            if locked
            else ""
        )
        self.status.setText("")

    # --- checking --------------------------------------------------------------------

    def _check_member(self, row: int, values: dict[str, Any]) -> list[Problem]:
        if row >= len(self.units):
            return []
        return validate_member_figures(MemberFigures(**values), self.units[row])

    def _check_county(self, _row: int, values: dict[str, Any]) -> list[Problem]:
        return validate_county_figures(CountyFigures(**values))

    # --- saving ----------------------------------------------------------------------

    def _members_edited(self, rows: list[int]) -> None:
        ready = {
            self.units[r].id: MemberFigures(**self.members.row_values(r))
            for r in rows
            if not self.members.row_has_errors(r)
        }
        waiting = [r for r in rows if self.members.row_has_errors(r)]
        self.unsaved.update(rows)
        if ready and self._save(members=ready):
            self.unsaved.difference_update(r for r in rows if r not in waiting)
        if waiting:
            names = "、".join(self.units[r].name for r in waiting)
            self.status.setText(self.tr("有错误，未保存：") + names)

    def _county_edited(self, _rows: list[int]) -> None:
        self.unsaved.add("county")
        if self.county.row_has_errors(0):
            self.status.setText(self.tr("县域运行指标有错误，未保存"))
            return
        if self._save(county=CountyFigures(**self.county.row_values(0))):
            self.unsaved.discard("county")

    def _save(self, **figures: Any) -> bool:
        """Save; False when refused (the reason shown)."""
        expected = {i: self.versions.get(i) for i in figures.get("members", {})}
        with self.db.session() as s:
            try:
                warnings = store.save_figures(
                    s, quarter=self.quarter, versions=expected,
                    county_version=self.county_version, **figures,
                )  # fmt: skip
            except RecordChanged as exc:
                self._changed(exc, figures)
                return False
            except RuleViolation as exc:
                self._place(exc.problems)
                self.status.setText(self.tr("未保存：") + "；".join(
                    p.message for p in exc.problems if p.is_error))  # fmt: skip
                return False
        with self.db.session() as s:
            self.versions, self.county_version = store.figure_versions(s, self.quarter)
        self._place(warnings, saved=figures)
        overall = [p.message for p in warnings if p.field.startswith("consortium.")]
        self.status.setText(self.tr("已保存") + ("。" + "；".join(overall) if overall else ""))
        self.changed.emit()
        return True

    def _changed(self, exc: RecordChanged, figures: dict[str, Any]) -> None:
        """Another saved the row since it was read: theirs is shown in the grid, the clerk's
        values beside theirs in the refusal, to be typed again where still wanted."""
        from ylt_desktop.ui.dialogs.record_changed import show_record_changed

        if exc.kind == "county_figures":
            mine = figures["county"].values()
        else:
            mine = figures["members"][exc.record_id].values()
        self.changed_dialog = show_record_changed(self, self.db, exc, mine)
        self._reload()
        self.status.setText(self.tr("未保存：") + str(exc))

    def _place(self, problems: list[Problem], saved: dict[str, Any] | None = None) -> None:
        """Problems of the store (``members.<id>.<figure>``) on their rows."""
        rows = {u.id: i for i, u in enumerate(self.units)}
        by_row: dict[int, list[Problem]] = {}
        for p in problems:
            parts = p.field.split(".")
            if parts[0] == "members" and len(parts) == 3 and int(parts[1]) in rows:
                by_row.setdefault(rows[int(parts[1])], []).append(
                    Problem(parts[2], p.level, p.message)
                )
        for inst_id in (saved or {}).get("members", {}):
            by_row.setdefault(rows[inst_id], [])
        for row, found in by_row.items():
            self.members.set_problems(row, found)
