"""打开成员数据包… at the lead: ``open_data_packages`` → ``PreviewDialog`` (per package what
changes, refusals, conflicts with a required choice (``ConflictBox``); 应用 applies all or
nothing after the backup the API makes)."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.roles import Permission
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import run_in_background
from ylt_desktop.ui.dialogs.package_common import (
    FILE_FILTER,
    REFUSED_STYLE,
    _remember_folder,
    _start_folder,
    action_buttons,
    ask_passphrase,
    exchange_ready,
    show_refusal,
)


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
        self.buttons, self.apply_button, self.may = action_buttons(
            self, db, self.tr("应用"), self.tr("取消"), self.apply, Permission.RECEIVE_PACKAGE
        )
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
