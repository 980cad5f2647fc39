"""季度报表: pick a quarter, fill the cover, check, export Excel and PDF, print, submit.

With packages (DESIGN.md §7): the lead's page lists each member's 未报送 / 已报送 / 已退回 for
the quarter, opens members' data packages and returns a quarter with a reason; a member's page
makes the quarter's data package and shows what the lead decided (accepted and locked, or
returned with the reason).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, Signal
from PySide6.QtGui import QColor
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
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
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
MEMBER_COLUMNS = (
    QT_TRANSLATE_NOOP("ReturnsPage", "成员单位"),
    QT_TRANSLATE_NOOP("ReturnsPage", "状态"),
    QT_TRANSLATE_NOOP("ReturnsPage", "时间"),
    QT_TRANSLATE_NOOP("ReturnsPage", "经办人"),
    QT_TRANSLATE_NOOP("ReturnsPage", "制作人"),
    QT_TRANSLATE_NOOP("ReturnsPage", "数据包"),
    QT_TRANSLATE_NOOP("ReturnsPage", "退回原因"),
)
STATUS_COLOURS = {"已报送": "#1b5e20", "已退回": "#b00020", "未报送": "#8a6d00"}


def recent_quarters(today: dt.date, count: int = 12) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].prev())
    return quarters


class ReturnsPage(QWidget):
    """Emits ``open_record(kind, id)`` when a problem is double-clicked."""

    open_record = Signal(str, int)
    packages_applied = Signal()  # the lead accepted packages, or a member opened a roster

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.worker: ExportWorker | None = None
        self._closing = False
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
        from ylt_desktop.store import exchange

        with db.session() as s:
            self.is_member = exchange.is_member_database(s)
        self.exchange_box = self._member_box() if self.is_member else self._lead_box()
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
        checks = QWidget()
        check_layout = QVBoxLayout(checks)
        check_layout.setContentsMargins(0, 0, 0, 0)
        check_layout.addWidget(
            QLabel(self.tr("检查结果（双击跳转到记录；错误阻止导出，警告不阻止）"))
        )
        check_layout.addWidget(self.problems, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(checks)
        split.setChildrenCollapsible(False)
        if self.is_member:  # the member's one job here comes first: its data package
            layout.insertWidget(1, self.exchange_box)
        else:  # 45 members' rows want more room than the check's few lines
            split.addWidget(self.exchange_box)
            split.setStretchFactor(0, 1)
            split.setStretchFactor(1, 2)
        layout.addWidget(split, 1)

    # ------------------------------------------------------------ packages (DESIGN §7)

    def _lead_box(self) -> QGroupBox:
        """成员单位报送情况: who has reported the quarter, open packages, 退回."""
        box = QGroupBox(self.tr("成员单位报送情况（数据包）"))
        self.exchange_hint = QLabel()
        self.exchange_hint.setWordWrap(True)
        self.members_table = QTableWidget(0, len(MEMBER_COLUMNS))
        self.members_table.setHorizontalHeaderLabels([self.tr(c) for c in MEMBER_COLUMNS])
        self.members_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.members_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.members_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.members_table.verticalHeader().setVisible(False)
        self.members_table.horizontalHeader().setStretchLastSection(True)
        self.members_table.itemSelectionChanged.connect(self._enable_return)
        self.open_packages_button = QPushButton(self.tr("打开成员数据包…"))
        self.open_packages_button.setToolTip(
            self.tr("可一次选择多个文件，也可以把文件拖到本窗口上")
        )
        self.return_button = QPushButton(self.tr("退回…"))
        self.rosters_button = QPushButton(self.tr("生成名册包…"))
        self.open_packages_button.clicked.connect(self.open_packages)
        self.return_button.clicked.connect(self.return_member)
        self.rosters_button.clicked.connect(self.make_rosters)
        self.may_receive = gate(self.open_packages_button, self.db, Permission.RECEIVE_PACKAGE)
        gate(self.return_button, self.db, Permission.RECEIVE_PACKAGE)
        gate(self.rosters_button, self.db, Permission.RECEIVE_PACKAGE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.exchange_hint, 1)
        buttons.addWidget(self.open_packages_button)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.rosters_button)
        layout = QVBoxLayout(box)
        layout.addLayout(buttons)
        layout.addWidget(self.members_table, 1)
        return box

    def _member_box(self) -> QGroupBox:
        """向牵头单位报送: make the quarter's data package; what the lead decided."""
        box = QGroupBox(self.tr("向牵头单位报送（数据包）"))
        self.member_status = QLabel()
        self.member_status.setWordWrap(True)
        self.returned_label = QLabel()
        self.returned_label.setWordWrap(True)
        self.returned_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.make_package_button = QPushButton(self.tr("生成数据包…"))
        self.new_roster_button = QPushButton(self.tr("导入新名册…"))
        self.make_package_button.clicked.connect(self.make_package)
        self.new_roster_button.clicked.connect(self.open_roster)
        gate(self.new_roster_button, self.db, Permission.RECEIVE_PACKAGE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make_package_button)
        buttons.addWidget(self.new_roster_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(self.member_status)
        layout.addWidget(self.returned_label)
        layout.addLayout(buttons)
        return box

    def show_exchange(self) -> None:
        if self.is_member:
            self._show_member_exchange()
        else:
            self._show_lead_exchange()

    def _show_lead_exchange(self) -> None:
        from ylt_desktop.store import exchange

        quarter = self.selected_quarter()
        with self.db.session() as s:
            in_use = exchange.exchange_in_use(s)
            self.member_rows = exchange.report_status(s, quarter)
        table = self.members_table
        table.setRowCount(len(self.member_rows))
        for r, m in enumerate(self.member_rows):
            values = (
                m.name,
                m.status,
                f"{m.at:%Y-%m-%d %H:%M}" if m.at else "",
                m.by,
                m.made_by,
                m.file_name,
                m.reason,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 1:
                    item.setForeground(QColor(STATUS_COLOURS.get(m.status, "#000")))
                if c == 6 and m.reason:
                    item.setToolTip(m.reason)
                if c == 5 and m.package_created:
                    item.setToolTip(
                        self.tr("生成于 %1").replace("%1", f"{m.package_created:%Y-%m-%d %H:%M}")
                    )
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        done = sum(1 for m in self.member_rows if m.status == exchange.REPORTED)
        if not in_use:
            self.exchange_hint.setText(
                self.tr(
                    "尚未设置数据交换口令：成员单位用数据包报送前，请管理员在“数据交换”菜单中设置。"
                )
            )
        else:
            self.exchange_hint.setText(
                self.tr("%1：已报送 %2 个，共 %3 个成员单位")
                .replace("%1", quarter.label)
                .replace("%2", str(done))
                .replace("%3", str(len(self.member_rows)))
            )
        self._enable_return()

    def selected_member(self):  # noqa: ANN201
        rows = self.members_table.selectionModel().selectedRows()
        return self.member_rows[rows[0].row()] if rows else None

    def _enable_return(self) -> None:
        from ylt_desktop.store import exchange

        m = self.selected_member()
        self.return_button.setEnabled(
            self.may_receive and m is not None and m.status == exchange.REPORTED
        )

    def _show_member_exchange(self) -> None:
        from ylt_desktop.exchange import returned_quarters
        from ylt_desktop.store import exchange

        quarter = self.selected_quarter()
        with self.db.session() as s:
            own = exchange.own_member_id(s)
            latest = exchange.latest_event(s, own, quarter) if own is not None else None
            returned = returned_quarters(s)
        if latest is not None and latest.action == exchange.ACCEPT:
            self.member_status.setText(
                self.tr("牵头单位已于 %1 接收%2的数据包（%3），本季度已锁定。")
                .replace("%1", f"{latest.at:%Y-%m-%d %H:%M}")
                .replace("%2", quarter.label)
                .replace("%3", latest.by)
            )
            self.make_package_button.setEnabled(False)
            self.make_package_button.setToolTip(self.tr("牵头单位已接收本季度的数据包"))
        else:
            self.member_status.setText(
                self.tr("填好本季度的数据后，点“生成数据包…”，把生成的文件交给牵头单位。"
                        "牵头单位接收后，本季度会锁定（在下一次名册包中生效）。")
            )  # fmt: skip
            self.make_package_button.setEnabled(True)
            self.make_package_button.setToolTip("")
        self.returned_label.setText(
            "\n".join(
                self.tr("牵头单位退回了%1的数据（%3，%4）：%2。请修改后重新生成数据包。")
                .replace("%1", Quarter.parse(q).label)
                .replace("%2", reason)
                .replace("%3", f"{at:%Y-%m-%d %H:%M}")
                .replace("%4", by)
                for q, reason, at, by in returned
            )
        )
        self.returned_label.setVisible(bool(returned))

    def open_packages(self, paths: list | None = None) -> None:
        from ylt_desktop.ui.dialogs.packages import open_data_packages

        open_data_packages(self, self.db, paths or None, on_applied=self._packages_applied)

    def _packages_applied(self) -> None:
        self.show_status()
        self.packages_applied.emit()

    def make_rosters(self) -> None:
        from ylt_desktop.ui.dialogs.packages import RosterDialog, exchange_ready

        if not exchange_ready(self, self.db):
            return
        m = self.selected_member()
        RosterDialog(self.db, self, member_ids=[m.member_id] if m else None).exec()

    def return_member(self) -> None:
        """退回: the reason is required; the member reads it in its next roster."""
        from PySide6.QtWidgets import QInputDialog

        from ylt_desktop.store import exchange

        m = self.selected_member()
        if m is None:
            return
        quarter = self.selected_quarter()
        reason, ok = QInputDialog.getText(
            self,
            self.tr("退回"),
            self.tr("退回“%1”%2的数据的原因（成员单位会在下一次名册包中看到）：")
            .replace("%1", m.name)
            .replace("%2", quarter.label),
        )
        if not ok:
            return

        def give_back() -> None:
            with self.db.session() as s:
                exchange.return_quarter(s, member_id=m.member_id, quarter=quarter, reason=reason)

        run_guarded(self, give_back)
        self.show_status()

    def make_package(self) -> None:
        from ylt_desktop.ui.dialogs.packages import make_data_package_for

        make_data_package_for(self, self.db, self.selected_quarter())

    def open_roster(self) -> None:
        from ylt_desktop.ui.dialogs.packages import open_new_roster

        open_new_roster(self, self.db, on_done=self._packages_applied)

    def refresh(self) -> None:
        self.show_status()

    def stop_work(self) -> None:
        """The window closes: a package being written or read finishes first (seconds)."""
        from ylt_desktop.ui.background import wait_for_task

        wait_for_task(self)
        if self.worker is not None and self.worker.running():
            self._closing = True  # the export's outcome is not shown on a closed window
            self.worker.cancel()
            self.worker.thread.wait()
            self.progress_dialog.reset()

    def missing_ok(self) -> bool:
        """Before an export at the lead: the members still missing, named; True to go on."""
        from ylt_desktop.store.exchange import missing_members

        if self.is_member:
            return True
        quarter = self.selected_quarter()
        with self.db.session() as s:
            names = missing_members(s, quarter)
        if not names:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("有成员单位尚未报送"),
            self.tr("%1 个成员单位尚未报送%2的数据包（或已退回）：%3\n\n"
                    "可以导出，但报表中这些单位的数据可能不全。仍要导出吗？")
            .replace("%1", str(len(names)))
            .replace("%2", quarter.label)
            .replace("%3", "、".join(names)),
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

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
        self.show_exchange()

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
        if not self.missing_ok():
            return
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
        """Start the export on its own thread; while it runs, the export buttons are off."""
        if self.worker is not None and self.worker.running():
            return self.worker
        self.worker = worker = ExportWorker(
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
        dialog.setAutoClose(False)
        dialog.canceled.connect(worker.cancel)  # the worker lives on this thread: at once
        # Every signal of the worker is emitted on the GUI thread (ui/background.py).
        worker.progress.connect(self._on_progress)
        worker.done.connect(self._exported)
        worker.cancelled.connect(self._cancelled)
        worker.failed.connect(self._failed)
        self.progress_dialog = dialog
        self._set_exporting(True)
        worker.start()
        return worker

    def _set_exporting(self, running: bool) -> None:
        for button in (self.xlsx_button, self.pdf_button, self.both_button):
            button.setEnabled(not running)

    def _export_ended(self) -> bool:
        """The export's thread is over; False when the page is closing (nothing to show)."""
        self.progress_dialog.reset()
        if self.worker is not None:
            self.worker.thread.wait()
        self._set_exporting(False)
        return not self._closing

    def _on_progress(self, done: int, total: int) -> None:
        if not self.progress_dialog.wasCanceled():
            self.progress_dialog.setValue(done * 100 // max(total, 1))

    def _exported(self, paths: list) -> None:
        if not self._export_ended():
            return
        self.last_paths = paths
        show_exported(self, paths)

    def _cancelled(self) -> None:
        if not self._export_ended():
            return
        QMessageBox.information(self, self.tr("已取消"), self.tr("导出已取消，没有写入任何文件。"))

    def _failed(self, exc: BaseException) -> None:
        from ylt_desktop.returns.files import ExportBlocked

        if not self._export_ended():
            return
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
