"""资源共享协议: the agreement list page with its filters, actions and the signed scan.

The table model lives in ``ui/widgets/agreement_model.py``, the dialogs in ``ui/dialogs/agreement.py``
and ``ui/dialogs/termination.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain import lists
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import agreement_list, agreement_terms, attachments
from ylt_desktop.store import agreements as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import Agreement
from ylt_desktop.ui.dialogs.agreement import AgreementDialog
from ylt_desktop.ui.dialogs.record import run_guarded
from ylt_desktop.ui.dialogs.termination import TerminationDialog
from ylt_desktop.ui.widgets.agreement_model import (
    ALL,
    EXPIRING_COLOUR,
    EXPIRING_DAYS,
    AgreementFilterProxy,
    AgreementRow,
    AgreementTableModel,
    make_rows,
)
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


class AgreementsPage(QWidget):
    """The agreement list: filters, add, edit, terminate, delete, and the signed scan."""

    changed = Signal()
    _token = -1

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._today = today
        self.model = AgreementTableModel(self)
        self.proxy = AgreementFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.model.loaded.connect(self.changed)  # the status bar's count, once all are shown
        self.search = QLineEdit(placeholderText=self.tr("搜索编号、名称、单位…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.status_filter = self._combo(self.tr("全部状态"), lists.AGREEMENT_STATUSES)
        self.kind_filter = self._combo(self.tr("全部类型"), lists.AGREEMENT_KINDS)
        self.institution_filter = self._combo(self.tr("全部单位"), ())
        self.quarter_filter = self._combo(self.tr("全部季度"), ())
        self.table = self._make_table()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        legend = QLabel(self.tr("橙色底色：%n 天内到期").replace("%n", str(EXPIRING_DAYS)))
        legend.setStyleSheet(f"background: {EXPIRING_COLOUR.name()}; padding: 2px 6px;")
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_bar())
        layout.addLayout(self._button_bar(legend))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.refresh()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _combo(self, everything: str, items: tuple[str, ...]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(everything, ALL)
        for text in items:
            combo.addItem(text, text)
        combo.currentIndexChanged.connect(self._apply_filters)
        return combo

    def _filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        for combo in (
            self.status_filter,
            self.kind_filter,
            self.institution_filter,
            self.quarter_filter,
        ):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            bar.addWidget(combo)
        return bar

    def _button_bar(self, legend: QLabel) -> QHBoxLayout:
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (
            ("add", self.tr("新增"), self.add),
            ("edit", self.tr("编辑"), self.edit),
            ("terminate", self.tr("终止…"), self.terminate),
            ("delete", self.tr("删除"), self.delete),
            ("attach", self.tr("上传扫描件…"), self.attach),
            ("open", self.tr("查看扫描件"), self.open_attachment),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(legend)
        return bar

    def _make_table(self) -> QTableView:
        table = record_table(self, self.proxy, self.edit)
        table.selectionModel().selectionChanged.connect(self._show_selected)
        return table

    # --- loading and filtering ---------------------------------------------------

    def refresh(self) -> None:
        self._token = data_token(self.db)
        with self.db.session() as s:
            agreements = agreement_list.list_agreement_rows(s, limit=FIRST_PART)
            infos = attachments.attachment_infos(s)
            total = None
            if len(agreements) == FIRST_PART:
                total = agreement_list.count_agreements(s)
            institutions = agreement_list.agreement_institutions(s)
            first = agreement_list.first_effective_from(s)
        # A long list: the first screens now, the rest in parts while the clerk looks.
        more = None if total is None else self._parts(agreements[-1].number, infos)
        self.model.set_rows(make_rows(agreements, infos, self.today), more, total)
        self._refill(self.institution_filter, [(name, iid) for iid, name in institutions])
        quarters = self._quarters(first)
        self._refill(self.quarter_filter, [(q.label, str(q)) for q in quarters])
        self.table.resizeColumnsToContents()
        self._show_selected()
        self.changed.emit()

    def _parts(
        self, after: str, infos: dict[int, attachments.AttachmentInfo]
    ) -> Iterator[list[AgreementRow]]:
        """The agreements numbered after ``after``, ``PART`` at a time, as rows of the list."""
        while True:
            with self.db.session() as s:
                part = agreement_list.list_agreement_rows(s, after=after, limit=PART)
            if not part:
                return
            yield make_rows(part, infos, self.today)
            if len(part) < PART:
                return
            after = part[-1].number

    def _quarters(self, first: dt.date | None) -> list[Quarter]:
        """Every quarter from the earliest 生效日期 to today's, latest first."""
        if first is None:
            return []
        q, last, result = Quarter.containing(first), Quarter.containing(self.today), []
        while q <= last:
            result.append(q)
            q = q.next()
        return result[::-1]

    def _refill(self, combo: QComboBox, items: list[tuple[str, object]]) -> None:
        """Replace the choices after the first (全部…), keeping the current one if it remains."""
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)
        self._apply_filters()

    def _apply_filters(self) -> None:
        quarter = self.quarter_filter.currentData()
        self.proxy.set_filters(
            status=self.status_filter.currentData(),
            kind=self.kind_filter.currentData(),
            institution_id=self.institution_filter.currentData() or None,
            quarter=Quarter.parse(quarter) if quarter else None,
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Institutions may have changed on another page since the last look.
        # Reload only when something was written since (a 50,000-row list takes seconds).
        if self._token != data_token(self.db):
            self.refresh()
        super().showEvent(event)

    def selected(self) -> AgreementRow | None:
        return selected_record(self.table, self.proxy)

    def _show_selected(self) -> None:
        row = self.selected()
        for key in ("edit", "terminate", "delete", "attach", "open"):
            self.buttons[key].setEnabled(row is not None)
        if row is None:
            self.detail.setText("")
            return
        self.buttons["open"].setEnabled(row.attachment is not None)
        terminated = row.agreement.terminated_on is not None
        self.buttons["terminate"].setText(self.tr("撤销终止") if terminated else self.tr("终止…"))
        info = row.attachment
        self.buttons["attach"].setText(self.tr("替换扫描件…") if info else self.tr("上传扫描件…"))
        self.detail.setText(
            self.tr("签署扫描件：%1（%2）　SHA-256：%3")
            .replace("%1", info.file_name)
            .replace("%2", info.size_text)
            .replace("%3", info.sha256)
            if info
            else self.tr("签署扫描件：尚未上传")
        )

    # --- actions -------------------------------------------------------------------

    def status_text(self) -> str:
        return count_status(
            self.proxy, self.tr("资源共享协议 %1 份"), self.tr("资源共享协议 %1 份，显示 %2 份")
        )

    def add(self) -> None:
        dialog = AgreementDialog(self.db, parent=self, today=self.today)
        if dialog.exec():
            self.refresh()
            self.select(dialog.agreement_id)

    def edit(self) -> None:
        row = self.selected()
        if (
            row is not None
            and AgreementDialog(self.db, row.agreement.id, parent=self, today=self.today).exec()
        ):
            self.refresh()
            self.select(row.agreement.id)

    def terminate(self) -> None:
        row = self.selected()
        if row is None:
            return
        a = row.agreement
        if a.terminated_on is None:
            if TerminationDialog(self.db, a.id, parent=self, today=self.today).exec():
                self.refresh()
            return
        answer = QMessageBox.question(
            self,
            self.tr("撤销终止"),
            self.tr("撤销“%1”的终止？撤销后状态按生效、终止日期确定。").replace("%1", a.number),
        )
        if answer == QMessageBox.StandardButton.Yes:
            with self.db.session() as s:
                if run_guarded(
                    self, lambda: agreement_terms.cancel_termination(s, agreement_id=a.id)
                ):
                    self.refresh()

    def delete(self) -> None:
        row = self.selected()
        if row is None:
            return
        a = row.agreement
        delete_after_asking(
            self,
            self.tr("删除协议"),
            self.tr("确定删除协议“%1 %2”及其服务量和附件吗？此操作不能撤销。")
            .replace("%1", a.number)
            .replace("%2", a.title),
            lambda s: store.delete_agreement(s, agreement_id=a.id, version=a.version),
            lambda s: store.lock_problems(s, store.to_data(s.get(Agreement, a.id)), None),
            seen=a.seen(),
        )

    def attach(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.attachment is not None:
            answer = QMessageBox.question(
                self,
                self.tr("替换扫描件"),
                self.tr("已有签署扫描件“%1”，用新文件替换吗？").replace(
                    "%1", row.attachment.file_name
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择签署扫描件"),
            "",
            self.tr("签署扫描件 (*.pdf *.jpg *.jpeg *.png);;所有文件 (*)"),
        )
        if not path:
            return
        agreement_id = row.agreement.id
        with self.db.session() as s:
            done = run_guarded(
                self, lambda: attachments.attach_file(s, agreement_id=agreement_id, path=path)
            )
        if done:
            self.refresh()
            self.select(agreement_id)

    def open_attachment(self) -> None:
        row = self.selected()
        if row is None or row.attachment is None:
            return
        try:
            with self.db.session() as s:
                path = attachments.write_for_viewing(s, agreement_id=row.agreement.id)
        except attachments.AttachmentMismatch as exc:
            QMessageBox.critical(self, self.tr("附件校验失败"), str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            QMessageBox.warning(
                self,
                self.tr("无法打开附件"),
                self.tr("系统没有可打开该文件的程序。文件已校验无误并保存在：%1").replace(
                    "%1", str(path)
                ),
            )

    def select(self, agreement_id: int) -> None:
        select_where(self.table, self.proxy, lambda row: row.agreement.id == agreement_id)
