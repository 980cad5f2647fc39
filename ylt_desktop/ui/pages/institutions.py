"""成员单位: the institution list page, its table model and the institution dialog."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import division_name
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import Problem
from ylt_desktop.store import institutions as store
from ylt_desktop.store import levels
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import Institution
from ylt_desktop.store.versions import form_values
from ylt_desktop.ui.dialogs.record import RecordDialog
from ylt_desktop.ui.widgets.forms import from_qdate, to_qdate
from ylt_desktop.ui.widgets.page_support import (
    count_status,
    delete_after_asking,
    record_table,
    select_where,
    selected_record,
)
from ylt_desktop.ui.widgets.predicate_proxy import RecordFilterProxy
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel

DATA_FIELDS = tuple(f.name for f in fields(InstitutionData) if f.name != "left")


class InstitutionTableModel(RecordTableModel[Institution]):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "机构名称"), lambda r: r.name, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "统一社会信用代码"), lambda r: r.uscc, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "行政区划代码"), lambda r: r.division, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "机构类别"), lambda r: r.category, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "机构等级"), lambda r: r.level),
        Column(QT_TRANSLATE_NOOP("Column", "医联体角色"), lambda r: r.role),
        Column(QT_TRANSLATE_NOOP("Column", "加入日期"), lambda r: r.joined),
        Column(QT_TRANSLATE_NOOP("Column", "退出日期"), lambda r: r.left),
        Column(QT_TRANSLATE_NOOP("Column", "实有床位"), lambda r: r.beds_actual, align_right=True),
        Column(
            QT_TRANSLATE_NOOP("Column", "卫生技术人员"),
            lambda r: r.health_tech_staff,
            align_right=True,
        ),
        Column(QT_TRANSLATE_NOOP("Column", "联系电话"), lambda r: r.phone),
    )


class InstitutionDialog(RecordDialog):
    form_name = "institution"
    wanted_size = QSize(860, 680)
    fields = (*DATA_FIELDS, "left", "has_left")

    def __init__(
        self, db: Database, institution_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.institution_id = institution_id
        self.quiet_until_edited = institution_id is None
        b = self.binder
        b.set_choices("category", lists.CATEGORIES)
        b.set_choices("level", lists.LEVELS)
        b.set_choices("ownership", lists.OWNERSHIPS)
        b.set_choices("role", lists.ROLES)
        self.division_label: QLabel = self.form.findChild(QLabel, "division_name")
        b.widget("division").textChanged.connect(self._show_division_name)
        has_left: QCheckBox = b.widget("has_left")
        left: QDateEdit = b.widget("left")
        has_left.toggled.connect(left.setEnabled)
        self._load()
        left.setEnabled(has_left.isChecked())
        self._setup_levels()
        self.setWindowTitle(self.tr("编辑成员单位") if institution_id else self.tr("新增成员单位"))
        self.start()
        for signal in (
            self.level_change.toggled,
            self.level_since.dateChanged,
        ):
            signal.connect(self.recheck)

    def _setup_levels(self) -> None:
        """等级变更记录 of an existing unit, newest first, and the choice a changed level or
        category asks for: a correction (default) or a change from a date on."""
        f = self.form
        self.level_box: QGroupBox = f.findChild(QGroupBox, "level_box")
        self.level_choice = [
            f.findChild(QLabel, "level_choice_label"),
            f.findChild(QRadioButton, "level_correction"),
            f.findChild(QWidget, "level_change_row"),
        ]
        self.level_correction: QRadioButton = f.findChild(QRadioButton, "level_correction")
        self.level_change: QRadioButton = f.findChild(QRadioButton, "level_change")
        # The two sit in different rows (parents): only a group makes them exclusive.
        self.level_choice_group = QButtonGroup(self)
        self.level_choice_group.addButton(self.level_correction)
        self.level_choice_group.addButton(self.level_change)
        self.level_since: QDateEdit = f.findChild(QDateEdit, "level_since")
        self.level_history: QTableWidget = f.findChild(QTableWidget, "level_history")
        self.level_since.setDate(to_qdate(dt.date.today()))
        self.level_since.setEnabled(False)
        self.level_change.toggled.connect(self.level_since.setEnabled)
        self._ranked: tuple[str, str] | None = None
        if self.institution_id is None:
            self.level_box.setVisible(False)
            return
        with self.db.session() as s:
            inst = s.get(Institution, self.institution_id)
            self._ranked = (inst.level, inst.category)
            rows = [(e.since, e.level, e.category) for e in levels.entries_of(s, inst.id)]
        table = self.level_history
        table.setColumnCount(3)
        table.setHorizontalHeaderLabels(
            [self.tr("生效日期"), self.tr("机构等级"), self.tr("机构类别")]
        )
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setRowCount(len(rows))
        for r, (since, level, category) in enumerate(reversed(rows)):
            shown = since.isoformat() if since else self.tr("最初")
            for c, text in enumerate((shown, level, category)):
                table.setItem(r, c, QTableWidgetItem(text))
        self.binder.widget("level").currentTextChanged.connect(self._show_level_choice)
        self.binder.widget("category").currentTextChanged.connect(self._show_level_choice)
        self._show_level_choice()

    def _level_changed(self) -> bool:
        v = self.binder.values()
        return self._ranked is not None and (v["level"], v["category"]) != self._ranked

    def _show_level_choice(self) -> None:
        changed = self._level_changed()
        for widget in self.level_choice:
            widget.setVisible(changed)

    def level_since_value(self) -> dt.date | None:
        """The date a changed level or category took effect, or None for a correction."""
        if self._level_changed() and self.level_change.isChecked():
            return from_qdate(self.level_since.date())
        return None

    def _load(self) -> None:
        today = dt.date.today()
        if self.institution_id is None:
            data = InstitutionData(joined=today)
        else:
            with self.db.session() as s:
                inst = s.get(Institution, self.institution_id)
                data, self.version = store.to_data(inst), inst.version
        values = {name: getattr(data, name) for name in DATA_FIELDS}
        values["has_left"] = data.left is not None
        values["left"] = data.left or today
        self.binder.set_values(values)

    def _show_division_name(self, text: str) -> None:
        self.division_label.setText(division_name(text) or "")

    def data(self) -> InstitutionData:
        v = self.binder.values()
        values = {name: v[name] for name in DATA_FIELDS}
        values["left"] = v["left"] if v["has_left"] else None
        return InstitutionData(**values)

    def problems(self) -> list[Problem]:
        with self.db.session() as s:
            return store.check_institution(
                s, self.data(), own_id=self.institution_id, level_since=self.level_since_value()
            )

    def commit(self) -> None:
        with self.db.session() as s:
            if self.institution_id is None:
                self.institution_id = store.create_institution(s, data=self.data()).id
            else:
                store.update_institution(
                    s,
                    institution_id=self.institution_id,
                    data=self.data(),
                    level_since=self.level_since_value(),
                    version=self.version,
                )


class InstitutionsPage(QWidget):
    """The institution list with search, add, edit and delete."""

    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.model = InstitutionTableModel(self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(placeholderText=self.tr("搜索名称、代码、类别…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.add_button = QPushButton(self.tr("新增"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.table = self._make_table()
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        self._exchange_buttons(bar)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.refresh()

    def _exchange_buttons(self, bar: QHBoxLayout) -> None:
        """The lead: 生成名册包… for the selected member; a member's database: no adding or
        deleting units (the store refuses; the roster keeps them), greyed out saying why."""
        from ylt_desktop.domain.roles import Permission
        from ylt_desktop.store import exchange
        from ylt_desktop.ui.widgets.permissions import gate

        with self.db.session() as s:
            self.member_db = exchange.is_member_database(s)
        if self.member_db:
            for button in (self.add_button, self.delete_button):
                button.setEnabled(False)
                button.setToolTip(self._member_db_text())
            return
        self.roster_button = QPushButton(self.tr("生成名册包…"))
        self.roster_button.clicked.connect(self.make_roster)
        gate(self.roster_button, self.db, Permission.RECEIVE_PACKAGE)
        bar.addWidget(self.roster_button)

    member_db = False

    def _member_db_text(self) -> str:
        return self.tr("成员库的成员单位由牵头单位的名册包维护，不能在此新增或删除")

    def _refused_in_member_db(self) -> bool:
        """Ctrl+N / Del in a member's database: say why instead of a form the store refuses."""
        if self.member_db:
            QMessageBox.information(self, self.tr("成员库"), self._member_db_text())
        return self.member_db

    def make_roster(self) -> None:
        from ylt_desktop.ui.dialogs.packages import RosterDialog, exchange_ready

        if not exchange_ready(self, self.db):
            return
        inst = self.selected()
        RosterDialog(self.db, self, member_ids=[inst.id] if inst is not None else None).exec()

    def _make_table(self) -> QTableView:
        table = record_table(self, self.proxy, self.edit)
        return table

    def refresh(self) -> None:
        with self.db.session() as s:
            self.model.set_rows(store.list_institutions(s))
        self.table.resizeColumnsToContents()
        self.changed.emit()

    def selected(self) -> Institution | None:
        return selected_record(self.table, self.proxy)

    def select(self, institution_id: int | None) -> bool:
        return select_where(self.table, self.proxy, lambda r: r.id == institution_id)

    def status_text(self) -> str:
        return count_status(
            self.proxy, self.tr("成员单位 %1 家"), self.tr("成员单位 %1 家，显示 %2 家")
        )

    def add(self) -> None:
        if self._refused_in_member_db():
            return
        dialog = InstitutionDialog(self.db, parent=self)
        if dialog.exec():
            self.refresh()
            self.select(dialog.institution_id)

    def edit(self) -> None:
        inst = self.selected()
        if inst is not None and InstitutionDialog(self.db, inst.id, parent=self).exec():
            self.refresh()
            self.select(inst.id)

    def delete(self) -> None:
        if self._refused_in_member_db():
            return
        inst = self.selected()
        if inst is None:
            return
        delete_after_asking(
            self,
            self.tr("删除成员单位"),
            self.tr("确定删除“%1”吗？此操作不能撤销。").replace("%1", inst.name),
            lambda s: store.delete_institution(s, institution_id=inst.id, version=inst.version),
            lambda s: store.delete_problems(s, inst.id),
            seen=form_values(store.to_data(inst)),
        )
