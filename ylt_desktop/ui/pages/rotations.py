"""人员流动: the rotation list with filters by quarter, direction, form and institution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain import lists
from ylt_desktop.domain.periods import Quarter, touches
from ylt_desktop.store import institutions as institution_store
from ylt_desktop.store import rotation_list
from ylt_desktop.store import rotations as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.quarters import lock_problems
from ylt_desktop.store.rotation_list import RotationListRow
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.widgets.page_support import (
    count_status,
    data_token,
    delete_after_asking,
    record_table,
    select_where,
    selected_record,
)
from ylt_desktop.ui.widgets.predicate_proxy import PredicateFilterProxy
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel

QUARTERS_BACK = 12
FIRST_PART = 2000
"""Rotations read before the page shows: the first screens, ready at once."""
PART = 5000
"""Rotations read and added each time the program is idle, until all are shown."""


@dataclass(frozen=True, slots=True)
class RotationRow:
    """A rotation with the figures shown: one quarter's when a quarter is chosen, else all."""

    rotation: RotationListRow
    days: int | None
    outpatient: int


class RotationTableModel(RecordTableModel[RotationRow]):
    columns = (
        Column(
            QT_TRANSLATE_NOOP("Column", "姓名"), lambda r: r.rotation.staff_name, searchable=True
        ),
        Column(
            QT_TRANSLATE_NOOP("Column", "证件号码"),
            lambda r: r.rotation.id_masked,
            searchable=True,
        ),
        Column(QT_TRANSLATE_NOOP("Column", "职称"), lambda r: r.rotation.title, searchable=True),
        Column(
            QT_TRANSLATE_NOOP("Column", "派出单位"),
            lambda r: r.rotation.from_name,
            searchable=True,
        ),
        Column(
            QT_TRANSLATE_NOOP("Column", "接收单位"),
            lambda r: r.rotation.to_name,
            searchable=True,
        ),
        Column(QT_TRANSLATE_NOOP("Column", "流动方向"), lambda r: r.rotation.direction),
        Column(QT_TRANSLATE_NOOP("Column", "流动形式"), lambda r: r.rotation.form),
        Column(QT_TRANSLATE_NOOP("Column", "流动性质"), lambda r: r.rotation.purpose),
        Column(QT_TRANSLATE_NOOP("Column", "开始日期"), lambda r: r.rotation.start),
        Column(
            QT_TRANSLATE_NOOP("Column", "结束日期"),
            lambda r: r.rotation.end,
            lambda v: v.isoformat() if v else "进行中",
        ),
        Column(QT_TRANSLATE_NOOP("Column", "工作天数"), lambda r: r.days, align_right=True),
        Column(QT_TRANSLATE_NOOP("Column", "门急诊人次"), lambda r: r.outpatient, align_right=True),
        Column(QT_TRANSLATE_NOOP("Column", "备注"), lambda r: r.rotation.note, searchable=True),
    )


def make_rows(
    rotations: list[RotationListRow], quarter: Quarter | None, *, today: dt.date
) -> list[RotationRow]:
    if quarter is None:
        return [RotationRow(r, r.total_days(today=today), r.total_outpatient()) for r in rotations]
    rows = []
    for r in rotations:
        figures = r.figures(quarter)
        days, outpatient = figures if figures is not None else (None, 0)
        rows.append(RotationRow(r, days, outpatient))
    return rows


