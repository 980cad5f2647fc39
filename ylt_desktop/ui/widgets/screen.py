"""Windows that fit the screen: sizes bounded by the available geometry.

A 1920×1080 laptop at 150 % offers 1280×720 logical pixels, less the task bar; a window
asked for at 1200×760 would open under the screen edge. Every window and dialog asks
``fit_window`` for its size; tests pass the available geometry they want to try. (Long forms
scroll in ``widgets.forms.FormScrollArea``: the main window imports this module before its
first paint, and a scroll area's class costs that paint ~0.4 ms.)
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# Room for the title bar and borders the window manager adds around a window.
FRAME = QSize(16, 48)


def available_geometry(widget: QWidget | None = None) -> QRect:
    """The screen area a window may use (without the task bar), of ``widget``'s screen."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fitting_size(wanted: QSize, available: QRect) -> QSize:
    """``wanted``, made smaller where it would not fit ``available`` with the frame."""
    return QSize(
        min(wanted.width(), available.width() - FRAME.width()),
        min(wanted.height(), available.height() - FRAME.height()),
    )


def fit_window(
    window: QWidget, wanted: QSize, available: QRect | None = None, *, centre: bool = False
) -> QSize:
    """Resize ``window`` to ``wanted`` bounded by the available screen area; returns the size.

    ``centre`` also places it in the middle of that area (a main window; dialogs are
    placed over their parent by Qt).
    """
    area = available if available is not None else available_geometry(window)
    size = fitting_size(wanted, area)
    window.resize(size)
    if centre:
        x = area.x() + max(0, (area.width() - window.width() - FRAME.width()) // 2)
        y = area.y() + max(0, (area.height() - window.height() - FRAME.height()) // 2)
        window.move(x, y)
    return size
