"""The translators installed at start-up: Qt's own Chinese strings, or the program's English.

The source strings are Simplified Chinese, so the Chinese UI needs only Qt's own translation
(``qtbase_zh_CN.qm``: Yes/No, OK, Cancel, the Undo/Copy/Paste context menu, file dialogs).
The English UI loads ``ylt_en.qm`` and leaves Qt's strings in English.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from ylt_desktop.paths import resource_path

log = logging.getLogger(__name__)

QT_CHINESE = "qtbase_zh_CN.qm"


def qt_translation_file(name: str = QT_CHINESE) -> Path | None:
    """Qt's translation ``name``: the bundled copy (build.spec) first, then PySide6's own."""
    for folder in (
        resource_path("translations"),
        Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
    ):
        if (folder / name).is_file():
            return folder / name
    return None


def _install(app: QCoreApplication, path: Path | None) -> QTranslator | None:
    translator = QTranslator(app)
    if path is None or not translator.load(str(path)):
        log.error("cannot load translation %s", path)
        return None
    app.installTranslator(translator)
    return translator


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install the translators for ``lang`` ("zh_CN" or "en"); returns them (kept alive)."""
    if lang == "zh_CN":
        found = [_install(app, qt_translation_file())]
    else:
        found = [_install(app, resource_path("translations", f"ylt_{lang}.qm"))]
    translators = [t for t in found if t is not None]
    app._ylt_translators = translators  # keep references  # noqa: SLF001
    return translators
