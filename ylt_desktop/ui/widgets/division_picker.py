"""所在地区 picked from the GB/T 2260 table: province → city → county lists beside the code box.

The lists fill the code box the form binds (``division``), and typing a code there selects the
lists, so the clerk may pick or type; the code box stays the one value the form reads.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from ylt_desktop.domain.codes import divisions_under
from ylt_desktop.domain.text import normalize_code


class DivisionPicker(QWidget):
    """Three linked lists that write a six-digit code into ``code_edit``."""

    def __init__(self, code_edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_edit = code_edit
        self._syncing = False
        self.province = QComboBox()
        self.city = QComboBox()
        self.county = QComboBox()
        for combo, name in (
            (self.province, "division_province"),
            (self.city, "division_city"),
            (self.county, "division_county"),
        ):
            combo.setObjectName(name)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMaxVisibleItems(20)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.province)
        layout.addWidget(self.city)
        layout.addWidget(self.county)
        self._fill(self.province, self.tr("（省）"), divisions_under(None))
        self._fill(self.city, self.tr("（市）"), [])
        self._fill(self.county, self.tr("（县、区）"), [])
        self.province.activated.connect(self._province_chosen)
        self.city.activated.connect(self._city_chosen)
        self.county.activated.connect(self._county_chosen)
        code_edit.textChanged.connect(self.show_code)
        self.show_code(code_edit.text())

    @staticmethod
    def _fill(combo: QComboBox, empty: str, items: list[tuple[str, str]]) -> None:
        combo.clear()
        combo.addItem(empty, None)
        for code, name in items:
            combo.addItem(name, code)
        combo.setEnabled(bool(items))

    def _write(self, code: str | None) -> None:
        if code is None:
            return
        self._syncing = True
        try:
            self.code_edit.setText(code)
        finally:
            self._syncing = False

    def _province_chosen(self, _index: int) -> None:
        code = self.province.currentData()
        self._fill(self.city, self.tr("（市）"), divisions_under(code) if code else [])
        self._fill(self.county, self.tr("（县、区）"), [])
        self._write(code)

    def _city_chosen(self, _index: int) -> None:
        code = self.city.currentData()
        self._fill(self.county, self.tr("（县、区）"), divisions_under(code) if code else [])
        self._write(code or self.province.currentData())

    def _county_chosen(self, _index: int) -> None:
        self._write(self.county.currentData() or self.city.currentData())

    def show_code(self, text: str) -> None:
        """Select the lists for a typed code (its first six digits); unknown parts stay empty."""
        if self._syncing:
            return
        code = normalize_code(text)[:6]
        if len(code) < 2 or not code.isdigit():
            return
        province = code[:2] + "0000"
        self._select(self.province, province)
        self._fill(self.city, self.tr("（市）"), divisions_under(province))
        if len(code) < 4:
            return
        city = code[:4] + "00"
        self._select(self.city, city)
        self._fill(
            self.county,
            self.tr("（县、区）"),
            divisions_under(city) if self.city.currentData() else [],
        )
        if len(code) == 6:
            self._select(self.county, code)

    @staticmethod
    def _select(combo: QComboBox, code: str) -> None:
        combo.setCurrentIndex(max(combo.findData(code, Qt.ItemDataRole.UserRole), 0))


def attach_division_picker(code_edit: QLineEdit) -> DivisionPicker:
    """Put a picker in front of ``code_edit`` inside its own row layout."""
    row = code_edit.parentWidget().layout()
    picker = DivisionPicker(code_edit, code_edit.parentWidget())
    row.insertWidget(row.indexOf(code_edit), picker)
    code_edit.setPlaceholderText(QCoreApplication.translate("DivisionPicker", "或直接输入代码"))
    width = code_edit.fontMetrics().horizontalAdvance("或直接输入代码") + 24
    code_edit.setMinimumWidth(width)
    code_edit.setMaximumWidth(width + 40)
    return picker
