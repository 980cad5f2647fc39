"""首次使用: creates the consortium and its lead unit on an empty database, or restores a backup.

所在地区 is picked from the division table (province → city → county) or typed as a code.
After 从备份恢复… the dialog holds the reopened database in ``self.db`` (the caller uses it).
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import division_name
from ylt_desktop.domain.institution import InstitutionData, validate_consortium
from ylt_desktop.domain.problems import Problem, has_errors
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import Database
from ylt_desktop.ui.dialogs.record import RecordDialog
from ylt_desktop.ui.widgets.division_picker import attach_division_picker

log = logging.getLogger(__name__)

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
        self.division_picker = attach_division_picker(b.widget("division"))
        self.save_button.setText(self.tr("创建"))
        self.restore_button = QPushButton(self.tr("从备份恢复…"))
        self.restore_button.setToolTip(
            self.tr("已有本程序的备份文件（如换了电脑）：从备份恢复全部数据")
        )
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_from_backup)
        self.start()

    def restore_from_backup(self) -> bool:
        """Choose a backup and restore it in place of the empty database; True when done."""
        from ylt_desktop.store.backup import backup_folder, restore_database, verify_backup
        from ylt_desktop.store.db import open_database
        from ylt_desktop.ui.dialogs.backup import FILE_FILTER
        from ylt_desktop.ui.errors import show_error

        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("从备份恢复"),
            str(backup_folder(self.db.path)),
            QCoreApplication.translate("Backup", FILE_FILTER),
        )
        if not chosen:
            return False
        health = verify_backup(chosen)
        if not health.ok:
            QMessageBox.warning(self, self.tr("不能恢复"), health.message)
            return False
        path = self.db.path
        self.db.close()
        try:
            restore_database(chosen, path)
        except Exception as exc:  # refused or failed: the empty database is still there
            log.exception("restore at first run failed")
            show_error(self, exc)
            return False
        finally:
            self.db = open_database(path)  # an older backup is upgraded here
        with self.db.session() as s:
            consortium = store.get_consortium(s)
        if consortium is None:
            QMessageBox.warning(
                self,
                self.tr("备份中没有医联体"),
                self.tr("该备份中还没有创建医联体，请继续填写本页。"),
            )
            return False
        QMessageBox.information(
            self,
            self.tr("恢复完成"),
            self.tr("已从备份恢复“%1”的数据。").replace("%1", consortium.name),
        )
        self._pristine = self.binder.values()
        self.accept()
        return True

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
