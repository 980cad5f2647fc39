"""季度报表's data-package panel (DESIGN.md §7), one for each kind of database.

``LeadExchangeBox`` (the lead): each member's 未报送 / 已报送 / 已退回 for the page's quarter,
opening members' data packages, 退回 with a reason, 名册包. ``MemberExchangeBox`` (a member):
making the quarter's data package and what the lead decided (accepted and locked, or returned
with the reason). The packages' background work and dialogs belong to the page (``page``): its
``stop_work`` waits for them and tests wait on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.ui.dialogs.record import run_guarded
from ylt_desktop.ui.widgets.permissions import gate

if TYPE_CHECKING:
    from ylt_desktop.ui.pages.returns import ReturnsPage

MEMBER_COLUMNS = (
    QT_TRANSLATE_NOOP("LeadExchangeBox", "成员单位"),
    QT_TRANSLATE_NOOP("LeadExchangeBox", "状态"),
    QT_TRANSLATE_NOOP("LeadExchangeBox", "时间"),
    QT_TRANSLATE_NOOP("LeadExchangeBox", "经办人"),
    QT_TRANSLATE_NOOP("LeadExchangeBox", "制作人"),
    QT_TRANSLATE_NOOP("LeadExchangeBox", "数据包"),
    QT_TRANSLATE_NOOP("LeadExchangeBox", "退回原因"),
)
STATUS_COLOURS = {"已报送": "#1b5e20", "已退回": "#b00020", "未报送": "#8a6d00"}


class LeadExchangeBox(QGroupBox):
    """成员单位报送情况: who has reported the quarter, open packages, 退回."""

    def __init__(self, page: ReturnsPage) -> None:
        super().__init__()  # parented by the page's layout (its place in the tab order)
        self.page, self.db = page, page.db
        self.member_rows: list = []
        self.setTitle(self.tr("成员单位报送情况（数据包）"))
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
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.members_table, 1)

    def refresh(self) -> None:
        """Each member's status for the page's quarter."""
        from ylt_desktop.store import exchange

        quarter = self.page.selected_quarter()
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

    def open_packages(self, paths: list | None = None) -> None:
        from ylt_desktop.ui.dialogs.packages import open_data_packages

        open_data_packages(self.page, self.db, paths or None, on_applied=self.page.after_packages)

    def make_rosters(self) -> None:
        from ylt_desktop.ui.dialogs.packages import RosterDialog, exchange_ready

        if not exchange_ready(self.page, self.db):
            return
        m = self.selected_member()
        RosterDialog(self.db, self.page, member_ids=[m.member_id] if m else None).exec()

    def return_member(self) -> None:
        """退回: the reason is required; the member reads it in its next roster."""
        from PySide6.QtWidgets import QInputDialog

        from ylt_desktop.store import exchange

        m = self.selected_member()
        if m is None:
            return
        quarter = self.page.selected_quarter()
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
        self.page.show_status()


class MemberExchangeBox(QGroupBox):
    """向牵头单位报送: make the quarter's data package; what the lead decided."""

    def __init__(self, page: ReturnsPage) -> None:
        super().__init__()  # parented by the page's layout (its place in the tab order)
        self.page, self.db = page, page.db
        self.setTitle(self.tr("向牵头单位报送（数据包）"))
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.member_status)
        layout.addWidget(self.returned_label)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        """What the lead decided about the page's quarter, and every quarter it returned."""
        from ylt_desktop.exchange import returned_quarters
        from ylt_desktop.store import exchange

        quarter = self.page.selected_quarter()
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

    def make_package(self) -> None:
        from ylt_desktop.ui.dialogs.packages import make_data_package_for

        make_data_package_for(self.page, self.db, self.page.selected_quarter())

    def open_roster(self) -> None:
        from ylt_desktop.ui.dialogs.packages import open_new_roster

        open_new_roster(self.page, self.db, on_done=self.page.after_packages)
