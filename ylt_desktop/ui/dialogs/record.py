"""The base of every record dialog: a loaded form, live checking, save and unsaved-edit prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

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
from ylt_desktop.ui.widgets.forms import FormBinder, load_form


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
        self._start_values: dict[str, Any] = {}
        self._touched: set[str] = set()
        self.current_problems: list[Problem] = []

    @property
    def save_button(self):  # noqa: ANN201
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    # A new record's empty form would open as a wall of "required" messages: its problems show
    # field by field once the clerk has changed that field (Save stays disabled meanwhile, and
    # ``pending`` counts the errors not shown yet). An existing record's problems show at once.
    quiet_until_edited = False
    # Problem fields outside the binder (a table, a grid) that stay quiet too: each is revealed
    # by ``reveal(field)`` when its widget is edited, or when one of the listed binder fields
    # changes. Any other field outside the binder belongs to the whole record and always shows.
    quiet_areas: ClassVar[dict[str, tuple[str, ...]]] = {}

    def start(self) -> None:
        """Call once the initial values are set: remembers them and checks the form."""
        self._pristine = self.binder.values()
        self._start_values = dict(self._pristine)
        self._touched = set()
        self.binder.changed.connect(self.recheck)
        self.recheck()

    def reveal(self, field: str) -> None:
        """The clerk edited ``field`` outside the binder: its problems show from now on."""
        self._touched.add(field)

    def _visible(self, problems: list[Problem]) -> list[Problem]:
        if not self.quiet_until_edited:
            return problems
        now = self.binder.values()
        # Once changed, a field stays revealed (clearing it again shows "required").
        self._touched |= {n for n, value in now.items() if value != self._start_values.get(n)}
        self._touched |= {
            area for area, by in self.quiet_areas.items() if self._touched.intersection(by)
        }
        return [p for p in problems if self._shows(p.field, now)]

    def _shows(self, field: str, now: dict[str, Any]) -> bool:
        if field in self._touched:
            return True
        if field in now:
            # A value the form filled in itself (a default date, a preset choice) was not left
            # for the clerk to fill: when it is wrong, the clerk must see why at once.
            return not _blank(self._start_values.get(field))
        return field not in self.quiet_areas

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
        # Hovering says which ones, should the clerk not find them.
        self.pending.setToolTip("\n".join(p.message for p in hidden))

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


def _blank(value: Any) -> bool:
    """An empty text or choice, or a number box still at 0: left for the clerk to fill."""
    return value is None or value == "" or (type(value) is int and value == 0)


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
