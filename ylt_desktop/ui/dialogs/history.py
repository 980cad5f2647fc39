"""历史: one record's entries of the audit log, newest first, in the words of the 操作日志 page.

Opened by the 历史… button every record dialog of an existing record shows (``RecordDialog``).
A rotation's quarterly figures and an agreement's volumes are separate records: the 操作日志
page lists them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from ylt_desktop.store import audit
from ylt_desktop.store.audit_text import details, read_names

# Which table and id attribute each record dialog edits.
RECORDS = {
    "InstitutionDialog": ("institution", "institution_id"),
    "StaffDialog": ("staff", "staff_id"),
    "RotationDialog": ("rotation", "rotation_id"),
    "AgreementDialog": ("agreement", "agreement_id"),
}


def history_text(db, table: str, record_id: int) -> str:  # noqa: ANN001
    with db.session() as s:
        entries = [e for e in audit.list_entries(s, table=table) if e.record_id == str(record_id)]
        names = read_names(s, entries)
        blocks = [
            "\n".join(
                [
                    f"{e.at:%Y-%m-%d %H:%M:%S}　{e.user}　{audit.ACTION_LABELS.get(e.action, e.action)}",
                    *(f"　　{line}" for line in details(e, names)),
                ]
            )
            for e in entries
        ]
    return "\n\n".join(blocks)


class HistoryDialog(QDialog):
    def __init__(self, db, table: str, record_id: int, parent: QWidget | None = None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.setWindowTitle(self.tr("历史"))
        self.resize(600, 460)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText(history_text(db, table, record_id) or self.tr("没有记录"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
