"""人员: the staff register page with a detail panel, its table models and the staff dialog."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import division_name, ric_birth_date, ric_sex
from ylt_desktop.domain.problems import Problem
from ylt_desktop.domain.rotation import PROMOTION_SERVICE_TARGET, promotion_service_days
from ylt_desktop.domain.staff import SPECIALTY_MAX, StaffData
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store import staff as store
from ylt_desktop.store import staff_list
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import Rotation, Staff
from ylt_desktop.store.staff_list import StaffListRow
from ylt_desktop.ui.dialogs.record import RecordDialog
from ylt_desktop.ui.widgets.forms import combo_choice, make_searchable
from ylt_desktop.ui.widgets.page_support import (
    FIRST_PART,
    PART,
    count_status,
    data_token,
    delete_after_asking,
    record_table,
    select_where,
    selected_record,
)
from ylt_desktop.ui.widgets.predicate_proxy import RecordFilterProxy
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel

DATA_FIELDS = (
    "name",
    "sex",
    "id_type",
    "id_number",
    "licence_code",
    "title",
    "specialty",
    "home_id",
)
# What the list shows of a person (its row has no whole ID number): a refused delete compares
# these with the values another saved.
SEEN_IN_LIST = ("name", "sex", "id_type", "title", "specialty", "home_id")
REACHED_STYLE = "color: #1b7f3b; font-weight: bold;"


@dataclass(frozen=True)
class StaffRow:
    """One line of the register: the person and their 晋升前基层服务 days so far."""

    staff: StaffListRow
    promotion_days: int


def _promotion_text(days: int) -> str:
    if not days:
        return ""
    return f"{days} ✔" if days >= PROMOTION_SERVICE_TARGET else str(days)


class StaffTableModel(RecordTableModel[StaffRow]):
    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "姓名"), lambda r: r.staff.name, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "性别"), lambda r: r.staff.sex),
        Column(QT_TRANSLATE_NOOP("Column", "证件类型"), lambda r: r.staff.id_type),
        Column(
            QT_TRANSLATE_NOOP("Column", "证件号码"), lambda r: r.staff.id_masked, searchable=True
        ),
        Column(QT_TRANSLATE_NOOP("Column", "职称"), lambda r: r.staff.title, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "专业"), lambda r: r.staff.specialty, searchable=True),
        Column(
            QT_TRANSLATE_NOOP("Column", "所属机构"), lambda r: r.staff.home_name, searchable=True
        ),
        Column(
            QT_TRANSLATE_NOOP("Column", "晋升前基层服务(天)"),
            lambda r: r.promotion_days,
            _promotion_text,
            align_right=True,
        ),
    )


class PersonRotationTableModel(RecordTableModel[Rotation]):
    """One person's rotations in the detail panel."""

    columns = (
        Column(QT_TRANSLATE_NOOP("Column", "派出单位"), lambda r: r.from_inst.name),
        Column(QT_TRANSLATE_NOOP("Column", "接收单位"), lambda r: r.to_inst.name),
        Column(QT_TRANSLATE_NOOP("Column", "流动方向"), lambda r: r.direction),
        Column(QT_TRANSLATE_NOOP("Column", "流动形式"), lambda r: r.form),
        Column(QT_TRANSLATE_NOOP("Column", "开始日期"), lambda r: r.start),
        Column(
            QT_TRANSLATE_NOOP("Column", "结束日期"),
            lambda r: r.end,
            lambda v: v.isoformat() if v else "进行中",
        ),
    )


