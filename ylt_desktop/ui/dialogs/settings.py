"""设置: correct the consortium (name, kind, 所在地区, founded) and choose its lead unit.

One store command (``store/institutions.py: update_consortium``) writes it all in one
transaction, audited; the former lead becomes a 成员单位. The lead is picked among the current
members by name (the list is searchable: type part of a name).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QWidget,
)

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
        self.connection_button = QPushButton(self.tr("数据库连接…"))
        self.connection_button.setToolTip(self.tr("本机数据库或连接服务器"))
        self.buttons.addButton(self.connection_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.connection_button.clicked.connect(self.choose_connection)
        self.start()

    def choose_connection(self) -> bool:
        """数据库连接…: 本机数据库 or 连接服务器, remembered for the next start (the database
        open now stays open until then). True when a choice was saved."""
        from PySide6.QtWidgets import QMessageBox

        from ylt_desktop.paths import default_db_path
        from ylt_desktop.ui.dialogs.connection import ConnectionDialog

        dialog = ConnectionDialog(self, local_path=default_db_path())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        chosen = dialog.choice()
        where = chosen.url() if chosen is not None else str(default_db_path())
        QMessageBox.information(
            self,
            self.tr("数据库连接"),
            self.tr("已保存。下次启动程序时将打开：%1\n（本次仍使用当前数据库：%2）")
            .replace("%1", where)
            .replace("%2", str(getattr(self.db, "location", None) or self.db.path)),
        )
        return True

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
