"""The base of every record dialog: a loaded form, live checking, save and unsaved-edit prompts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QCoreApplication, QRect, QSize, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
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
from ylt_desktop.store.versions import RecordChanged, form_values
from ylt_desktop.ui.widgets.forms import FormBinder, FormScrollArea, load_form
from ylt_desktop.ui.widgets.screen import fit_window

BANNER_STYLE = "background: #fff3cd; color: #664d03; border: 1px solid #ffe69c; padding: 6px 8px;"


class RecordDialog(QDialog):
    """Subclasses give the form name and fields, and implement ``problems`` and ``commit``."""

    form_name = ""
    fields: tuple[str, ...] = ()
    # The size a dialog would like (more than its form's own size hint); ``fit_to_screen``
    # bounds it by the screen, the form scrolling inside while the buttons stay in view.
    wanted_size: QSize | None = None

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
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self._save_by_key)
        # Says why Save is disabled: how many problems still stand, shown or not yet shown.
        self.pending = QLabel()
        self.pending.setStyleSheet("color: #555;")
        self.pending.setWordWrap(True)
        # Says first why a record cannot be changed (a submitted quarter), and who may reopen.
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(False)
        self.scroll = FormScrollArea(self.form)
        row = QHBoxLayout()
        row.addWidget(self.pending, 1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(row)
        self._fitted = False
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
        self._add_history_button()

    def _add_history_button(self) -> None:
        """历史… for an existing record: its entries of the audit log (``dialogs/history.py``)."""
        from ylt_desktop.ui.dialogs.history import RECORDS

        table, attr = RECORDS.get(type(self).__name__, ("", ""))
        if not table or getattr(self, attr, None) is None or hasattr(self, "history_button"):
            return
        from PySide6.QtWidgets import QPushButton

        self.history_button = QPushButton(self.tr("历史…"))
        self.buttons.addButton(self.history_button, QDialogButtonBox.ButtonRole.HelpRole)
        self.history_button.clicked.connect(self.show_history)

    def show_history(self) -> None:
        from ylt_desktop.ui.dialogs.history import RECORDS, HistoryDialog

        table, attr = RECORDS[type(self).__name__]
        self.history_dialog = HistoryDialog(self.db, table, getattr(self, attr), self)
        self.history_dialog.open()

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

    def fit_to_screen(self, available: QRect | None = None) -> QSize:
        """Take the wanted size, bounded by ``available`` (the screen's, by default)."""
        wanted = self.sizeHint()
        if self.wanted_size is not None:
            wanted = wanted.expandedTo(self.wanted_size)
        self._fitted = True
        self._available = available
        return fit_window(self, wanted, available)

    _available: QRect | None = None

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if not self._fitted:
            self.fit_to_screen()
        super().showEvent(event)
        # Widgets sized only once shown (a picker added to a row) may want more width than
        # the form said: widen rather than scroll sideways, while the screen has room.
        QTimer.singleShot(0, self._widen)

    def _widen(self) -> None:
        # The form's own wish, not only the scroll bar: the scroll area lays the form out
        # after this runs, so its bar still said 0 (设置 stayed cut off behind a bar).
        inner = self.scroll.widget()
        wish = inner.sizeHint().width() - self.scroll.viewport().width() if inner else 0
        extra = max(self.scroll.horizontalScrollBar().maximum(), wish)
        if extra > 0:
            fit_window(self, QSize(self.width() + extra, self.height()), self._available)

    def show_lock(self, text: str, *, editable: tuple[str, ...] = ()) -> None:
        """Say first why the record cannot be changed; only ``editable`` fields stay open.

        With nothing editable the dialog only shows the record: no Save, and 关闭.
        """
        self.banner.setText(text)
        self.banner.setVisible(True)
        for name, widget in self.binder.widgets.items():
            if name not in editable:
                widget.setEnabled(False)
        if not editable:
            self.save_button.setVisible(False)
            cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            cancel.setText(self.tr("关闭"))

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
        errors = [p for p in self.current_problems if p.is_error]
        self.pending.setText(
            self.tr("还有 %n 项需要填写或更正").replace("%n", str(len(errors))) if errors else ""
        )
        # Hovering says which ones, should the clerk not find them.
        self.pending.setToolTip("\n".join(p.message for p in errors))

    def save(self) -> None:
        self.recheck()
        if has_errors(self.current_problems):
            return
        try:
            self.commit()
        except RecordChanged as exc:
            self.show_changed(exc)
            return
        except RuleViolation as exc:
            self.current_problems = exc.problems
            self.binder.show_problems(exc.problems)
            self.save_button.setEnabled(False)
            return
        self._pristine = self.binder.values()
        self.accept()

    # The version of the record the form was loaded from (``store/versions.py``); a dialog of
    # an existing record sets it and hands it to its update command.
    version: int | None = None

    def mine(self) -> dict[str, Any]:
        """The form's values as the record's fields (compared with another's save)."""
        return form_values(self.data())  # type: ignore[attr-defined]

    def show_changed(self, exc: RecordChanged) -> None:
        """Another saved the record since it was loaded: say so above the form, show their
        values beside the clerk's, keep what was typed; the next save builds on theirs."""
        from ylt_desktop.ui.dialogs.record_changed import show_record_changed

        self.banner.setText(str(exc))
        self.banner.setVisible(True)
        if exc.version is not None:
            self.version = exc.version
        self.changed_dialog = show_record_changed(self, self.db, exc, self.mine())  # type: ignore[attr-defined]

    def _save_by_key(self) -> None:
        """Ctrl+S does what the Save button would, and nothing while it is off or hidden."""
        if self.save_button.isEnabled() and not self.save_button.isHidden():
            self.save()

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


def lock_text(labels: list[str], what: str) -> str:
    """The banner of a record in submitted quarters: why it is locked and who may reopen."""
    return QCoreApplication.translate("RecordDialog", "%1已报送并锁定：%2").replace(
        "%1", "、".join(labels)
    ).replace("%2", what) + QCoreApplication.translate(
        "RecordDialog",
        "如需修改，请审核人在“季度报表”页选择该季度，点“重新打开…”并填写原因"
        "（会记入日志），改好后再报送。",
    )


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