class StaffDialog(RecordDialog):
    form_name = "staff"
    wanted_size = QSize(560, 0)
    fields = DATA_FIELDS

    def __init__(
        self, db: Database, staff_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.staff_id = staff_id
        self.quiet_until_edited = staff_id is None
        b = self.binder
        b.set_choices("sex", lists.SEXES)
        b.set_choices("id_type", lists.ID_TYPES)
        b.set_choices("title", lists.TITLES)
        b.set_choices("specialty", lists.SPECIALTIES)
        self.home: QComboBox = b.widget("home_id")
        make_searchable(self.home)
        self.id_info: QLabel = self.form.findChild(QLabel, "id_number_info")
        b.widget("id_number").textChanged.connect(self._show_id_info)
        self._load()
        self.setWindowTitle(self.tr("编辑人员") if staff_id else self.tr("新增人员"))
        self.start()

    def _load(self) -> None:
        with self.db.session() as s:
            person = s.get(Staff, self.staff_id) if self.staff_id is not None else None
            data = StaffData() if person is None else store.to_data(person)
            self.version = person.version if person is not None else None
            homes = store.home_choices(s, keep_id=data.home_id)
        # A longer 专业 stored before the limit shows whole (with its error), not silently cut.
        limit = max(SPECIALTY_MAX, len(data.specialty or ""))
        self.binder.widget("specialty").lineEdit().setMaxLength(limit)
        self.home.clear()
        for inst in homes:
            self.home.addItem(inst.name, inst.id)
        self.binder.set_values(
            {name: getattr(data, name) for name in DATA_FIELDS if name != "home_id"}
        )
        self.binder.widget("specialty").setEditText(data.specialty)
        self.home.setCurrentIndex(self.home.findData(data.home_id) if data.home_id else -1)

    def _show_id_info(self, text: str) -> None:
        birth = ric_birth_date(text) if self.binder.value("id_type") == lists.ID_RIC else None
        if birth is None:
            self.id_info.setText("")
            return
        place = division_name(text.strip()[:6]) or ""
        self.id_info.setText(f"{birth.isoformat()} {ric_sex(text) or ''} {place}".strip())
        sex: QComboBox = self.binder.widget("sex")
        if sex.currentIndex() < 0 and ric_sex(text):
            sex.setCurrentText(ric_sex(text))

    def data(self) -> StaffData:
        v = self.binder.values()
        values = {name: v[name] for name in DATA_FIELDS}
        values["home_id"] = combo_choice(self.home)
        return StaffData(**values)

    def problems(self) -> list[Problem]:
        with self.db.session() as s:
            return store.check_staff(s, self.data(), own_id=self.staff_id)

    def commit(self) -> None:
        with self.db.session() as s:
            if self.staff_id is None:
                self.staff_id = store.create_staff(s, data=self.data()).id
            else:
                store.update_staff(
                    s, staff_id=self.staff_id, data=self.data(), version=self.version
                )


class StaffDetail(QGroupBox):
    """The selected person's rotations and accumulated 晋升前基层服务 days."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("人员详情"))
        self.heading = QLabel(self.tr("请在左侧选择人员"))
        self.heading.setWordWrap(True)
        self.promotion = QLabel()
        self.promotion.setWordWrap(True)
        self.model = PersonRotationTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.promotion)
        layout.addWidget(QLabel(self.tr("流动记录")))
        layout.addWidget(self.table, 1)

    def show_person(self, db: Database, staff: StaffListRow | None, *, today: dt.date) -> None:
        if staff is None:
            self.heading.setText(self.tr("请在左侧选择人员"))
            self.promotion.setText("")
            self.model.set_rows([])
            return
        with db.session() as s:
            rows = rotation_store.list_rotations(s, staff_id=staff.id)
        self.heading.setText(
            f"<b>{staff.name}</b>　{staff.title}　{staff.specialty}<br>"
            f"{staff.home_name}　{staff.id_masked}"
        )
        days = promotion_service_days(((r.form, r.start, r.end) for r in rows), today=today)
        text = self.tr("晋升前基层服务累计 %1 天").replace("%1", str(days))
        reached = days >= PROMOTION_SERVICE_TARGET
        if reached:
            text += self.tr("　✔ 已满一年（365天）")
        self.promotion.setText(text)
        self.promotion.setStyleSheet(REACHED_STYLE if reached else "")
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()


class StaffPage(QWidget):
    """The staff register with search, add, edit, delete and a detail panel."""

    changed = Signal()
    _token = -1

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.today = today
        self.model = StaffTableModel(self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.model.loaded.connect(self.changed)  # the status bar's count, once all are shown
        self.search = QLineEdit(placeholderText=self.tr("搜索姓名、证件号码、职称、专业、机构…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.add_button = QPushButton(self.tr("新增"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.delete_button = QPushButton(self.tr("删除"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.table = self._make_table()
        self.detail = StaffDetail(self)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for button in (self.add_button, self.edit_button, self.delete_button):
            bar.addWidget(button)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([820, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.refresh()

    def _make_table(self) -> QTableView:
        table = record_table(self, self.proxy, self.edit)
        table.selectionModel().selectionChanged.connect(self._show_detail)
        return table

    def _today(self) -> dt.date:
        return self.today or dt.date.today()

    def refresh(self) -> None:
        self._token = data_token(self.db)
        with self.db.session() as s:
            rows = self._part(s, after=None)
            total = store.count_staff(s) if len(rows) == FIRST_PART else None
        # A long register: the first screens now, the rest in parts while the clerk looks.
        self.model.set_rows(rows, None if total is None else self._parts(rows[-1]), total)
        self.table.resizeColumnsToContents()
        self._show_detail()
        self.changed.emit()

    def _part(self, s: Session, *, after: int | None) -> list[StaffRow]:
        """People after id ``after`` with their 晋升前基层服务 days, one part's worth."""
        limit = PART if after is not None else FIRST_PART
        people = staff_list.list_staff_rows(s, after=after, limit=limit)
        if not people:
            return []
        days = store.promotion_days_by_staff(
            s, today=self._today(), ids=(people[0].id, people[-1].id)
        )
        return [StaffRow(p, days.get(p.id, 0)) for p in people]

    def _parts(self, last: StaffRow) -> Iterator[list[StaffRow]]:
        while True:
            with self.db.session() as s:
                rows = self._part(s, after=last.staff.id)
            if not rows:
                return
            yield rows
            if len(rows) < PART:
                return
            last = rows[-1]

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Rotations are edited on another page; their days show here.
        # Reload only when something was written since (a 50,000-row list takes seconds).
        if self._token != data_token(self.db):
            self.refresh()
        super().showEvent(event)

    def selected(self) -> StaffListRow | None:
        row = selected_record(self.table, self.proxy)
        return None if row is None else row.staff

    def _show_detail(self) -> None:
        self.detail.show_person(self.db, self.selected(), today=self._today())

    def select(self, staff_id: int | None) -> bool:
        return select_where(self.table, self.proxy, lambda r: r.staff.id == staff_id)

    def status_text(self) -> str:
        return count_status(self.proxy, self.tr("人员 %1 人"), self.tr("人员 %1 人，显示 %2 人"))

    def add(self) -> None:
        dialog = StaffDialog(self.db, parent=self)
        if dialog.exec():
            self.refresh()
            self.select(dialog.staff_id)

    def edit(self) -> None:
        person = self.selected()
        if person is not None and StaffDialog(self.db, person.id, parent=self).exec():
            self.refresh()
            self.select(person.id)

    def delete(self) -> None:
        person = self.selected()
        if person is None:
            return
        delete_after_asking(
            self,
            self.tr("删除人员"),
            self.tr("确定删除“%1”吗？此操作不能撤销。").replace("%1", person.name),
            lambda s: store.delete_staff(s, staff_id=person.id, version=person.version),
            lambda s: store.delete_problems(s, person.id),
            seen={f: getattr(person, f) for f in SEEN_IN_LIST},
        )
