"""操作日志: who changed which record when, with filters by kind, action, dates and free text.

Kind, action and dates filter in the query (``store/audit.py: list_entries``); the free text
filters the loaded rows through ``RecordFilterProxy``. At most ``LIMIT`` newest entries load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.store import audit
from ylt_desktop.store.audit_text import read_names
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import AuditEntry
from ylt_desktop.ui.widgets.half_width import fold_full_width_box
from ylt_desktop.ui.widgets.page_support import show_in_parts
from ylt_desktop.ui.widgets.predicate_proxy import RecordFilterProxy
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel

LIMIT = 10_000


class AuditTableModel(RecordTableModel[AuditEntry]):
    columns = (
        Column(
            QT_TRANSLATE_NOOP("Column", "时间"),
            lambda r: r.at,
            display=lambda v: f"{v:%Y-%m-%d %H:%M:%S}",
        ),
        Column(QT_TRANSLATE_NOOP("Column", "操作人"), lambda r: r.user, searchable=True),
        Column(
            QT_TRANSLATE_NOOP("Column", "操作"),
            lambda r: audit.ACTION_LABELS.get(r.action, r.action),
            searchable=True,
        ),
        Column(
            QT_TRANSLATE_NOOP("Column", "数据类别"),
            lambda r: audit.TABLE_LABELS.get(r.table_name, r.table_name),
            searchable=True,
        ),
        Column(QT_TRANSLATE_NOOP("Column", "记录编号"), lambda r: r.record_id, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "内容"), audit.describe, searchable=True),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: dict[str, dict[int, str]] = {}
        """Units, people and agreements by id (``audit_text.read_names``), read with the rows."""
        *head, content = type(self).columns
        self.columns = (*head, replace(content, value=lambda r: audit.describe(r, self.names)))


def _combo(everything: str, items: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(everything, None)
    for key, label in items.items():
        combo.addItem(label, key)
    return combo


def _today() -> dt.date:
    return dt.date.today()


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class AuditPage(QWidget):
    """The audit log, newest first."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.model = AuditTableModel(self)
        self.proxy = RecordFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.model.loaded.connect(self._show_count)  # a long log is added in parts
        self.table_filter = _combo(self.tr("全部类别"), audit.TABLE_LABELS)
        self.action_filter = _combo(self.tr("全部操作"), audit.ACTION_LABELS)
        today = _today()
        self.since = self._date_edit(today - dt.timedelta(days=30))
        self.until = self._date_edit(today)
        # 到 left at today follows the day (a program left open overnight); one chosen stays.
        self.until_is_today = True
        self.until.dateChanged.connect(
            lambda day: setattr(self, "until_is_today", day.toPython() == _today())
        )
        self.search = QLineEdit(placeholderText=self.tr("搜索操作人、内容…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.refresh)
        for combo in (self.table_filter, self.action_filter):
            combo.currentIndexChanged.connect(self.refresh)
        for edit in (self.since, self.until):
            edit.dateChanged.connect(self.refresh)
        self.count_label = QLabel()
        self.table = self._make_table()
        bar = QHBoxLayout()
        bar.addWidget(self.table_filter)
        bar.addWidget(self.action_filter)
        bar.addWidget(QLabel(self.tr("从")))
        bar.addWidget(self.since)
        bar.addWidget(QLabel(self.tr("到")))
        bar.addWidget(self.until)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addWidget(self.count_label)
        self.refresh()

    def _date_edit(self, day: dt.date) -> QDateEdit:
        edit = QDateEdit(_qdate(day))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        fold_full_width_box(edit)  # ２０２６－０９－３０ typed in 全角 mode
        return edit

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        # Size columns from the first rows only: each row's description is made to measure it.
        table.horizontalHeader().setResizeContentsPrecision(60)
        table.doubleClicked.connect(self.show_details)
        table.setToolTip(self.tr("双击一条记录查看全部内容"))
        return table

    def show_details(self, index) -> None:  # noqa: ANN001
        """The whole entry, one field a line (long entries are cut in the list)."""
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit

        from ylt_desktop.store.audit_text import details

        entry = self.model.row_record(self.proxy.mapToSource(index).row())
        dialog = QDialog(self)
        dialog.setWindowTitle(self.tr("操作日志详情"))
        dialog.resize(560, 420)
        text = QPlainTextEdit(dialog)
        text.setReadOnly(True)
        head = (
            f"{entry.at:%Y-%m-%d %H:%M:%S}　{entry.user}　"
            f"{audit.ACTION_LABELS.get(entry.action, entry.action)}　"
            f"{audit.TABLE_LABELS.get(entry.table_name, entry.table_name)} #{entry.record_id}"
        )
        text.setPlainText("\n".join([head, "", *details(entry, self.model.names)]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.detail_dialog = dialog  # for tests
        dialog.open()

    def set_range(self, since: dt.date, until: dt.date) -> None:
        for edit, day in ((self.since, since), (self.until, until)):
            edit.blockSignals(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self.until_is_today = until == _today()
        self.refresh()

    def refresh(self) -> None:
        today = _today()
        if self.until_is_today and self.until.date().toPython() != today:
            moved = today - self.until.date().toPython()
            self.until.blockSignals(True)
            self.since.blockSignals(True)
            self.until.setDate(_qdate(today))
            self.since.setDate(_qdate(self.since.date().toPython() + moved))
            self.since.blockSignals(False)
            self.until.blockSignals(False)
        with self.db.session() as s:
            rows = audit.list_entries(
                s,
                since=self.since.date().toPython(),
                until=self.until.date().toPython(),
                table=self.table_filter.currentData(),
                action=self.action_filter.currentData(),
                limit=LIMIT,
            )
            self.model.names = read_names(s, rows)
        show_in_parts(self.model, rows)
        self.table.resizeColumnsToContents()
        self._show_count()

    def status_text(self) -> str:
        return self.tr("操作日志：") + self._count_text()

    def _search(self, text: str) -> None:
        self.proxy.set_search(text)
        self._show_count()

    def _show_count(self) -> None:
        self.count_label.setText(self._count_text())

    def _count_text(self) -> str:
        shown, loaded = self.proxy.rowCount(), self.model.total_count()
        text = self.tr("共 %n 条").replace("%n", str(shown))
        if loaded >= LIMIT:
            text += self.tr("（只显示最新的 %n 条，请缩小日期范围）").replace("%n", str(LIMIT))
        return text
