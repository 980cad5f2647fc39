"""数据交换: roster packages (lead → member) and data packages (member → lead), DESIGN.md §7.

Only wiring: the rules, permissions and refusals are the store's and ``exchange/``'s. scrypt and
the packages' reading and writing run off the GUI thread (``ui/background.py``).

- lead: 设置交换口令… (``PassphraseDialog``), 生成名册包… (``RosterDialog``), 打开成员数据包…
  (``open_data_packages`` → ``PreviewDialog``: per package what changes, refusals, conflicts with
  a required choice; 应用 applies all or nothing after the backup the API makes);
- member: 生成数据包… (``make_data_package_for``), 导入新名册… (``open_new_roster``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import run_in_background
from ylt_desktop.ui.widgets.permissions import gate

FILE_FILTER = QT_TRANSLATE_NOOP("Packages", "数据交换包 (*.ylt)")
REFUSED_STYLE = "color: #b00020;"
FOLDER_KEY = "exchange.folder"


def show_refusal(parent: QWidget, title: str, exc: BaseException) -> None:
    """A package refused or a rule broken: the Chinese reason; anything else: the error box."""
    from ylt_desktop.exchange import PackageRefused
    from ylt_desktop.ui.errors import show_error

    if isinstance(exc, (PackageRefused, RuleViolation)):
        QMessageBox.warning(parent, title, str(exc))
    else:
        show_error(parent, exc)


def ask_passphrase(parent: QWidget, what: str) -> str | None:
    """The exchange passphrase (hidden while typed); None when cancelled or left empty."""
    text, ok = QInputDialog.getText(
        parent,
        QCoreApplication.translate("Packages", "数据交换口令"),
        QCoreApplication.translate("Packages", "%1，请输入本医联体的数据交换口令：").replace(
            "%1", what
        ),
        QLineEdit.EchoMode.Password,
    )
    return text if ok and text else None


def _start_folder(db: Database) -> str:
    from ylt_desktop.store.settings import get_setting
    from ylt_desktop.ui.dialogs.exported import documents_folder

    with db.session() as s:
        return get_setting(s, FOLDER_KEY, None) or documents_folder()


def _remember_folder(db: Database, folder: str) -> None:
    from ylt_desktop.store.settings import set_setting

    with db.session() as s:
        set_setting(s, key=FOLDER_KEY, value=folder)


def choose_folder(parent: QWidget, db: Database, title: str) -> Path | None:
    folder = QFileDialog.getExistingDirectory(parent, title, _start_folder(db))
    if not folder:
        return None
    _remember_folder(db, folder)
    return Path(folder)


def database_kind(db: Database) -> str:
    from ylt_desktop.store import exchange

    with db.session() as s:
        return exchange.database_kind(s)


def exchange_ready(parent: QWidget, db: Database) -> bool:
    """At the lead: the exchange passphrase is set; else say where to set it (the API's
    refusal names the command line) and return False."""
    from ylt_desktop.store import exchange

    with db.session() as s:
        ready = exchange.is_member_database(s) or exchange.exchange_in_use(s)
    if not ready:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("Packages", "尚未设置数据交换口令"),
            QCoreApplication.translate(
                "Packages",
                "尚未设置数据交换口令：请管理员先在菜单“数据交换 → 设置交换口令…”中设置，"
                "再生成名册包、接收数据包。",
            ),
        )
    return ready


# ---------------------------------------------------------------- the menu


def add_exchange_actions(window: QMainWindow) -> dict[str, QAction]:
    """The menu 数据交换: what the lead's or the member's database can do, greyed out (saying
    why) for a role that may not (the store refuses regardless)."""
    from ylt_desktop.store import exchange

    db: Database = window.db
    menu = window.menuBar().addMenu(QCoreApplication.translate("Packages", "数据交换"))
    menu.setToolTipsVisible(True)
    actions: dict[str, QAction] = {}

    def add(key: str, text: str, slot: Callable[[], Any], permission: Permission | None) -> None:
        action = QAction(text, window)
        action.triggered.connect(lambda _checked=False: slot())
        if permission is not None:
            gate(action, db, permission)
        menu.addAction(action)
        actions[key] = action

    if database_kind(db) == exchange.MEMBER:
        add("make", QCoreApplication.translate("Packages", "生成数据包…"),
            lambda: window.make_data_package(), None)  # fmt: skip
        add("roster", QCoreApplication.translate("Packages", "导入新名册…"),
            lambda: open_new_roster(window, db, on_done=window.packages_changed),
            Permission.RECEIVE_PACKAGE)  # fmt: skip
    else:
        add("open", QCoreApplication.translate("Packages", "打开成员数据包…"),
            lambda: open_data_packages(window, db, None, on_applied=window.packages_changed),
            Permission.RECEIVE_PACKAGE)  # fmt: skip
        add("rosters", QCoreApplication.translate("Packages", "生成名册包…"),
            lambda: exchange_ready(window, db) and RosterDialog(db, window).exec(),
            Permission.RECEIVE_PACKAGE)  # fmt: skip
        menu.addSeparator()
        add("passphrase", QCoreApplication.translate("Packages", "设置交换口令…"),
            lambda: PassphraseDialog(db, window).exec(), Permission.MANAGE_EXCHANGE)  # fmt: skip
    window._ylt_exchange_actions = actions  # noqa: SLF001 - for tests
    return actions


def package_files(paths: list[str | Path]) -> list[Path]:
    """The ``.ylt`` files among dropped paths."""
    return [Path(p) for p in paths if str(p).lower().endswith(".ylt") and Path(p).is_file()]


def open_files(window: QWidget, db: Database, paths: list[Path], on_changed: Callable) -> None:
    """Files dropped onto the window: a roster in a member's database, data packages at the
    lead (each refused file is named in the preview)."""
    from ylt_desktop.exchange import PackageRefused
    from ylt_desktop.exchange.sealed import read_file
    from ylt_desktop.store import exchange

    kinds = set()
    for path in paths:
        try:
            kinds.add(read_file(path).kind)
        except PackageRefused:
            kinds.add("data")
        except OSError as exc:
            show_refusal(window, QCoreApplication.translate("Packages", "不能打开"), exc)
            return
    if database_kind(db) == exchange.MEMBER:
        if kinds != {"roster"} or len(paths) != 1:
            QMessageBox.warning(
                window,
                QCoreApplication.translate("Packages", "不能打开"),
                QCoreApplication.translate(
                    "Packages",
                    "成员库只能打开牵头单位发来的名册包（一次一个）；"
                    "数据包应由牵头单位的汇总库打开。",
                ),
            )
            return
        open_new_roster(window, db, paths[0], on_done=on_changed)
        return
    if "roster" in kinds:
        QMessageBox.warning(
            window,
            QCoreApplication.translate("Packages", "不能打开"),
            QCoreApplication.translate(
                "Packages",
                "名册包是发给成员单位的，应在成员单位的电脑上打开；汇总库只打开成员单位的数据包。",
            ),
        )
        return
    open_data_packages(window, db, paths, on_applied=on_changed)


# ---------------------------------------------------------------- lead: passphrase


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
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button = self.buttons.addButton(
            self.tr("生成名册包"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.make)
        self.buttons.rejected.connect(self.reject)
        self.may = gate(self.make_button, db, Permission.RECEIVE_PACKAGE)
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
        from ylt_desktop.exchange import make_roster

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
                return [
                    make_roster(s, member_id=i, passphrase=passphrase, out_dir=folder) for i in ids
                ]

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
        show_refusal(self, self.tr("不能生成名册包"), exc)


# ---------------------------------------------------------------- lead: data packages


def open_data_packages(
    parent: QWidget,
    db: Database,
    paths: list[Path] | None,
    *,
    on_applied: Callable[[], None] | None = None,
) -> None:
    """Choose files (unless given), ask the passphrase, preview them off the GUI thread, then
    show ``PreviewDialog`` (kept on ``parent._ylt_preview``)."""
    from ylt_desktop.exchange import preview_packages

    if not exchange_ready(parent, db):
        return
    if not paths:
        chosen, _ = QFileDialog.getOpenFileNames(
            parent,
            QCoreApplication.translate("Packages", "打开成员单位的数据包（可多选）"),
            _start_folder(db),
            QCoreApplication.translate("Packages", FILE_FILTER),
        )
        if not chosen:
            return
        paths = [Path(p) for p in chosen]
        _remember_folder(db, str(paths[0].parent))
    passphrase = ask_passphrase(
        parent, QCoreApplication.translate("Packages", "打开成员单位的数据包")
    )
    if passphrase is None:
        return

    def shown(previews: list) -> None:
        dialog = PreviewDialog(db, previews, parent)
        if on_applied is not None:
            dialog.applied.connect(on_applied)
        parent._ylt_preview = dialog  # noqa: SLF001 - for tests
        dialog.open()

    def failed(exc: BaseException) -> None:
        show_refusal(parent, QCoreApplication.translate("Packages", "不能打开数据包"), exc)

    run_in_background(
        parent,
        QCoreApplication.translate("Packages", "正在读取数据包…"),
        lambda: preview_packages(db, paths, passphrase=passphrase),
        shown,
        failed,
    )


def _value(value: Any) -> str:
    return "（空）" if value is None or value == "" else str(value)


class ConflictBox(QGroupBox):
    """One record two units disagree on: their values side by side, and a required choice."""

    chosen_changed = Signal()

    def __init__(self, conflict: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setTitle(self.tr("冲突：%1").replace("%1", conflict.label))
        keys = list(conflict.labels) or list(conflict.options[0].values)
        columns = [o.member for o in conflict.options]
        has_current = conflict.current is not None
        if has_current:
            columns.append(self.tr("汇总库现有"))
        self.table = QTableWidget(len(keys), len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setVerticalHeaderLabels([conflict.labels.get(k, k) for k in keys])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        rows = [o.values for o in conflict.options] + ([conflict.current] if has_current else [])
        for r, key in enumerate(keys):
            values = [v.get(key) for v in rows]
            differs = len({_value(v) for v in values}) > 1
            for c, v in enumerate(values):
                item = QTableWidgetItem(_value(v))
                if differs:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setBackground(QColor("#ffe69c"))
                self.table.setItem(r, c, item)
        self.table.setFixedHeight(
            self.table.horizontalHeader().height()
            + sum(self.table.rowHeight(r) for r in range(len(keys)))
            + 4
        )
        self.group = QButtonGroup(self)
        choices = QHBoxLayout()
        choices.addWidget(QLabel(self.tr("采用：")))
        self.radios: dict[int, QRadioButton] = {}
        for option in conflict.options:
            radio = QRadioButton(self.tr("“%1”的数据").replace("%1", option.member))
            self.group.addButton(radio, option.member_id)
            self.radios[option.member_id] = radio
            choices.addWidget(radio)
        choices.addStretch(1)
        self.group.idToggled.connect(lambda *_: self.chosen_changed.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(choices)

    def choice(self) -> int | None:
        checked = self.group.checkedId()
        return None if checked == -1 else checked

    def choose(self, member_id: int) -> None:
        self.radios[member_id].setChecked(True)


class PreviewDialog(QDialog):
    """What a batch of data packages would change; 应用 writes all of them or none."""

    applied = Signal()

    def __init__(self, db: Database, previews: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.previews = previews
        self.result_ = None
        self.setWindowTitle(self.tr("接收成员单位的数据包"))
        self.resize(900, 680)
        self.package_boxes: list[QGroupBox] = []
        self.refusal_labels: list[QLabel] = []
        self.conflict_boxes: list[ConflictBox] = []
        self.detail_labels: list[QLabel] = []
        body = QWidget()
        inner = QVBoxLayout(body)
        # Refused files first: the clerk sees at once why nothing can be applied.
        for preview in sorted(previews, key=lambda p: p.refusal is None):
            inner.addWidget(self._package_box(preview))
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.pending = QLabel()
        self.pending.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.addButton(
            self.tr("应用"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.may = gate(self.apply_button, db, Permission.RECEIVE_PACKAGE)
        head = QLabel(
            self.tr(
                "以下是这些数据包将对汇总库做的改动。点“应用”后全部接收（接收前自动备份数据库）；"
                "有任何一个不能接收时，一个也不接收。"
            )
        )
        head.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.pending, 1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)
        self._enable()

    def _package_box(self, p: Any) -> QGroupBox:
        from ylt_desktop.exchange.content import PART_LABELS
        from ylt_desktop.exchange.receive import CHANGED, KINDS, NEW, REMOVED, UNCHANGED

        box = QGroupBox(p.file_name)
        layout = QVBoxLayout(box)
        if p.member:
            made = f"{p.created_at:%Y-%m-%d %H:%M}" if p.created_at else ""
            facts = QLabel(
                self.tr("单位：%1　季度：%2　生成于：%3　制作人：%4")
                .replace("%1", p.member)
                .replace("%2", p.quarter.label if p.quarter else "")
                .replace("%3", made)
                .replace("%4", p.made_by)
            )
            facts.setWordWrap(True)
            layout.addWidget(facts)
        if p.refusal:
            label = QLabel(self.tr("不能接收：%1").replace("%1", p.refusal))
            label.setStyleSheet(REFUSED_STYLE + " font-weight: bold;")
            label.setWordWrap(True)
            layout.addWidget(label)
            self.refusal_labels.append(label)
        elif p.duplicate:
            label = QLabel(self.tr("这个数据包已经接收过：不会重复接收，没有改动。"))
            label.setStyleSheet("color: #555; font-style: italic;")
            layout.addWidget(label)
        else:
            counts = p.counts()
            actions = [NEW, CHANGED, UNCHANGED]
            heads = [self.tr("新增"), self.tr("修改"), self.tr("不变")]
            if any(n.get(REMOVED) for n in counts.values()):
                actions.insert(2, REMOVED)
                heads.insert(2, self.tr("删除"))
            cells = "".join(
                f"<th style='padding:2px 10px'>{html.escape(h)}</th>" for h in ("", *heads)
            )
            rows = [f"<tr>{cells}</tr>"]
            for kind in KINDS:
                n = counts[kind]
                rows.append(
                    f"<tr><td>{html.escape(PART_LABELS[kind])}</td>"
                    + "".join(
                        f"<td align='right' style='padding:2px 10px'>{n.get(a, 0)}</td>"
                        for a in actions
                    )
                    + "</tr>"
                )
            table = QLabel("<table>" + "".join(rows) + "</table>")
            table.setTextFormat(Qt.TextFormat.RichText)
            layout.addWidget(table)
            details = [
                f"{c.action}　{PART_LABELS.get(c.kind, c.kind)}　{c.label}"
                + ("：" + "；".join(f"{a} {b} → {d}" for a, b, d in c.fields) if c.fields else "")
                for c in p.changes
                if c.action != UNCHANGED
            ]
            if details:
                toggle = QPushButton(self.tr("明细（%1 条）").replace("%1", str(len(details))))
                toggle.setCheckable(True)
                listing = QLabel("\n".join(details[:500]))
                listing.setWordWrap(True)
                listing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                listing.setVisible(False)
                toggle.toggled.connect(listing.setVisible)
                row = QHBoxLayout()
                row.addWidget(toggle)
                row.addStretch(1)
                layout.addLayout(row)
                layout.addWidget(listing)
                self.detail_labels.append(listing)
            for conflict in p.conflicts:
                cbox = ConflictBox(conflict)
                cbox.chosen_changed.connect(self._enable)
                layout.addWidget(cbox)
                self.conflict_boxes.append(cbox)
        self.package_boxes.append(box)
        return box

    def choices(self) -> dict[str, int]:
        return {b.conflict.key: b.choice() for b in self.conflict_boxes if b.choice() is not None}

    def why_not(self) -> str:
        refused = [p for p in self.previews if p.refusal]
        if refused:
            return self.tr(
                "%1 个文件不能接收（红字说明原因），所以这一批都不能接收："
                "请点“取消”，不选这些文件重新打开。"
            ).replace("%1", str(len(refused)))
        if not any(p.usable for p in self.previews):
            return self.tr("这些数据包都已接收过，没有需要接收的内容。")
        open_ = len(self.conflict_boxes) - len(self.choices())
        if open_:
            return self.tr("还有 %1 处冲突未选择采用哪一方的数据").replace("%1", str(open_))
        return ""

    def _enable(self) -> None:
        why = self.why_not()
        self.pending.setText(why)
        self.pending.setStyleSheet(REFUSED_STYLE if why else "")
        self.apply_button.setEnabled(self.may and not why)

    def apply(self) -> None:
        from ylt_desktop.exchange import apply_packages

        if not self.apply_button.isEnabled():
            return
        choices = self.choices()
        self.apply_button.setEnabled(False)
        run_in_background(
            self,
            self.tr("正在接收数据包（先备份数据库）…"),
            lambda: apply_packages(self.db, self.previews, choices=choices),
            self._applied,
            self._failed,
        )

    def _applied(self, result: Any) -> None:
        self.result_ = result
        QMessageBox.information(
            self,
            self.tr("已接收"),
            self.tr("已接收 %1 个数据包；接收前已备份数据库：\n%2")
            .replace("%1", str(len(result.applied)))
            .replace("%2", str(result.backup or "")),
        )
        self.applied.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        show_refusal(self, self.tr("未接收任何数据包"), exc)
        self._enable()


# ---------------------------------------------------------------- member


def make_data_package_for(
    parent: QWidget,
    db: Database,
    quarter: Quarter,
    *,
    on_done: Callable[[Path], None] | None = None,
) -> None:
    """生成数据包: choose the folder, type the passphrase, then write it off the GUI thread."""
    from ylt_desktop.exchange import make_data_package

    folder = choose_folder(
        parent, db, QCoreApplication.translate("Packages", "选择数据包保存的文件夹（如U盘）")
    )
    if folder is None:
        return
    passphrase = ask_passphrase(
        parent,
        QCoreApplication.translate("Packages", "生成%1的数据包").replace("%1", quarter.label),
    )
    if passphrase is None:
        return

    def work() -> Path:
        with db.session() as s:
            return make_data_package(s, quarter=quarter, passphrase=passphrase, out_dir=folder)

    def made(path: Path) -> None:
        QMessageBox.information(
            parent,
            QCoreApplication.translate("Packages", "已生成数据包"),
            QCoreApplication.translate(
                "Packages",
                "已生成%1的数据包：\n%2\n\n请把这个文件交给牵头单位（U盘、内网等）；"
                "交换口令另行告知，不要与文件一起发送。",
            )
            .replace("%1", quarter.label)
            .replace("%2", str(path)),
        )
        if on_done is not None:
            on_done(path)

    def failed(exc: BaseException) -> None:
        show_refusal(parent, QCoreApplication.translate("Packages", "不能生成数据包"), exc)

    run_in_background(
        parent, QCoreApplication.translate("Packages", "正在生成数据包…"), work, made, failed
    )


def roster_summary(result: Any) -> str:
    """What opening a roster did, for the clerk."""
    lines = []
    if result.unchanged:
        return QCoreApplication.translate("Packages", "这个名册包已经打开过，没有改动。")
    if result.created:
        lines.append(
            QCoreApplication.translate("Packages", "已建立成员库：%1 — %2")
            .replace("%1", result.consortium)
            .replace("%2", result.member)
        )
    else:
        lines.append(QCoreApplication.translate("Packages", "已用新的名册包更新成员库。"))
    lines.append(
        QCoreApplication.translate(
            "Packages", "成员单位 %1 个，协议 %2 份，来本单位流动的外单位人员 %3 人。"
        )
        .replace("%1", str(result.counts.get("institutions", 0)))
        .replace("%2", str(result.counts.get("agreements", 0)))
        .replace("%3", str(result.counts.get("staff", 0)))
    )
    for quarter in result.locked:
        lines.append(
            QCoreApplication.translate("Packages", "%1：牵头单位已接收，本季度已锁定。").replace(
                "%1", Quarter.parse(quarter).label
            )
        )
    for quarter, reason in result.returned:
        lines.append(
            QCoreApplication.translate(
                "Packages", "%1：牵头单位已退回，原因：%2（请修改后重新生成数据包）"
            )
            .replace("%1", Quarter.parse(quarter).label)
            .replace("%2", reason)
        )
    return "\n".join(lines)


def open_new_roster(
    parent: QWidget,
    db: Database,
    path: Path | None = None,
    *,
    on_done: Callable[[], None] | None = None,
) -> None:
    """导入新名册: a newer roster from the lead updates this member's database."""
    from ylt_desktop.exchange import open_roster

    if path is None:
        chosen, _ = QFileDialog.getOpenFileName(
            parent,
            QCoreApplication.translate("Packages", "打开牵头单位发来的名册包"),
            _start_folder(db),
            QCoreApplication.translate("Packages", FILE_FILTER),
        )
        if not chosen:
            return
        path = Path(chosen)
    passphrase = ask_passphrase(parent, QCoreApplication.translate("Packages", "打开名册包"))
    if passphrase is None:
        return

    def work() -> Any:
        with db.session() as s:
            return open_roster(s, path, passphrase=passphrase)

    def done(result: Any) -> None:
        QMessageBox.information(
            parent, QCoreApplication.translate("Packages", "名册包"), roster_summary(result)
        )
        if on_done is not None:
            on_done()

    def failed(exc: BaseException) -> None:
        show_refusal(parent, QCoreApplication.translate("Packages", "不能打开名册包"), exc)

    run_in_background(
        parent, QCoreApplication.translate("Packages", "正在打开名册包…"), work, done, failed
    )
