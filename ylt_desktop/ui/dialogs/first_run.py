"""首次使用: creates the consortium and its lead unit on an empty database."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QWidget

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import division_name
from ylt_desktop.domain.institution import InstitutionData, validate_consortium
from ylt_desktop.domain.problems import Problem, has_errors
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import Database
from ylt_desktop.ui.dialogs.record import RecordDialog

LEAD_FIELDS = ("name", "uscc", "category", "level", "joined")


class FirstRunDialog(RecordDialog):
    quiet_until_edited = True
    form_name = "first_run"
    fields = ("name", "kind", "division", "founded", *(f"lead.{f}" for f in LEAD_FIELDS))

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        b = self.binder
        b.set_choices("kind", lists.CONSORTIUM_KINDS)
        b.set_choices("lead.category", lists.CATEGORIES)
        b.set_choices("lead.level", lists.LEVELS)
        today = dt.date.today()
        b.set_values({"kind": "县域医共体", "founded": today, "lead.joined": today})
        b.set_value("lead.category", "综合医院")
        b.set_value("lead.level", "二级甲等")
        label: QLabel = self.form.findChild(QLabel, "division_name")
        b.widget("division").textChanged.connect(lambda t: label.setText(division_name(t) or ""))
        self.save_button.setText(self.tr("创建"))
        self.start()

    def lead(self) -> InstitutionData:
        v = self.binder.values()
        return InstitutionData(
            **{f: v[f"lead.{f}"] for f in LEAD_FIELDS},
            division=v["division"],
            role=lists.ROLE_LEAD,
        )

    def problems(self) -> list[Problem]:
        v = self.binder.values()
        problems = validate_consortium(name=v["name"], kind=v["kind"], division=v["division"])
        with self.db.session() as s:
            lead_problems = store.check_institution(s, self.lead())
        # The lead shares the consortium's division; its other fields show under the lead box.
        problems += [
            Problem(f"lead.{p.field}", p.level, p.message)
            for p in lead_problems
            if p.field in LEAD_FIELDS
        ]
        return problems

    def commit(self) -> None:
        v = self.binder.values()
        with self.db.session() as s:
            store.initialize(
                s,
                name=v["name"],
                kind=v["kind"],
                division=v["division"],
                founded=v["founded"],
                lead=self.lead(),
            )

    def is_complete(self) -> bool:
        return not has_errors(self.problems())
