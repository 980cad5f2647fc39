"""季度报表: pick a quarter, fill the cover, check, export Excel and PDF, print, submit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.store.settings import get_setting, set_setting
from ylt_desktop.ui.dialogs.exported import documents_folder, show_exported
from ylt_desktop.ui.dialogs.record import run_guarded
from ylt_desktop.ui.errors import show_error
from ylt_desktop.ui.export_worker import ExportWorker
from ylt_desktop.ui.widgets.forms import from_qdate
from ylt_desktop.ui.widgets.permissions import gate

COVER_KEY = "return.cover"
FOLDER_KEY = "return.folder"
TEXT_FIELDS = (
    ("filler_unit", QT_TRANSLATE_NOOP("ReturnsPage", "填报单位")),
    ("unit_head", QT_TRANSLATE_NOOP("ReturnsPage", "单位负责人")),
    ("stats_head", QT_TRANSLATE_NOOP("ReturnsPage", "统计负责人")),
    ("preparer", QT_TRANSLATE_NOOP("ReturnsPage", "填表人")),
    ("phone", QT_TRANSLATE_NOOP("ReturnsPage", "联系电话")),
)
CheckRole = Qt.ItemDataRole.UserRole + 1


def recent_quarters(today: dt.date, count: int = 12) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].prev())
    return quarters


class ReturnsPage(QWidget):
    """Emits ``open_record(kind, id)`` when a problem is double-clicked."""

    open_record = Signal(str, int)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.worker: ExportWorker | None = None
        self.last_paths: list[Path] = []
        today = dt.date.today()
        self.quarter = QComboBox()
        for q in recent_quarters(today):
            self.quarter.addItem(q.label, str(q))
        self.quarter.setCurrentIndex(self.quarter.findData(str(Quarter.last_finished(today))))
        self.quarter.currentIndexChanged.connect(self.show_status)
        self.status = QLabel()
        self.cover: dict[str, QLineEdit] = {key: QLineEdit() for key, _ in TEXT_FIELDS}
        self.report_date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.report_date.setDisplayFormat("yyyy-MM-dd")
        self.full_ids = QCheckBox(self.tr("完整证件号（仅供内部留存）"))
        self.problems = QListWidget()
        self.problems.itemDoubleClicked.connect(self._jump)
        self.check_button = QPushButton(self.tr("检查"))
        self.xlsx_button = QPushButton(self.tr("导出 Excel"))
        self.pdf_button = QPushButton(self.tr("导出 PDF"))
        self.both_button = QPushButton(self.tr("导出 Excel 和 PDF"))
        self.submit_button = QPushButton(self.tr("标记已报送"))
        self.reopen_button = QPushButton(self.tr("重新打开…"))
        self.preview_button = QPushButton(self.tr("打印预览…"))
        self.print_button = QPushButton(self.tr("打印…"))
        self.check_button.clicked.connect(self.run_check)
        self.xlsx_button.clicked.connect(lambda: self.export(xlsx=True, pdf=False))
        self.pdf_button.clicked.connect(lambda: self.export(xlsx=False, pdf=True))
        self.both_button.clicked.connect(lambda: self.export(xlsx=True, pdf=True))
        self.submit_button.clicked.connect(self.submit)
        self.reopen_button.clicked.connect(self.reopen)
        self.preview_button.clicked.connect(self.print_preview)
        self.print_button.clicked.connect(self.print_direct)
        self.may_submit = gate(self.submit_button, db, Permission.SUBMIT)
        self.may_reopen = gate(self.reopen_button, db, Permission.REOPEN)
        gate(self.full_ids, db, Permission.EXPORT_FULL_IDS)
        self._layout()
        self._load_cover()
        # Saved as typed: nothing typed is lost, whatever happens before the next export.
        for edit in self.cover.values():
            edit.textEdited.connect(self._save_cover)
        self.show_status()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("报告期")))
        top.addWidget(self.quarter)
        top.addWidget(self.status, 1)
        cover_box = QGroupBox(self.tr("封面与签字栏（下次自动带出）"))
        form = QFormLayout(cover_box)
        for key, label in TEXT_FIELDS:
            form.addRow(self.tr(label), self.cover[key])
        form.addRow(self.tr("报出日期"), self.report_date)
        form.addRow("", self.full_ids)
        buttons = QHBoxLayout()
        for b in (self.check_button, self.xlsx_button, self.pdf_button, self.both_button):
            buttons.addWidget(b)
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.reopen_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(cover_box)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("检查结果（双击跳转到记录；错误阻止导出，警告不阻止）")))
        layout.addWidget(self.problems, 1)

    def selected_quarter(self) -> Quarter:
        return Quarter.parse(self.quarter.currentData())

    def cover_fields(self) -> dict:
        fields = {key: edit.text().strip() for key, edit in self.cover.items()}
        fields["report_date"] = from_qdate(self.report_date.date())
        return fields

    def _load_cover(self) -> None:
        from ylt_desktop.store.institutions import lead_institution

        with self.db.session() as s:
            saved = get_setting(s, COVER_KEY, {})
            lead = lead_institution(s)
            lead_name = lead.name if lead is not None else None
        for key, edit in self.cover.items():
            edit.setText(saved.get(key, ""))
        if lead_name:  # the return prints the lead unit when this is left empty
            self.cover["filler_unit"].setPlaceholderText(
                self.tr("留空即为牵头单位：%1").replace("%1", lead_name)
            )

    def _save_cover(self) -> None:
        fields = {k: v for k, v in self.cover_fields().items() if k != "report_date"}
        with self.db.session() as s:
            set_setting(s, key=COVER_KEY, value=fields)

    def show_status(self) -> None:
        from ylt_desktop.store.models import QuarterLock

        with self.db.session() as s:
            lock = s.get(QuarterLock, str(self.selected_quarter()))
        if lock is None:
            self.status.setText(self.tr("未报送"))
        else:
            when = lock.submitted_at.strftime("%Y-%m-%d %H:%M")
            self.status.setText(
                self.tr("已报送：%1 由 %2 报送，数据已锁定")
                .replace("%1", when)
                .replace("%2", lock.submitted_by)
            )
        self.submit_button.setEnabled(lock is None and self.may_submit)
        self.reopen_button.setEnabled(lock is not None and self.may_reopen)

    def run_check(self) -> list:
        from ylt_desktop.returns.check import check_quarter

        with self.db.session() as s:
            items = check_quarter(s, self.selected_quarter(), cover_fields=self.cover_fields())
        self.show_problems(items)
        return items

    def show_problems(self, items: list) -> None:
        """The summary line first, then the items as ``check_quarter`` orders them."""
        self.problems.clear()
        errors = sum(1 for i in items if i.is_error)
        head = QListWidgetItem(
            self.tr("%1 个错误，%2 个警告")
            .replace("%1", str(errors))
            .replace("%2", str(len(items) - errors))
        )
        font = head.font()
        font.setBold(True)
        head.setFont(font)
        self.problems.addItem(head)
        if not items:
            self.problems.addItem(self.tr("没有发现问题，可以导出。"))
        for item in items:
            prefix = self.tr("错误") if item.is_error else self.tr("警告")
            row = QListWidgetItem(f"[{prefix}] {item.message}")
            row.setForeground(
                Qt.GlobalColor.darkRed if item.is_error else Qt.GlobalColor.darkYellow
            )
            row.setData(CheckRole, item)
            self.problems.addItem(row)

    def _jump(self, row: QListWidgetItem) -> None:
        item = row.data(CheckRole)
        if item is not None and item.record_id is not None:
            self.open_record.emit(item.kind, item.record_id)

    def choose_folder(self) -> Path | None:
        with self.db.session() as s:
            start = get_setting(s, FOLDER_KEY, None) or documents_folder()
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择保存报表的文件夹"), start)
        if not folder:
            return None
        with self.db.session() as s:
            set_setting(s, key=FOLDER_KEY, value=folder)
        return Path(folder)

    def id_reason(self) -> str | None:
        """With whole ID numbers: the reason (asked, logged by the store); None when cancelled."""
        if not self.full_ids.isChecked():
            return ""
        from PySide6.QtWidgets import QInputDialog

        reason, ok = QInputDialog.getText(
            self,
            self.tr("完整证件号"),
            self.tr("导出完整证件号码的用途（将记入日志）："),
        )
        return reason.strip() if ok and reason.strip() else None

    def export(self, *, xlsx: bool, pdf: bool) -> None:
        reason = self.id_reason()
        if reason is None:
            return
        folder = self.choose_folder()
        if folder is None:
            return
        self._save_cover()
        self.start_export(folder, xlsx=xlsx, pdf=pdf, id_reason=reason)

    def start_export(
        self, folder: Path, *, xlsx: bool, pdf: bool, id_reason: str = ""
    ) -> ExportWorker:
        self.worker = ExportWorker(
            self.db,
            self.selected_quarter(),
            folder,
            cover_fields=self.cover_fields(),
            full_ids=self.full_ids.isChecked(),
            id_reason=id_reason,
            xlsx=xlsx,
            pdf=pdf,
        )
        dialog = QProgressDialog(self.tr("正在导出报表…"), self.tr("取消"), 0, 100, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(self.worker.cancel)
        # A bound slot of this page, so the call is queued onto the GUI thread.
        self.worker.progress.connect(self._on_progress)
        for signal in (self.worker.done, self.worker.cancelled, self.worker.failed):
            signal.connect(dialog.reset)
        self.worker.done.connect(self._exported)
        self.worker.cancelled.connect(self._cancelled)
        self.worker.failed.connect(self._failed)
        self.progress_dialog = dialog
        self.worker.start()
        return self.worker

    def _on_progress(self, done: int, total: int) -> None:
        self.progress_dialog.setValue(done * 100 // max(total, 1))

    def _exported(self, paths: list) -> None:
        self.last_paths = paths
        show_exported(self, paths)

    def _cancelled(self) -> None:
        QMessageBox.information(self, self.tr("已取消"), self.tr("导出已取消，没有写入任何文件。"))

    def _failed(self, exc: BaseException) -> None:
        from ylt_desktop.returns.files import ExportBlocked

        if isinstance(exc, ExportBlocked):
            self.show_problems(exc.items)
            QMessageBox.warning(self, self.tr("不能导出"), str(exc))
        else:
            show_error(self, exc)

    def submit(self) -> None:
        from ylt_desktop.returns import snapshot

        quarter = self.selected_quarter()
        answer = QMessageBox.question(
            self,
            self.tr("标记已报送"),
            self.tr("标记%1已报送后，该季度的数据将被锁定，只有审核人可以解锁。继续吗？").replace(
                "%1", quarter.label
            ),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def submit() -> None:
            with self.db.session() as s:
                snapshot.submit(s, quarter=quarter)

        if not run_guarded(self, submit):  # errors stand: say which, lock nothing
            self.run_check()
        self.show_status()

    def reopen(self) -> None:
        """Unlock a submitted quarter; the reason is logged (DESIGN.md §3)."""
        from PySide6.QtWidgets import QInputDialog

        from ylt_desktop.store import quarters

        quarter = self.selected_quarter()
        reason, ok = QInputDialog.getText(
            self,
            self.tr("重新打开"),
            self.tr("重新打开%1的原因（将记入日志）：").replace("%1", quarter.label),
        )
        if not ok or not reason.strip():
            return

        def reopen() -> None:
            with self.db.session() as s:
                quarters.reopen_quarter(s, quarter=quarter, reason=reason.strip())

        run_guarded(self, reopen)
        self.show_status()

    def current_return(self, id_reason: str = ""):  # noqa: ANN201
        from ylt_desktop.returns.rows import quarter_rows
        from ylt_desktop.store.quarters import log_full_id_export

        with self.db.session() as s:
            if self.full_ids.isChecked():  # refused (and shown) unless a reviewer gave a reason
                log_full_id_export(s, quarter=self.selected_quarter(), reason=id_reason)
            return quarter_rows(
                s,
                self.selected_quarter(),
                cover_fields=self.cover_fields(),
                full_ids=self.full_ids.isChecked(),
            )

    def print_preview(self) -> None:
        from ylt_desktop.ui.print_return import ReturnPreviewDialog

        self._save_cover()
        ret = self._allowed_return()
        if ret is None:
            return
        dialog = ReturnPreviewDialog(ret, self.font().family(), self)
        dialog.setWindowTitle(self.tr("打印预览"))
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()  # the C++ dialog goes first, then the printer it points to

    def print_direct(self) -> int:
        """打印: the system's print dialog, then the return painted onto the chosen printer.

        Returns the number of pages printed (0 when the dialog was cancelled).
        """
        from PySide6.QtPrintSupport import QPrintDialog

        from ylt_desktop.ui.print_return import PrintFailed, new_printer, print_return

        self._save_cover()
        ret = self._allowed_return()
        if ret is None:
            return 0
        printer = new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印报表"))
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
        finally:
            dialog.deleteLater()
        try:
            return print_return(ret, printer, self.font().family())
        except PrintFailed as exc:
            QMessageBox.warning(self, self.tr("打印失败"), str(exc))
            return 0

    def _allowed_return(self):  # noqa: ANN202
        """The return to print; with whole ID numbers only after a reason, as the store rules
        (refused, and said why, for a 填表人). None when cancelled or refused."""
        reason = self.id_reason()
        if reason is None:
            return None
        made: list = []
        if not run_guarded(self, lambda: made.append(self.current_return(reason))):
            return None
        return made[0]
