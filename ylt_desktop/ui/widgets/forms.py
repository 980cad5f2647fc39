"""The one way forms are made: ``forms/*.ui`` loaded with QUiLoader, bound to data by name.

A form's editable widgets are named after the data fields; the label that shows a field's
problems is named ``<field>_problem``. A number that may be left empty is a QSpinBox with a
``specialValueText`` (such as "未填") shown at its minimum: that value reads as None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QFile, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QWidget,
)

from ylt_desktop.domain.problems import Level, Problem
from ylt_desktop.paths import form_path

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #9a6700;"
ERROR_FIELD_STYLE = "border: 1px solid #b00020;"


def load_form(name: str, parent: QWidget | None = None) -> QWidget:
    """Load ``forms/<name>.ui`` and return its top widget."""
    path = form_path(f"{name}.ui")
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(path)
    try:
        widget = QUiLoader().load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"cannot load form {path}")
    from ylt_desktop.ui.widgets.half_width import fold_full_width_in

    fold_full_width_in(widget)  # number and date boxes take full-width digits (１２)
    return widget


def to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def reserve_line(label: QLabel) -> None:
    """A problem label keeps one line of room while hidden: messages appearing and going
    do not make the form jump; a longer message wraps onto more lines instead of being cut."""
    label.setWordWrap(True)
    label.setMinimumHeight(label.fontMetrics().lineSpacing())
    policy = label.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    policy.setHeightForWidth(True)
    label.setSizePolicy(policy)


class FormBinder(QObject):
    """Moves values between a loaded form and a dict of field values; shows problems."""

    changed = Signal()

    def __init__(self, form: QWidget, fields: Iterable[str]) -> None:
        super().__init__(form)
        self.form = form
        self.widgets: dict[str, QWidget] = {}
        for name in fields:
            widget = form.findChild(QWidget, name)
            if widget is None:
                raise LookupError(f"form {form.objectName()} has no widget {name}")
            self.widgets[name] = widget
            self._connect(widget)
        for label in self.problem_labels():
            reserve_line(label)

    def _connect(self, widget: QWidget) -> None:
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(self.changed)
        elif isinstance(widget, QComboBox):
            widget.currentTextChanged.connect(self.changed)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(self.changed)
        elif isinstance(widget, QSpinBox):
            widget.valueChanged.connect(self.changed)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self.changed)
        elif isinstance(widget, QPlainTextEdit):
            widget.textChanged.connect(self.changed)

    def widget(self, name: str) -> QWidget:
        return self.widgets[name]

    def set_choices(self, name: str, choices: Iterable[str]) -> None:
        combo = self.widgets[name]
        assert isinstance(combo, QComboBox)
        combo.clear()
        combo.addItems(list(choices))

    def set_value(self, name: str, value: Any) -> None:
        w = self.widgets[name]
        if isinstance(w, QLineEdit):
            w.setText("" if value is None else str(value))
        elif isinstance(w, QComboBox):
            w.setCurrentIndex(w.findText(value) if value else -1)
        elif isinstance(w, QDateEdit):
            if value is not None:
                w.setDate(to_qdate(value))
        elif isinstance(w, QSpinBox):
            if value is None and w.specialValueText():
                w.setValue(w.minimum())  # shown as its special text ("未填")
            else:
                w.setValue(int(value or 0))
        elif isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(value or "")

    def value(self, name: str) -> Any:
        w = self.widgets[name]
        if isinstance(w, QLineEdit):
            return w.text()
        if isinstance(w, QComboBox):
            return w.currentText()
        if isinstance(w, QDateEdit):
            return from_qdate(w.date())
        if isinstance(w, QSpinBox):
            # A box with a special text at its minimum ("未填") holds no number: None.
            if w.specialValueText() and w.value() == w.minimum():
                return None
            return w.value()
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QPlainTextEdit):
            return w.toPlainText()
        raise TypeError(type(w))

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.widgets:
                self.set_value(name, value)

    def values(self) -> dict[str, Any]:
        return {name: self.value(name) for name in self.widgets}

    def problem_label(self, field: str) -> QLabel | None:
        return self.form.findChild(QLabel, f"{field}_problem")

    def problem_labels(self) -> list[QLabel]:
        return [
            label
            for label in self.form.findChildren(QLabel)
            if label.objectName().endswith("_problem")
        ]

    def show_problems(self, problems: list[Problem]) -> None:
        """Put each problem next to its field; errors red, warnings amber; clear the rest."""
        by_field: dict[str, list[Problem]] = {}
        for p in problems:
            by_field.setdefault(p.field, []).append(p)
        for label in self.problem_labels():
            field = label.objectName().removesuffix("_problem")
            found = by_field.get(field, [])
            label.setVisible(bool(found))
            label.setText("\n".join(p.message for p in found))
            is_error = any(p.level is Level.ERROR for p in found)
            label.setStyleSheet(ERROR_STYLE if is_error else WARNING_STYLE)
            widget = self.widgets.get(field)
            if widget is not None and isinstance(widget, QLineEdit):
                widget.setStyleSheet(ERROR_FIELD_STYLE if is_error else "")


def make_searchable(combo: QComboBox) -> None:
    """A long list of units the clerk can type into: "石门" offers 澄湖县石门镇卫生院.

    The combo becomes editable (nothing typed is added to it); its completer pops up every
    item containing the typed text. Read the choice with ``combo_choice``.
    """
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setMaxVisibleItems(12)
    combo.lineEdit().setPlaceholderText(
        QCoreApplication.translate("Forms", "输入名称中的几个字查找")
    )


def combo_choice(combo: QComboBox) -> Any:
    """The data of the item whose text is shown, or None (text typed that names no item)."""
    index = combo.findText(combo.currentText().strip(), Qt.MatchFlag.MatchExactly)
    return combo.itemData(index) if index >= 0 else None


class FormScrollArea(QScrollArea):
    """Scrolls a long form; asks for the form's whole size, so a short form does not scroll.

    (QScrollArea's own size hint stops at about 36×24 lines of text.)
    """

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(widget)

    def sizeHint(self) -> QSize:  # noqa: N802
        from PySide6.QtWidgets import QStyle  # here: ~10 ms off opening a dialog

        inner = self.widget().sizeHint() if self.widget() is not None else QSize()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return inner + QSize(2 * self.frameWidth() + bar, 2 * self.frameWidth())
