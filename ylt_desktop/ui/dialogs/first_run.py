"""首次使用: creates the consortium and its lead unit on an empty database, or restores a backup.

First the clerk says which unit this PC belongs to: 本单位是牵头单位（汇总库）— the form below
creates the consortium and its lead unit — or 本单位是成员单位（成员库）: the database is set up
from the roster package (名册包) the lead gave it, with the exchange passphrase
(``exchange.open_roster``, one transaction: refused, the database stays empty).
所在地区 is picked from the division table (province → city → county) or typed as a code.
After 从备份恢复… the dialog holds the reopened database in ``self.db`` (the caller uses it).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
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
        self.server_button = QPushButton(self.tr("连接服务器…"))
        self.server_button.setToolTip(
            self.tr("本单位的数据库在服务器上（多人同时填报）：连接服务器上的数据库")
        )
        self.buttons.addButton(self.server_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.server_button.clicked.connect(self.connect_server)
        self._add_member_choice()
        self.start()

    def connect_server(self) -> bool:
        """连接服务器…: choose and test a server database, then work in it instead of the empty
        local one (``self.db``, which the caller signs in to and sets up); True when switched."""
        from ylt_desktop.ui.dialogs.connection import choose_server

        server = choose_server(self, self.db.path)
        if server is None:
            return False
        self.db.close()
        self.db = server
        self._pristine = self.binder.values()
        self.accept()
        return True

    def _add_member_choice(self) -> None:
        """本单位是牵头单位 / 成员单位 above the form; the member's roster panel below it."""
        self.lead_radio = QRadioButton(self.tr("本单位是牵头单位（汇总库：全医联体的数据）"))
        self.member_radio = QRadioButton(
            self.tr("本单位是成员单位（成员库：用牵头单位发来的名册包建立）")
        )
        self.lead_radio.setChecked(True)
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.lead_radio)
        self.mode_group.addButton(self.member_radio)
        mode_box = QGroupBox(self.tr("本电脑的数据库"))
        mode_layout = QVBoxLayout(mode_box)
        mode_layout.addWidget(self.lead_radio)
        mode_layout.addWidget(self.member_radio)
        self.member_panel = QGroupBox(self.tr("用名册包建立成员库"))
        intro = QLabel(
            self.tr(
                "请选择牵头单位发给本单位的名册包（.ylt 文件，通常在U盘上），"
                "并输入牵头单位告知的数据交换口令。"
            )
        )
        intro.setWordWrap(True)
        self.roster_path = QLineEdit()
        self.roster_path.setReadOnly(True)
        self.roster_path.setPlaceholderText(self.tr("尚未选择名册包"))
        self.roster_browse = browse = QPushButton(self.tr("选择名册包…"))
        browse.clicked.connect(self.choose_roster)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        # What the chosen file says of itself (readable without the passphrase): the
        # consortium this database will belong to and the unit it is for, before building.
        self.roster_info = QLabel()
        self.roster_info.setWordWrap(True)
        self.member_problem = QLabel()
        self.member_problem.setWordWrap(True)
        self.member_problem.setStyleSheet("color: #b00020;")
        file_row = QHBoxLayout()
        file_row.addWidget(self.roster_path, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("名册包"), file_row)
        form.addRow(self.tr("交换口令"), self.passphrase)
        panel = QVBoxLayout(self.member_panel)
        panel.addWidget(intro)
        panel.addLayout(form)
        panel.addWidget(self.roster_info)
        panel.addWidget(self.member_problem)
        panel.addStretch(1)
        self.member_panel.setVisible(False)
        layout = self.layout()
        layout.insertWidget(0, mode_box)
        layout.insertWidget(layout.indexOf(self.scroll) + 1, self.member_panel, 1)
        self.member_radio.toggled.connect(self._mode_changed)
        self.roster_path.textChanged.connect(self._member_edited)
        self.roster_path.textChanged.connect(self._describe_roster)
        self.passphrase.textChanged.connect(self._member_edited)

    def is_member(self) -> bool:
        return self.member_radio.isChecked()

    def _mode_changed(self, member: bool) -> None:
        self.scroll.setVisible(not member)
        self.member_panel.setVisible(member)
        self.save_button.setText(self.tr("建立成员库") if member else self.tr("创建"))
        if member:
            self.setMinimumWidth(max(self.minimumWidth(), 600))
        self.recheck()

    def _member_edited(self) -> None:
        self.member_problem.setText("")
        self.recheck()

    def _describe_roster(self, path: str) -> None:
        """Name the consortium and the unit the chosen roster is for (its plain header): the
        clerk sees which consortium this database will join before 建立成员库."""
        from ylt_desktop.exchange.content import ROSTER
        from ylt_desktop.exchange.sealed import PackageRefused, read_file

        self.roster_info.setText("")
        if not path:
            return
        try:
            header = read_file(path).header
        except (PackageRefused, OSError):
            return  # said at 建立成员库, with the reason
        if header.get("kind") != ROSTER:
            return
        self.roster_info.setText(
            self.tr("这个名册包属于医联体“%1”，发给“%2”。建立后，本数据库属于这个医联体。")
            .replace("%1", str(header.get("consortium", "")))
            .replace("%2", str(header.get("member", "")))
        )

    def choose_roster(self) -> None:
        from ylt_desktop.ui.dialogs.packages import FILE_FILTER

        chosen, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("选择牵头单位发来的名册包"),
            str(Path.home()),
            QCoreApplication.translate("Packages", FILE_FILTER),
        )
        if chosen:
            self.roster_path.setText(chosen)

    def recheck(self) -> None:
        if getattr(self, "member_panel", None) is None or not self.is_member():
            super().recheck()
            return
        missing = []
        if not self.roster_path.text():
            missing.append(self.tr("请选择名册包"))
        if not self.passphrase.text():
            missing.append(self.tr("请输入交换口令"))
        self.save_button.setEnabled(not missing)
        self.pending.setText("；".join(missing))
        self.pending.setToolTip("")

    def is_dirty(self) -> bool:
        return False if self.is_member() else super().is_dirty()

    def save(self) -> None:
        if not self.is_member():
            super().save()
            return
        if not self.save_button.isEnabled():
            return
        from ylt_desktop.exchange import open_roster
        from ylt_desktop.ui.background import run_in_background

        path, passphrase = Path(self.roster_path.text()), self.passphrase.text()

        def work():  # noqa: ANN202
            with self.db.session() as s:
                return open_roster(s, path, passphrase=passphrase)

        self.save_button.setEnabled(False)
        run_in_background(
            self, self.tr("正在用名册包建立成员库…"), work, self._member_made, self._member_refused
        )

    def _member_made(self, result) -> None:  # noqa: ANN001
        from ylt_desktop.ui.dialogs.packages import roster_summary

        self.roster_result = result
        QMessageBox.information(self, self.tr("成员库已建立"), roster_summary(result))
        self.accept()

    def _member_refused(self, exc: BaseException) -> None:
        """Nothing was written (one transaction): say why in Chinese, the clerk tries again."""
        from ylt_desktop.exchange import PackageRefused
        from ylt_desktop.ui.errors import show_error

        if isinstance(exc, PackageRefused):
            self.member_problem.setText(str(exc))
            QMessageBox.warning(self, self.tr("不能建立成员库"), str(exc))
        else:
            show_error(self, exc)
        self.recheck()

    def restore_from_backup(self) -> bool:
        """Choose a backup and restore it in place of the empty database; True when done."""
        from ylt_desktop.store.backup import backup_folder, verify_backup
        from ylt_desktop.store.db import open_database
        from ylt_desktop.store.restore import restore_database
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
        restored = False
        try:
            restore_database(chosen, path)
            restored = True
        except Exception as exc:  # refused or failed: the empty database is still there
            log.exception("restore at first run failed")
            show_error(self, exc)
            return False
        finally:
            # An older backup is upgraded here; a restored one runs the day's check (app.py
            # verifies the audit log once the first run ends).
            self.db = open_database(path, daily=restored)
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
