"""The base of every record dialog: a loaded form, live checking, save and unsaved-edit prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QVBoxLayout, QWidget

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
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.form.windowTitle())
        self._pristine: dict[str, Any] = {}
        self.current_problems: list[Problem] = []

    @property
    def save_button(self):  # noqa: ANN201
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def start(self) -> None:
        """Call once the initial values are set: remembers them and checks the form."""
        self._pristine = self.binder.values()
        self.binder.changed.connect(self.recheck)
        self.recheck()

    def is_dirty(self) -> bool:
        return self.binder.values() != self._pristine

    def problems(self) -> list[Problem]:
        raise NotImplementedError

    def commit(self) -> None:
        """Write the record in one transaction; raise RuleViolation to refuse."""
        raise NotImplementedError

    def recheck(self) -> None:
        self.current_problems = self.problems()
        self.binder.show_problems(self.current_problems)
        self.save_button.setEnabled(not has_errors(self.current_problems))

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
