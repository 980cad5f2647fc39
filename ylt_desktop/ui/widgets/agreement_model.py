"""The agreement list's rows, table model (expiry marks as roles) and filter proxy.

Models never touch widgets: the expiring-soon mark is a background colour and a tooltip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from ylt_desktop.domain.agreement import TERMINATED, expires_within, in_force_in, status_on
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import attachments
from ylt_desktop.store.agreement_list import AgreementListRow
from ylt_desktop.ui.widgets.predicate_proxy import RecordFilterProxy
from ylt_desktop.ui.widgets.table_model import Column, RecordTableModel

_Index = QModelIndex | QPersistentModelIndex

EXPIRING_DAYS = 30
EXPIRING_COLOUR = QColor("#ffe8c2")


@dataclass
class AgreementRow:
    """One list row: the agreement with the names and facts the columns show."""

    agreement: AgreementListRow
    provider: str
    recipients: list[str]
    recipient_ids: set[int]
    attachment: attachments.AttachmentInfo | None
    status: str
    expiring: bool

    @property
    def recipients_text(self) -> str:
        if len(self.recipients) <= 2:
            return "、".join(self.recipients)
        return f"{'、'.join(self.recipients[:2])} 等{len(self.recipients)}家"


def make_rows(
    agreements: list[AgreementListRow],
    infos: dict[int, attachments.AttachmentInfo],
    today: dt.date,
) -> list[AgreementRow]:
    rows = []
    for a in agreements:
        status = status_on(
            today,
            effective_from=a.effective_from,
            effective_to=a.effective_to,
            terminated_on=a.terminated_on,
        )
        rows.append(
            AgreementRow(
                agreement=a,
                provider=a.provider_name,
                recipients=[name for _id, name, _share in a.recipients],
                recipient_ids={iid for iid, _name, _share in a.recipients},
                attachment=infos.get(a.id),
                status=status,
                expiring=status != TERMINATED
                and expires_within(today, a.effective_to, EXPIRING_DAYS),
            )
        )
    return rows


def _share_text(a: AgreementListRow) -> str:
    """Provider first, then each recipient: ``40 / 30 / 30 %``; empty when not agreed."""
    shares = [share for _id, _name, share in a.recipients]
    if a.provider_share is None and all(s is None for s in shares):
        return ""
    return " / ".join(f"{s or 0:g}" for s in [a.provider_share, *shares]) + " %"


class AgreementTableModel(RecordTableModel[AgreementRow]):
    columns = (
        Column(
            QT_TRANSLATE_NOOP("Column", "协议编号"), lambda r: r.agreement.number, searchable=True
        ),
        Column(
            QT_TRANSLATE_NOOP("Column", "协议名称"), lambda r: r.agreement.title, searchable=True
        ),
        Column(
            QT_TRANSLATE_NOOP("Column", "共享类型"), lambda r: r.agreement.kind, searchable=True
        ),
        Column(QT_TRANSLATE_NOOP("Column", "提供方"), lambda r: r.provider, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "接收方"), lambda r: r.recipients_text, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "签订日期"), lambda r: r.agreement.signed),
        Column(QT_TRANSLATE_NOOP("Column", "生效日期"), lambda r: r.agreement.effective_from),
        Column(QT_TRANSLATE_NOOP("Column", "终止日期"), lambda r: r.agreement.effective_to),
        Column(QT_TRANSLATE_NOOP("Column", "状态"), lambda r: r.status, searchable=True),
        Column(QT_TRANSLATE_NOOP("Column", "利益分配"), lambda r: _share_text(r.agreement)),
        Column(
            QT_TRANSLATE_NOOP("Column", "附件"),
            lambda r: r.attachment.file_name if r.attachment else "",
        ),
    )
    RECIPIENTS, STATUS, ATTACHMENT = 4, 8, 10

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid():
            return None
        row = self.row_record(index.row())
        if role == Qt.ItemDataRole.BackgroundRole and row.expiring:
            return EXPIRING_COLOUR
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        return super().data(index, role)

    def _tooltip(self, row: AgreementRow, column: int) -> str | None:
        a = row.agreement
        if column == self.RECIPIENTS:
            return "\n".join(row.recipients)
        if column == self.ATTACHMENT and row.attachment:
            info = row.attachment
            return f"{info.file_name}（{info.size_text}）\nSHA-256：{info.sha256}"
        if column == self.STATUS and a.terminated_on:
            return f"{a.terminated_on} 终止：{a.termination_reason}"
        if row.expiring:
            return f"将于 {a.effective_to} 到期（{EXPIRING_DAYS} 天内），请及时续签或办理终止"
        return None


ALL = ""


class AgreementFilterProxy(RecordFilterProxy):
    """Search words plus status, kind, institution and quarter (in force in it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status, self.kind = ALL, ALL
        self.institution_id: int | None = None
        self.quarter: Quarter | None = None

    def set_filters(
        self,
        *,
        status: str = ALL,
        kind: str = ALL,
        institution_id: int | None = None,
        quarter: Quarter | None = None,
    ) -> None:
        def change() -> None:
            self.status, self.kind = status, kind
            self.institution_id, self.quarter = institution_id, quarter

        self.refilter(change)

    def has_conditions(self) -> bool:
        return (
            bool(self.status or self.kind)
            or self.institution_id is not None
            or (self.quarter is not None)
        )

    def accepts(self, row: AgreementRow) -> bool:
        a = row.agreement
        if self.status and row.status != self.status:
            return False
        if self.kind and a.kind != self.kind:
            return False
        iid = self.institution_id
        if iid is not None and a.provider_id != iid and iid not in row.recipient_ids:
            return False
        return self.quarter is None or in_force_in(
            self.quarter,
            effective_from=a.effective_from,
            effective_to=a.effective_to,
            terminated_on=a.terminated_on,
        )
