"""The shipped Chinese font, registered at start-up so no glyph depends on the system."""

from __future__ import annotations

import threading

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ylt_desktop.paths import font_path


class FontInstall:
    """The bundled font registered on a thread while the window is built.

    Reading the 5 MB font file took 4-7 ms of the ~100 ms to the first paint, with the main
    thread waiting; QFontDatabase is thread-safe and releases the interpreter meanwhile.
    ``finish`` waits for it and makes it the application font of every widget, before the
    window is shown: none is laid out or painted with another font first."""

    def __init__(self) -> None:
        self._id = -1
        self._thread = threading.Thread(target=self._register, name="font", daemon=True)
        self._thread.start()

    def _register(self) -> None:
        self._id = QFontDatabase.addApplicationFont(str(font_path()))

    def finish(self, app: QApplication) -> str | None:
        """Make the font the application font; returns its family (None: it did not load)."""
        self._thread.join()
        if self._id < 0:
            import logging  # here: PySide6 would read logging's source at this module's import

            logging.getLogger(__name__).error("cannot load font %s", font_path())
            return None
        family = QFontDatabase.applicationFontFamilies(self._id)[0]
        font = QFont(family)
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)
        # Before the event loop runs Qt tells no widget of the change (it does once running):
        # the widgets built meanwhile take the font as they would then.
        change = QEvent(QEvent.Type.ApplicationFontChange)
        for widget in app.allWidgets():
            app.sendEvent(widget, change)
        return family


def install_font(app: QApplication) -> str | None:
    """Register the bundled font and make it the application font; returns its family."""
    return FontInstall().finish(app)