class RotationsPage(QWidget):
    """Rotations with add, edit, delete, four filters and a free-text search."""

    changed = Signal()
    _token = -1

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.rotations: list[RotationListRow] = []
        self.model = RotationTableModel(self)
        self.proxy = PredicateFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.model.loaded.connect(self.changed)  # the status bar's count, once all are read
        self.search = QLineEdit(placeholderText=self.tr("搜索姓名、证件号码、单位、备注…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.quarter = self._combo(self.tr("全部季度"), self._quarter_items())
        self.direction = self._combo(self.tr("全部方向"), [(d, d) for d in lists.DIRECTIONS])
        self.form = self._combo(self.tr("全部形式"), [(f, f) for f in lists.ROTATION_FORMS])
        self.institution = self._combo(self.tr("全部单位"), [])
        self.quarter.currentIndexChanged.connect(self._quarter_changed)
        self.direction.currentIndexChanged.connect(self._filter_direction)
        self.form.currentIndexChanged.connect(self._filter_form)
        self.institution.currentIndexChanged.connect(self._filter_institution)
        self.add_button = QPushButton(self.tr("新增"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.table = self._make_table()
        # The search and the buttons on one row, the four filters on a second: on a narrow
        # screen the filters' long names would leave the search box a few pixels wide.
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        filters = QHBoxLayout()
        for widget in (self.quarter, self.direction, self.form, self.institution):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.table)
        self.refresh()

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def _quarter_items(self) -> list[tuple[str, Quarter]]:
        q = Quarter.containing(self._today())
        items = []
        for _ in range(QUARTERS_BACK):
            items.append((q.label, q))
            q = q.prev()
        return items

    def _combo(self, everything: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(everything, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _make_table(self) -> QTableView:
        table = record_table(self, self.proxy, self.edit)
        return table

    def refresh(self) -> None:
        self._token = data_token(self.db)
        with self.db.session() as s:
            self.rotations = rotation_list.list_rotation_rows(s, limit=FIRST_PART)
            total = rotation_list.count_rotations(s) if len(self.rotations) == FIRST_PART else None
            institutions = institution_store.list_institutions(s)
        chosen = self.institution.currentData()
        self.institution.blockSignals(True)
        while self.institution.count() > 1:
            self.institution.removeItem(1)
        for inst in institutions:
            self.institution.addItem(inst.name, inst.id)
        self.institution.setCurrentIndex(max(0, self.institution.findData(chosen)))
        self.institution.blockSignals(False)
        self._set_rows(total)
        self.table.resizeColumnsToContents()
        self.changed.emit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # People and institutions are edited on other pages; their names show here.
        # Reload only when something was written since (a 50,000-row list takes seconds).
        if self._token != data_token(self.db):
            self.refresh()
        super().showEvent(event)

    def _set_rows(self, total: int | None = None) -> None:
        """Show the rotations read so far; when a part was cut short, the rest follow in
        parts while the clerk looks at the first screen (the model adds them when idle)."""
        quarter, today = self.quarter.currentData(), self._today()
        rows = make_rows(self.rotations, quarter, today=today)
        more = None
        if total is not None and len(self.rotations) < total:
            more = self._parts(quarter, today)
        self.model.set_rows(rows, more, total)

    def _parts(self, quarter: Quarter | None, today: dt.date) -> Iterator[list[RotationRow]]:
        """The rotations after those read, ``PART`` at a time, as rows of the list."""
        rotations = self.rotations
        names: rotation_list.Names | None = None
        while True:
            last = rotations[-1]
            with self.db.session() as s:
                if names is None:
                    names = rotation_list.Names.read(s)
                part = rotation_list.list_rotation_rows(
                    s, limit=PART, before=(last.start, last.id), names=names
                )
            if not part:
                return
            rotations.extend(part)
            yield make_rows(part, quarter, today=today)
            if len(part) < PART:
                return

    def _quarter_changed(self) -> None:
        quarter: Quarter | None = self.quarter.currentData()
        self.proxy.set_predicate(
            "quarter",
            None
            if quarter is None
            else lambda r: touches(r.rotation.start, r.rotation.end, quarter),
        )
        self.model.fetch_rest()  # every rotation read: the figures shown change
        self._set_rows()

    def _filter_direction(self) -> None:
        value = self.direction.currentData()
        self.proxy.set_predicate(
            "direction", None if value is None else lambda r: r.rotation.direction == value
        )

    def _filter_form(self) -> None:
        value = self.form.currentData()
        self.proxy.set_predicate(
            "form", None if value is None else lambda r: r.rotation.form == value
        )

    def _filter_institution(self) -> None:
        value = self.institution.currentData()
        self.proxy.set_predicate(
            "institution",
            None if value is None else lambda r: value in (r.rotation.from_id, r.rotation.to_id),
        )

    def selected(self) -> RotationListRow | None:
        row = selected_record(self.table, self.proxy)
        return None if row is None else row.rotation

    def select(self, rotation_id: int | None) -> bool:
        return select_where(self.table, self.proxy, lambda r: r.rotation.id == rotation_id)

    def status_text(self) -> str:
        return count_status(
            self.proxy, self.tr("人员流动 %1 条"), self.tr("人员流动 %1 条，显示 %2 条")
        )

    def add(self) -> None:
        dialog = RotationDialog(self.db, parent=self, today=self.today)
        if dialog.exec():
            self.refresh()
            self.select(dialog.rotation_id)

    def edit(self) -> None:
        rotation = self.selected()
        if (
            rotation is not None
            and RotationDialog(self.db, rotation.id, parent=self, today=self.today).exec()
        ):
            self.refresh()
            self.select(rotation.id)

    def delete(self) -> None:
        rotation = self.selected()
        if rotation is None:
            return
        text = self.tr("确定删除“%1”的这条流动记录（%2 → %3）吗？此操作不能撤销。")
        text = (
            text.replace("%1", rotation.staff_name)
            .replace("%2", rotation.from_name)
            .replace("%3", rotation.to_name)
        )
        delete_after_asking(
            self,
            self.tr("删除人员流动"),
            text,
            lambda s: store.delete_rotation(s, rotation_id=rotation.id, version=rotation.version),
            lambda s: lock_problems(s, rotation.start, rotation.end),
        )
