"""该记录已被他人修改: the other's saved values beside the clerk's, field by field.

A record dialog whose save was refused (``store.versions.RecordChanged``) opens this over itself
and keeps what the clerk typed; a refused delete shows it from the list page. Nothing was
written in either case.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.store import versions
from ylt_desktop.store.db import Database


class RecordChangedDialog(QDialog):
    """The refusal's message over a table: 字段 | 您的值 | 他人保存的值 (or, without the clerk's
    values, 字段 | 他人保存的值)."""

    def __init__(
        self,
        parent: QWidget | None,
        message: str,
        rows: list[versions.Difference],
        *,
        with_mine: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("record_changed")
        self.setWindowTitle(self.tr("该记录已被他人修改"))
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.table = QTableWidget(len(rows), 3 if with_mine else 2, self)
        headers = [self.tr("字段")]
        if with_mine:
            headers.append(self.tr("您的值"))
        headers.append(self.tr("他人保存的值"))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for r, d in enumerate(rows):
            cells = [d.label, d.mine, d.theirs] if with_mine else [d.label, d.theirs]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setVisible(bool(rows))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("知道了"))
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 200 + 28 * min(len(rows), 12))

    def cell_texts(self) -> list[list[str]]:
        """What the table shows, row by row (for tests and the log)."""
        return [
            [self.table.item(r, c).text() for c in range(self.table.columnCount())]
            for r in range(self.table.rowCount())
        ]


def show_record_changed(
    parent: QWidget, db: Database, exc: versions.RecordChanged, mine: dict[str, Any] | None
) -> RecordChangedDialog:
    """Open (window-modal, not blocking) the refusal with the other's values; ``mine``: what
    the clerk typed or saw, else the other's values are listed alone."""
    theirs = exc.theirs or {}
    with db.session() as s:
        if mine is not None:
            rows = versions.differences(s, exc.kind, mine, theirs)
        else:
            rows = [
                versions.Difference(d.label, "", d.theirs)
                for d in versions.differences(s, exc.kind, {}, theirs)
            ]
    message = str(exc)
    if mine is not None and exc.theirs is not None and not rows:
        message += QCoreApplication.translate(
            "RecordChangedDialog", "（他人保存的值与您填写的相同）"
        )
    dialog = RecordChangedDialog(parent, message, rows, with_mine=mine is not None)
    dialog.open()
    return dialog
