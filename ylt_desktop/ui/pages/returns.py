"""季度报表: pick a quarter, fill the cover, check, export Excel and PDF, print, submit.

With packages (DESIGN.md §7): the lead's page lists each member's 未报送 / 已报送 / 已退回 for
the quarter, opens members' data packages and returns a quarter with a reason; a member's page
makes the quarter's data package and shows what the lead decided (accepted and locked, or
returned with the reason). That panel is ``returns_exchange.py``; the cover and signature box
``returns_cover.py``; export and print ``returns_output.py`` (``ReturnOutput``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.ui.dialogs.record import run_guarded
from ylt_desktop.ui.export_worker import ExportWorker
from ylt_desktop.ui.pages.returns_cover import COVER_KEY, TEXT_FIELDS, CoverBox
from ylt_desktop.ui.pages.returns_exchange import (
    MEMBER_COLUMNS,
    STATUS_COLOURS,
    LeadExchangeBox,
    MemberExchangeBox,
)
from ylt_desktop.ui.pages.returns_output import FOLDER_KEY, ReturnOutput
from ylt_desktop.ui.widgets.permissions import gate

__all__ = [  # the cover box and the package panel moved out; their names stay importable here
    "COVER_KEY",
    "FOLDER_KEY",
    "MEMBER_COLUMNS",
    "STATUS_COLOURS",
    "TEXT_FIELDS",
    "CoverBox",
    "LeadExchangeBox",
    "MemberExchangeBox",
    "ReturnOutput",
    "ReturnsPage",
    "recent_quarters",
]

CheckRole = Qt.ItemDataRole.UserRole + 1
# The package panel's widgets the page also answers to (as before the panel moved out).
_PANEL_WIDGETS = (
    "exchange_hint",
    "members_table",
    "open_packages_button",
    "return_button",
    "rosters_button",
    "member_status",
    "returned_label",
    "make_package_button",
    "new_roster_button",
)


def recent_quarters(today: dt.date, count: int = 12) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    quarters = [Quarter.containing(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].prev())
    return quarters


class ReturnsPage(ReturnOutput, QWidget):
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
        self.cover_box = CoverBox(db)  # parented by the layout, after the quarter (focus order)
        self.cover = self.cover_box.cover
        self.report_date = self.cover_box.report_date
        self.full_ids = self.cover_box.full_ids
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
        from ylt_desktop.store import exchange

        with db.session() as s:
            self.is_member = exchange.is_member_database(s)
        # A member's database exports its own unit's return, not the consortium's (DESIGN §7).
        self.own_return_note = QLabel()
        self.own_return_note.setWordWrap(True)
        self.own_return_note.setStyleSheet("color: #0d47a1; font-weight: bold;")
        self.own_return_note.setVisible(self.is_member)
        self.exchange_box = (MemberExchangeBox if self.is_member else LeadExchangeBox)(self)
        for name in _PANEL_WIDGETS:  # the panel's widgets, by their names of before
            if hasattr(self.exchange_box, name):
                setattr(self, name, getattr(self.exchange_box, name))
        self._layout()
        self.show_status()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("报告期")))
        top.addWidget(self.quarter)
        top.addWidget(self.status, 1)
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
        if self.is_member:
            layout.addWidget(self.own_return_note)
        layout.addWidget(self.cover_box)
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

    def show_exchange(self) -> None:
        self.exchange_box.refresh()

    def open_packages(self, paths: list | None = None) -> None:
        """打开成员数据包… (also files dropped on the window): the lead's panel opens them."""
        self.exchange_box.open_packages(paths)

    def after_packages(self) -> None:
        """The lead accepted packages, or a member opened a roster."""
        self.show_status()
        self.packages_applied.emit()

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

    def selected_quarter(self) -> Quarter:
        return Quarter.parse(self.quarter.currentData())

    def cover_fields(self) -> dict:
        return self.cover_box.fields()

    def _save_cover(self) -> bool:
        """Remember the cover before an export or a print; False (said, nothing done) while a
        field holds an identity number typed there (the return would print it)."""
        from ylt_desktop.domain.problems import RuleViolation

        try:
            self.cover_box.save()
        except RuleViolation as exc:
            self.cover_box.show_problems()
            QMessageBox.warning(
                self,
                self.tr("封面有误"),
                "\n".join(p.message for p in exc.problems if p.is_error),
            )
            return False
        return True

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
        if self.is_member:
            self.own_return_note.setText(self._own_return_text())
        self.show_exchange()

    def _own_return_text(self) -> str:
        from ylt_desktop.store import exchange
        from ylt_desktop.store.models import Institution

        with self.db.session() as s:
            own = exchange.own_member_id(s)
            unit = s.get(Institution, own) if own is not None else None
            name = unit.name if unit is not None else ""
        return self.tr(
            "本库是“%1”的成员库：这里检查、导出和打印的是本单位自己的报表（成员单位报表），"
            "只含本单位的数据，封面和文件名都注明成员单位；医联体的季度报表由牵头单位汇总填报。"
        ).replace("%1", name)

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
