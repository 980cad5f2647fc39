"""数据交换 at the lead: 设置交换口令… (``PassphraseDialog``), 生成名册包… (``RosterDialog``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import run_in_background
from ylt_desktop.ui.dialogs.package_common import (
    REFUSED_STYLE,
    _remember_folder,
    _start_folder,
    action_buttons,
    show_refusal,
)
from ylt_desktop.ui.widgets.permissions import gate


class PassphraseDialog(QDialog):
    """设置交换口令 (管理员): typed twice; the database keeps only its check value."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from ylt_desktop.store import exchange

        self.db = db
        self.setWindowTitle(self.tr("设置数据交换口令"))
        with db.session() as s:
            already = exchange.exchange_in_use(s)
        intro = QLabel(
            self.tr(
                "成员单位的数据包和发给成员单位的名册包都用这个口令加密。"
                "请当面或电话告知各成员单位，不要与文件一起发送。"
            )
            + (
                self.tr("\n修改口令后，须给每个成员单位重新生成名册包（用新口令打开）。")
                if already
                else ""
            )
        )
        intro.setWordWrap(True)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for edit in (self.first, self.second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.textChanged.connect(self._check)
        self.problem = QLabel()
        self.problem.setStyleSheet(REFUSED_STYLE)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("交换口令"), self.first)
        form.addRow(self.tr("再输入一次"), self.second)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("设置"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.may = gate(self.ok_button, db, Permission.MANAGE_EXCHANGE)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._check()

    def _problem(self) -> str:
        from ylt_desktop.store.exchange import passphrase_problems

        problems = passphrase_problems(self.first.text())
        if problems:
            return problems[0].message
        if not self.first.text().isascii():
            # Windows turns the input method off in a password box: members could not type it.
            return self.tr("交换口令请只用字母、数字和符号（密码框中不能用输入法输入汉字）")
        if self.second.text() != self.first.text():
            return self.tr("两次输入的交换口令不一致")
        return ""

    def _check(self) -> None:
        text = self._problem()
        shown = text if (self.first.text() or self.second.text()) else ""
        self.problem.setText(shown)
        self.ok_button.setEnabled(self.may and not text)

    def save(self) -> None:
        from ylt_desktop.store import exchange
        from ylt_desktop.ui.dialogs.record import run_guarded

        if self._problem():
            return

        def save() -> None:
            with self.db.session() as s:
                exchange.set_passphrase(s, passphrase=self.first.text())

        if run_guarded(self, save):
            QMessageBox.information(
                self,
                self.tr("已设置"),
                self.tr("已设置数据交换口令（数据库只保存其校验值，已记入操作日志）。"),
            )
            self.accept()


# ---------------------------------------------------------------- lead: rosters


class RosterDialog(QDialog):
    """生成名册包: for the chosen members, into a folder, with the exchange passphrase."""

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, member_ids: list[int] | None = None
    ) -> None:
        super().__init__(parent)
        import datetime as dt

        from ylt_desktop.store import exchange

        self.db = db
        self.paths: list[Path] = []
        self.setWindowTitle(self.tr("生成名册包"))
        self.resize(560, 520)
        with db.session() as s:
            units = exchange.member_units(s, Quarter.containing(dt.date.today()))
            self.units = [(u.id, u.name) for u in units]
        intro = QLabel(
            self.tr(
                "名册包交给成员单位，用来建立或更新它的成员库（本医联体的成员单位、"
                "它参与的协议、来它这里流动的外单位人员，以及各季度的接收/退回情况）。"
            )
        )
        intro.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找单位"))
        self.search.textChanged.connect(self._filter)
        self.members = QListWidget()
        self.members.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        for unit_id, name in self.units:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, unit_id)
            self.members.addItem(item)
            if member_ids and unit_id in member_ids:
                item.setSelected(True)
        self.select_all = QPushButton(self.tr("全选"))
        self.select_all.clicked.connect(self.members.selectAll)
        self.folder = QLineEdit(_start_folder(db))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("保存到"), folder_row)
        form.addRow(self.tr("交换口令"), self.passphrase)
        self.buttons, self.make_button, self.may = action_buttons(
            self, db, self.tr("生成名册包"), self.tr("取消"), self.make, Permission.RECEIVE_PACKAGE
        )
        for signal in (self.members.itemSelectionChanged, self.passphrase.textChanged,
                       self.folder.textChanged):  # fmt: skip
            signal.connect(self._enable)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.select_all)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.members, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._enable()

    def _filter(self, text: str) -> None:
        for row in range(self.members.count()):
            item = self.members.item(row)
            item.setHidden(bool(text) and text not in item.text())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("名册包保存到"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def chosen(self) -> list[int]:
        return [i.data(Qt.ItemDataRole.UserRole) for i in self.members.selectedItems()]

    def _enable(self) -> None:
        ready = bool(self.chosen() and self.passphrase.text() and self.folder.text().strip())
        self.make_button.setEnabled(self.may and ready)

    def make(self) -> None:
        from ylt_desktop.exchange import make_rosters

        if not self.make_button.isEnabled():
            return
        ids, folder, passphrase = (
            self.chosen(),
            Path(self.folder.text().strip()),
            self.passphrase.text(),
        )
        _remember_folder(self.db, str(folder))

        def work() -> list[Path]:
            with self.db.session() as s:
                return make_rosters(s, member_ids=ids, passphrase=passphrase, out_dir=folder)

        run_in_background(self, self.tr("正在生成名册包…"), work, self._made, self._failed)

    def _made(self, paths: list[Path]) -> None:
        self.paths = paths
        QMessageBox.information(
            self,
            self.tr("已生成名册包"),
            self.tr("已生成 %1 个名册包，保存在：\n%2\n\n请把每个文件交给对应的成员单位；"
                    "交换口令请当面或电话告知，不要与文件一起发送。")
            .replace("%1", str(len(paths)))
            .replace("%2", str(paths[0].parent) if paths else ""),
        )  # fmt: skip
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from ylt_desktop.exchange import RostersIncomplete

        if not isinstance(exc, RostersIncomplete):
            show_refusal(self, self.tr("不能生成名册包"), exc)
            return
        # Some were written: say which (where) and which not; those not stay chosen to retry.
        self.paths = [path for _name, path in exc.written]
        QMessageBox.warning(self, self.tr("名册包未全部生成"), str(exc))
        for row in range(self.members.count()):
            item = self.members.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in exc.written_ids:
                item.setSelected(False)
        if exc.program_error:
            show_refusal(self, self.tr("不能生成名册包"), exc.cause)  # a program error
