"""The shipped Chinese font, registered at start-up so no glyph depends on the system."""

from __future__ import annotations

import _thread

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
        # The low-level thread module: importing ``threading`` after PySide6 cost the first
        # paint ~1.5 ms (PySide6 reads the source of each module imported after it).
        self._done = _thread.allocate_lock()
        self._done.acquire()
        _thread.start_new_thread(self._register, ())

    def _register(self) -> None:
        try:
            self._id = QFontDatabase.addApplicationFont(str(font_path()))
        finally:
            self._done.release()

    def finish(self, app: QApplication) -> str | None:
        """Make the font the application font; returns its family (None: it did not load)."""
        with self._done:  # registered (or failed) by now
            pass
        if self._id < 0:
            import logging  # here: PySide6 would read logging's source at this module's import

            logging.getLogger(__name__).error("cannot load font %s", font_path())
            return None
        family = QFontDatabase.applicationFontFamilies(self._id)[0]
        font = QFont(family)
        font.setPointSize(max(app.font().pointSize(), 10))
        app.setFont(font)
        # Before the event loop runs Qt tells no widget of the change (it does once running):
        # the windows built meanwhile take it anew, and their children from them (a font set
        # with nothing set in it is no font of their own; QEvent's type costs ~2 ms to load).
        for window in app.topLevelWidgets():
            window.setFont(QFont())
        return family


def install_font(app: QApplication) -> str | None:
    """Register the bundled font and make it the application font; returns its family."""
    return FontInstall().finish(app)
