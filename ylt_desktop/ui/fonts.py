"""The shipped Chinese font, registered at start-up so no glyph depends on the system."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ylt_desktop.paths import font_path


def install_font(app: QApplication) -> str | None:
    """Register the bundled font and make it the application font; returns its family."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    if font_id < 0:
        import logging  # here: PySide6 would read logging's source at this module's import

        logging.getLogger(__name__).error("cannot load font %s", font_path())
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPointSize(max(app.font().pointSize(), 10))
    app.setFont(font)
    return family
