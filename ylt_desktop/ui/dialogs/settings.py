"""设置: correct the consortium (name, kind, 所在地区, founded) and choose its lead unit.

One store command (``store/institutions.py: update_consortium``) writes it all in one
transaction, audited; the former lead becomes a 成员单位. The lead is picked among the current
members by name (the list is searchable: type part of a name).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QWidget

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import division_name
from ylt_desktop.domain.problems import Problem, RuleViolation, error
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import Database
from ylt_desktop.ui.dialogs.record import RecordDialog
from ylt_desktop.ui.widgets.division_picker import attach_division_picker


class SettingsDialog(RecordDialog):
    form_name = "settings"
    fields = ("name", "kind", "division", "founded", "lead")

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        b = self.binder
        b.set_choices("kind", lists.CONSORTIUM_KINDS)
        with db.session() as s:
            consortium = store.get_consortium(s)
            lead = store.lead_institution(s)
            today = dt.date.today()  # a unit leaving later is still a member today (as the store)
            members = [
                i
                for i in store.list_institutions(s)
                if i.left is None or i.left > today or i is lead
            ]
        self.lead_ids = {i.name: i.id for i in members}
        b.set_choices("lead", list(self.lead_ids))
        combo: QComboBox = b.widget("lead")
        completer = QCompleter(list(self.lead_ids), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # 石门 finds 澄湖县石门镇卫生院
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        combo.setCompleter(completer)
        label: QLabel = self.form.findChild(QLabel, "division_name")
        b.widget("division").textChanged.connect(lambda t: label.setText(division_name(t) or ""))
        self.division_picker = attach_division_picker(b.widget("division"))
        if consortium is not None:
            b.set_values(
                {
                    "name": consortium.name,
                    "kind": consortium.kind,
                    "division": consortium.division,
                    "founded": consortium.founded,
                }
            )
        b.set_value("lead", lead.name if lead is not None else None)
        self.start()

    def _values(self) -> dict:
        v = self.binder.values()
        return {
            "name": v["name"],
            "kind": v["kind"],
            "division": v["division"],
            "founded": v["founded"],
            "lead_id": self.lead_ids.get((v["lead"] or "").strip()),
        }

    @staticmethod
    def _on_form(problems: list[Problem]) -> list[Problem]:
        """The store names the lead ``lead_id``; the form's widget is ``lead``."""
        return [
            Problem("lead", p.level, p.message) if p.field == "lead_id" else p for p in problems
        ]

    def problems(self) -> list[Problem]:
        v = self._values()
        with self.db.session() as s:
            problems = self._on_form(store.check_consortium(s, **v))
        typed = (self.binder.value("lead") or "").strip()
        if v["lead_id"] is None and typed:
            problems = [p for p in problems if p.field != "lead"]
            problems.append(error("lead", f"没有名为“{typed}”的成员单位，请从列表中选择"))
        return problems

    def commit(self) -> None:
        try:
            with self.db.session() as s:
                store.update_consortium(s, **self._values())
        except RuleViolation as exc:
            raise RuleViolation(self._on_form(exc.problems)) from exc
