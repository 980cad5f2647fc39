"""A completer over everyone on the staff list, for the rotation dialog's 人员 box.

Matches the name or the whole ID number and shows the number masked; ``staff_id`` resolves the
chosen label (or a typed full ID number) back to the person.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from ylt_desktop.domain.codes import mask_id

SEARCH_ROLE = Qt.ItemDataRole.UserRole + 20
LABEL_ROLE = Qt.ItemDataRole.UserRole + 21


class StaffPicker(QObject):
    """A completer over everyone: matches the name or the whole ID number, shows it masked.

    The line edit holds the chosen person's label; ``staff_id`` resolves it back.
    """

    def __init__(self, line_edit: QLineEdit, people: list[tuple[int, str, str, str]]) -> None:
        super().__init__(line_edit)
        self.line_edit = line_edit
        self.model = QStandardItemModel(self)
        self._by_label: dict[str, int] = {}
        self._by_number: dict[str, int] = {}
        self.labels: dict[int, str] = {}
        for staff_id, name, id_number, detail in people:
            label = f"{name}（{mask_id(id_number)}）"
            if label in self._by_label:
                label = f"{label} #{staff_id}"
            item = QStandardItem(f"{label}　{detail}")
            item.setData(label, LABEL_ROLE)
            item.setData(f"{name} {id_number} {detail}".casefold(), SEARCH_ROLE)
            self.model.appendRow(item)
            self._by_label[label] = staff_id
            self._by_number[id_number] = staff_id
            self.labels[staff_id] = label
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterRole(SEARCH_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer = QCompleter(self.proxy, line_edit)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(LABEL_ROLE)
        self.completer.setMaxVisibleItems(12)
        line_edit.setCompleter(self.completer)
        line_edit.textEdited.connect(self._filter)
        # QLineEdit takes the choice only while focused; take it in any case.
        self.completer.activated[str].connect(line_edit.setText)

    def _filter(self, text: str) -> None:
        words = text.strip()
        if words in self._by_label:
            words = ""
        self.proxy.setFilterFixedString(words.casefold())

    def staff_id(self) -> int | None:
        text = self.line_edit.text().strip()
        if text in self._by_label:
            return self._by_label[text]
        return self._by_number.get(text.upper())
