"""人员流动: the rotation list with filters by quarter, direction, form and institution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from PySide6.QtCore import Signal
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
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import institutions as institution_store
from ylt_desktop.store import rotation_read
from ylt_desktop.store import rotations as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.quarters import lock_problems
from ylt_desktop.store.rotation_columns import RotationColumns
from ylt_desktop.store.rotation_list import RotationListRow
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.widgets.page_support import (
    count_status,
    data_token,
    delete_after_asking,
    record_table,
    selected_record,
)
from ylt_desktop.ui.widgets.predicate_proxy import PredicateFilterProxy
from ylt_desktop.ui.widgets.rotation_model import (
    RotationColumnsModel,
    direction_test,
    form_test,
    institution_test,
    quarter_test,
)

QUARTERS_BACK = 12
FIRST_PART = 2000
"""Rotations read before the page shows: the first screens, ready at once."""
PART = 25_000
"""Rotations read each time the program is idle, until the whole list is read."""


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
        self.model = RotationColumnsModel(self)
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
        self.model.set_figures(self.quarter.currentData(), self._today())
        with self.db.session() as s:
            first, total = rotation_read.read_first(s, FIRST_PART, self._today())
            institutions = institution_store.list_institutions(s)
        chosen = self.institution.currentData()
        self.institution.blockSignals(True)
        while self.institution.count() > 1:
            self.institution.removeItem(1)
        for inst in institutions:
            self.institution.addItem(inst.name, inst.id)
        self.institution.setCurrentIndex(max(0, self.institution.findData(chosen)))
        self.institution.blockSignals(False)
        if self.institution.currentData() != chosen:  # the unit chosen was deleted meanwhile
            self._filter_institution()
        if len(first) < total:
            self.model.set_columns(first, self._whole(), total)
        else:
            self.model.set_columns(first)
        self.table.resizeColumnsToContents()
        self.changed.emit()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # People and institutions are edited on other pages; their names show here.
        # Reload only when something was written since (a 50,000-row list takes seconds).
        if self._token != data_token(self.db):
            self.refresh()
        super().showEvent(event)

    def _whole(self) -> Iterator[RotationColumns | None]:
        """The whole list, read a step each time the program is idle (None until read)."""
        read = rotation_read.WholeRead(self._today(), PART)
        while True:
            with self.db.session() as s:
                whole = read.step(s)
            yield whole
            if whole is not None:
                return

    def _quarter_changed(self) -> None:
        quarter: Quarter | None = self.quarter.currentData()
        self.proxy.set_predicate("quarter", None if quarter is None else quarter_test(quarter))
        self.model.set_figures(quarter, self._today())

    def _filter_direction(self) -> None:
        value = self.direction.currentData()
        self.proxy.set_predicate("direction", None if value is None else direction_test(value))

    def _filter_form(self) -> None:
        value = self.form.currentData()
        self.proxy.set_predicate("form", None if value is None else form_test(value))

    def _filter_institution(self) -> None:
        value = self.institution.currentData()
        self.proxy.set_predicate("institution", None if value is None else institution_test(value))

    def selected(self) -> RotationListRow | None:
        row = selected_record(self.table, self.proxy)
        return None if row is None else row.rotation

    def select(self, rotation_id: int | None) -> bool:
        """Select and show the rotation (a record just saved); True if it is shown."""
        if rotation_id is None:
            return False
        row = self.model.row_of(rotation_id)
        if row is None and self.model.loading():  # not among the rows read yet
            self.model.fetch_rest()
            row = self.model.row_of(rotation_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

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
