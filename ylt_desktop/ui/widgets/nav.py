"""The main window's navigation: a column of entries, one per page, the current one highlighted.

It answers as the ``QListWidget`` it replaces did (``count``, ``item(i).text()``,
``currentRow``, ``setCurrentRow``, ``currentRowChanged``): the arrow keys, Home and End move
the current entry, Tab reaches the column once (the current entry), a click chooses. Each
entry is a button (accessible by its title, checked when current) painted like a list's row.

Why not a list: before the first paint, PySide6 creates the Python enums of every widget class
it touches; an item view brings 18 of them (~2 ms) and builds a model, a delegate and scroll
bars (issue #18: the first paint within 1.15 x a bare window). Why a style sheet, not a Python
``paintEvent``: any QPainter call from Python makes PySide6 create the ``Qt`` namespace's 93
enums (~20 ms) inside the first frame; Qt paints a style sheet itself. Nothing here touches
the ``Qt`` namespace before the first key press or a change of the current entry.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent, QKeyEvent

# The text's inset from the entry's left edge, as a list row has it (the style's focus frame
# margin + 1 in Fusion and the Windows styles).
TEXT_MARGIN = 3


class NavEntry(QPushButton):
    """One entry: its title, highlighted when current (checked)."""

    def __init__(self, text: str, nav: NavList) -> None:
        super().__init__(nav)
        self._nav = nav
        self.setText(text)
        self.setCheckable(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # One line of text, as tall as a list row; no width: the column's width is fixed
        # (measuring each title would shape it with the Chinese font before the first paint).
        return QSize(0, math.ceil(QFontMetricsF(self.font()).height()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()

    def nextCheckState(self) -> None:  # noqa: N802 - Qt's name
        """A click makes this entry the current one; it never unchecks it."""
        self._nav.setCurrentRow(self._nav.row(self))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if not self._nav.move_by_key(self, event):
            super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.update()


class NavList(QFrame):
    """The column of entries; ``currentRow`` is -1 until one is chosen."""

    currentRowChanged = Signal(int)  # noqa: N815 - QListWidget's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self._entries: list[NavEntry] = []
        self._current = -1
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)  # the rows touch the frame, as a list's
        self._layout.setSpacing(0)
        self._layout.addStretch(1)
        self._style()

    def _style(self) -> None:
        """The list's look, painted by Qt (a style sheet), not by Python: a QPainter call from
        Python makes PySide6 create the Python enums of the whole ``Qt`` namespace (~20 ms)
        before the first frame (bench/start.py)."""
        from PySide6.QtGui import QColor, QPalette

        palette, role, off = self.palette(), QPalette.ColorRole, QPalette.ColorGroup.Disabled

        def hexa(color: QColor) -> str:
            return color.name()

        highlight = palette.color(role.Highlight)
        r, g, b = highlight.red(), highlight.green(), highlight.blue()
        dim = palette.color(off, role.Highlight)
        self.setStyleSheet(
            f"NavList {{ background: {hexa(palette.color(role.Base))}; }}"
            f"NavList:disabled {{ background: {hexa(palette.color(off, role.Base))}; }}"
            f"NavEntry {{ border: none; background: transparent; text-align: left;"
            f" padding: 0 0 0 {TEXT_MARGIN}px; margin: 0;"
            f" color: {hexa(palette.color(role.Text))}; }}"
            f"NavEntry:disabled {{ color: {hexa(palette.color(off, role.Text))}; }}"
            f"NavEntry:checked {{ background: {hexa(highlight)};"
            f" color: {hexa(palette.color(role.HighlightedText))};"
            f" border: 1px solid {hexa(highlight.darker(110))};"
            f" padding-left: {TEXT_MARGIN - 1}px; }}"
            f"NavEntry:checked:disabled {{ background: {hexa(dim)};"
            f" color: {hexa(palette.color(off, role.HighlightedText))};"
            f" border: 1px solid {hexa(dim.darker(110))}; }}"
            f"NavEntry:focus:!checked {{ background: rgba({r}, {g}, {b}, 28);"
            f" border: 1px solid rgba({r}, {g}, {b}, 80); padding-left: {TEXT_MARGIN - 1}px; }}"
        )

    def addItem(self, text: str) -> NavEntry:  # noqa: N802 - QListWidget's name
        entry = NavEntry(text, self)
        self._layout.insertWidget(len(self._entries), entry)
        self._entries.append(entry)
        if len(self._entries) == 1:  # ``nav.setFocus()`` focuses the current (or first) entry
            self.setFocusProxy(entry)
        return entry

    def count(self) -> int:
        return len(self._entries)

    def item(self, row: int) -> NavEntry:
        return self._entries[row]

    def row(self, entry: NavEntry) -> int:
        return self._entries.index(entry)

    def currentRow(self) -> int:  # noqa: N802 - QListWidget's name
        return self._current

    def setCurrentRow(self, row: int) -> None:  # noqa: N802 - QListWidget's name
        """Make ``row`` current (highlighted, the one Tab reaches); -1 for none. Emits
        ``currentRowChanged`` when it changes, as a list does."""
        if not -1 <= row < len(self._entries):
            return
        if row == self._current:
            return
        from PySide6.QtCore import Qt

        had_focus = any(entry.hasFocus() for entry in self._entries)
        self._current = row
        for i, entry in enumerate(self._entries):
            entry.setChecked(i == row)
            # Tab stops once in the column, on the current entry; a click still focuses.
            current = i == row or (row < 0 and i == 0)
            entry.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus if current else Qt.FocusPolicy.ClickFocus
            )
        self.setFocusProxy(self._entries[max(row, 0)])
        if had_focus and row >= 0:
            self._entries[row].setFocus(Qt.FocusReason.OtherFocusReason)
        self.currentRowChanged.emit(row)

    def move_by_key(self, entry: NavEntry, event: QKeyEvent) -> bool:
        """Up/Down to the previous/next entry, Home/PageUp and End/PageDown to the first and
        last, as in a list; False for any other key."""
        from PySide6.QtCore import Qt

        key, row, last = event.key(), self.row(entry), len(self._entries) - 1
        moves = {
            Qt.Key.Key_Up: row - 1,
            Qt.Key.Key_Down: row + 1,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_PageUp: 0,
            Qt.Key.Key_End: last,
            Qt.Key.Key_PageDown: last,
        }
        if key not in moves:
            return False
        target = min(max(moves[key], 0), last)
        self.setCurrentRow(target)
        self._entries[target].setFocus(Qt.FocusReason.TabFocusReason)
        return True
