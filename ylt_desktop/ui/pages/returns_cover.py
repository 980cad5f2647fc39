"""季度报表's cover and signature box: 填报单位, the heads, 填表人, phone, 报出日期, and the
完整证件号 choice. The texts are remembered as typed (``COVER_KEY``) and filled in next time;
a field holding a whole identity number is refused (said under it, not remembered, no export)
unless it was saved so before the rule and kept (a warning, ``store.cover.save_cover``)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from ylt_desktop.domain.cover import cover_problems
from ylt_desktop.domain.problems import Problem, has_errors
from ylt_desktop.domain.roles import Permission
from ylt_desktop.returns.check import COVER_MAX
from ylt_desktop.store.cover import COVER_SETTING, save_cover, saved_cover
from ylt_desktop.store.db import Database
from ylt_desktop.ui.widgets.forms import ERROR_FIELD_STYLE, ERROR_STYLE, WARNING_STYLE, from_qdate
from ylt_desktop.ui.widgets.half_width import fold_full_width_box
from ylt_desktop.ui.widgets.permissions import gate

COVER_KEY = COVER_SETTING
SAVE_DELAY_MS = 800  # typing paused this long: the fields are remembered
TEXT_FIELDS = (
    ("filler_unit", QT_TRANSLATE_NOOP("CoverBox", "填报单位")),
    ("unit_head", QT_TRANSLATE_NOOP("CoverBox", "单位负责人")),
    ("stats_head", QT_TRANSLATE_NOOP("CoverBox", "统计负责人")),
    ("preparer", QT_TRANSLATE_NOOP("CoverBox", "填表人")),
    ("phone", QT_TRANSLATE_NOOP("CoverBox", "联系电话")),
)


class CoverBox(QGroupBox):
    """封面与签字栏: ``cover`` (field → edit), ``report_date``, ``full_ids``."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.setTitle(self.tr("封面与签字栏（下次自动带出）"))
        self.cover: dict[str, QLineEdit] = {key: QLineEdit() for key, _ in TEXT_FIELDS}
        self.report_date = QDateEdit(QDate.currentDate(), calendarPopup=True)
        self.report_date.setDisplayFormat("yyyy-MM-dd")
        fold_full_width_box(self.report_date)  # ２０２６－０９－３０ typed in 全角 mode
        self.full_ids = QCheckBox(self.tr("完整证件号（仅供内部留存）"))
        gate(self.full_ids, db, Permission.EXPORT_FULL_IDS)
        # Under each field, what stops it being saved (an identity number), as in the forms.
        self.problem_labels: dict[str, QLabel] = {}
        form = QFormLayout(self)
        for key, label in TEXT_FIELDS:
            self.cover[key].setMaxLength(COVER_MAX[key])  # what the cover can lay out
            form.addRow(self.tr(label), self.cover[key])
            problem = self.problem_labels[key] = QLabel(objectName=f"{key}_problem")
            problem.setWordWrap(True)
            problem.setVisible(False)
            form.addRow("", problem)
        self._saved: dict = {}  # the cover as last saved (a number kept from then: a warning)
        form.addRow(self.tr("报出日期"), self.report_date)
        form.addRow("", self.full_ids)
        self.load()
        # Remembered once typing pauses or the field is left, and before every export or
        # print (which read the fields themselves): a save per keystroke held the window for
        # the database at every key while another program wrote to it, and failed at each.
        self.pending = QTimer(self)
        self.pending.setSingleShot(True)
        self.pending.setInterval(SAVE_DELAY_MS)
        self.pending.timeout.connect(self._save_pending)
        self.dirty = False
        self._saying = False  # a failed save's message shows
        for edit in self.cover.values():
            edit.textEdited.connect(self._edited)
            edit.editingFinished.connect(self._save_pending)

    def fields(self) -> dict:
        fields = {key: edit.text().strip() for key, edit in self.cover.items()}
        fields["report_date"] = from_qdate(self.report_date.date())
        return fields

    def load(self) -> None:
        from ylt_desktop.store.exchange import own_member_id
        from ylt_desktop.store.institutions import lead_institution
        from ylt_desktop.store.models import Institution

        with self.db.session() as s:
            saved = self._saved = saved_cover(s)
            own_id = own_member_id(s)
            own = s.get(Institution, own_id) if own_id is not None else None
            lead = lead_institution(s)
            own_name = own.name if own is not None else None
            lead_name = lead.name if lead is not None else None
        for key, edit in self.cover.items():
            edit.setText(saved.get(key, ""))
        self.show_problems()
        # The return prints this unit when 填报单位 is left empty: a member's own, else the lead.
        if own_name:
            self.cover["filler_unit"].setPlaceholderText(
                self.tr("留空即为本单位：%1").replace("%1", own_name)
            )
        elif lead_name:
            self.cover["filler_unit"].setPlaceholderText(
                self.tr("留空即为牵头单位：%1").replace("%1", lead_name)
            )

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt's name
        """Another page shown, or the window closed: what was typed is remembered now."""
        self._save_pending()
        super().hideEvent(event)

    def _edited(self) -> None:
        self.dirty = True
        self.show_problems()
        self.pending.start()

    def typed(self) -> dict:
        """The typed text fields (what ``save`` remembers)."""
        return {k: v for k, v in self.fields().items() if k != "report_date"}

    def problems(self) -> list[Problem]:
        return cover_problems(self.typed(), stored=self._saved)

    def show_problems(self) -> list[Problem]:
        """Each field's problem under it (errors red, warnings amber); returns them all."""
        problems = self.problems()
        for key, label in self.problem_labels.items():
            found = [p for p in problems if p.field == key]
            is_error = has_errors(found)
            label.setText("\n".join(p.message for p in found))
            label.setStyleSheet(ERROR_STYLE if is_error else WARNING_STYLE)
            label.setVisible(bool(found))
            self.cover[key].setStyleSheet(ERROR_FIELD_STYLE if is_error else "")
        return problems

    def _save_pending(self) -> None:
        """Save what was typed since the last save; a failure is said once (the typed text
        stays in its field and is saved with the next change or export)."""
        self.pending.stop()
        if not self.dirty or self._saying or has_errors(self.show_problems()):
            return  # an identity number typed: said under its field, saved once it is gone
        try:
            self.save()
        except Exception as exc:  # noqa: BLE001 - said to the clerk (a lock, a full disk, …)
            from ylt_desktop.ui.errors import show_error

            # The box takes the focus, and the field left emits editingFinished: not saved
            # again meanwhile (a second wait for the database, then a second box).
            self._saying = True
            try:
                show_error(self, exc)
            finally:
                self._saying = False

    def save(self) -> None:
        """Remember the typed fields; RuleViolation (nothing saved) for an identity number."""
        self.pending.stop()
        fields = self.typed()
        with self.db.session() as s:
            save_cover(s, fields=fields)
        self._saved = fields
        self.dirty = False
