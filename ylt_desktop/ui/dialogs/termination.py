"""终止协议: the small dialog that ends an agreement by hand, with a date and a reason."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDateEdit, QLabel, QWidget

from ylt_desktop.domain.problems import Problem
from ylt_desktop.store import agreement_terms
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import Agreement
from ylt_desktop.ui.dialogs.record import RecordDialog


class TerminationDialog(RecordDialog):
    """End an agreement by hand: a date and a reason."""

    form_name = "agreement_termination"
    wanted_size = QSize(480, 320)
    fields = ("terminated_on", "termination_reason")

    def __init__(
        self,
        db: Database,
        agreement_id: int,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.db, self.agreement_id = db, agreement_id
        with db.session() as s:
            a = s.get(Agreement, agreement_id)
            info = f"{a.number}　{a.title}"
        self.form.findChild(QLabel, "agreement_info").setText(info)
        date_edit: QDateEdit = self.binder.widget("terminated_on")
        self.binder.set_value("terminated_on", today or dt.date.today())
        date_edit.setFocus()
        self.save_button.setText(self.tr("终止协议"))
        self.setWindowTitle(self.tr("终止协议"))
        self.start()

    def problems(self) -> list[Problem]:
        v = self.binder.values()
        with self.db.session() as s:
            return agreement_terms.check_termination(
                s,
                agreement_id=self.agreement_id,
                on=v["terminated_on"],
                reason=v["termination_reason"],
            )

    def commit(self) -> None:
        v = self.binder.values()
        with self.db.session() as s:
            agreement_terms.terminate_agreement(
                s,
                agreement_id=self.agreement_id,
                on=v["terminated_on"],
                reason=v["termination_reason"],
            )
