"""The base of every record dialog: a loaded form, live checking, save and unsaved-edit prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.problems import Problem, RuleViolation, has_errors
from ylt_desktop.ui.forms import FormBinder, load_form


class RecordDialog(QDialog):
    """Subclasses give the form name and fields, and implement ``problems`` and ``commit``."""

    form_name = ""
    fields: tuple[str, ...] = ()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = load_form(self.form_name, self)
        self.binder = FormBinder(self.form, self.fields)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        # Says why Save is disabled while the errors are on fields not yet filled in.
        self.pending = QLabel()
        self.pending.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        row.addWidget(self.pending, 1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addLayout(row)
        self.setWindowTitle(self.form.windowTitle())
        self._pristine: dict[str, Any] = {}
        self.current_problems: list[Problem] = []

    @property
    def save_button(self):  # noqa: ANN201
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    # A new record's empty form would open as a wall of "required" messages: its problems show
    # field by field once the clerk has changed that field (Save stays disabled meanwhile).
    # An existing record's problems show at once.
    quiet_until_edited = False

    def start(self) -> None:
        """Call once the initial values are set: remembers them and checks the form."""
        self._pristine = self.binder.values()
        self._start_values = dict(self._pristine)
        self._touched: set[str] = set()
        self.binder.changed.connect(self.recheck)
        self.recheck()

    def _visible(self, problems: list[Problem]) -> list[Problem]:
        if not self.quiet_until_edited:
            return problems
        now = self.binder.values()
        # Once changed, a field stays revealed (clearing it again shows "required").
        self._touched |= {n for n, value in now.items() if value != self._start_values.get(n)}
        return [p for p in problems if p.field in self._touched or p.field not in now]

    def is_dirty(self) -> bool:
        return self.binder.values() != self._pristine

    def problems(self) -> list[Problem]:
        raise NotImplementedError

    def commit(self) -> None:
        """Write the record in one transaction; raise RuleViolation to refuse."""
        raise NotImplementedError

    def recheck(self) -> None:
        self.current_problems = self.problems()
        visible = self._visible(self.current_problems)
        self.binder.show_problems(visible)
        self.save_button.setEnabled(not has_errors(self.current_problems))
        hidden = [p for p in self.current_problems if p.is_error and p not in visible]
        self.pending.setText(
            self.tr("还有 %n 项需要填写或更正").replace("%n", str(len(hidden))) if hidden else ""
        )

    def save(self) -> None:
        self.recheck()
        if has_errors(self.current_problems):
            return
        try:
            self.commit()
        except RuleViolation as exc:
            self.current_problems = exc.problems
            self.binder.show_problems(exc.problems)
            self.save_button.setEnabled(False)
            return
        self._pristine = self.binder.values()
        self.accept()

    def reject(self) -> None:
        if self.is_dirty() and not self._confirm_discard():
            return
        self._pristine = self.binder.values()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.is_dirty() and not self._confirm_discard():
            event.ignore()
            return
        self._pristine = self.binder.values()
        super().closeEvent(event)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("放弃修改"),
            self.tr("有尚未保存的修改，确定放弃吗？"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


def run_guarded(parent: QWidget, action: Callable[[], Any]) -> bool:
    """Run a store command; a RuleViolation is shown as a warning box. True when it ran."""
    try:
        action()
    except RuleViolation as exc:
        QMessageBox.warning(
            parent,
            QCoreApplication.translate("RecordDialog", "操作被拒绝"),
            str(exc),
            QMessageBox.StandardButton.Ok,
        )
        return False
    return True
