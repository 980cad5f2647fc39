"""帮助 menu: a short Chinese 使用说明 shown offline, and 关于 (version, the bundled font's licence).

The guide is ``resources/help/usage.html`` (carried by build.spec with ``resources/``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop import __version__
from ylt_desktop.paths import font_path, resource_path
from ylt_desktop.ui.widgets.screen import fit_window

USAGE = ("help", "usage.html")


def add_help_menu(window: QMainWindow) -> None:
    """帮助 → 使用说明 (F1), 关于."""
    menu = window.menuBar().addMenu(QCoreApplication.translate("Help", "帮助"))
    usage = QAction(QCoreApplication.translate("Help", "使用说明"), window)
    usage.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    usage.triggered.connect(lambda: TextDialog.usage(window).exec())
    about = QAction(QCoreApplication.translate("Help", "关于"), window)
    about.triggered.connect(lambda: AboutDialog(window).exec())
    menu.addAction(usage)
    menu.addAction(about)
    window.help_actions = (usage, about)


class TextDialog(QDialog):
    """A page of text in a browser that never goes on line (links to files open inside)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(
            QCoreApplication.translate("Help", "关闭")
        )
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        fit_window(self, QSize(780, 640))

    @classmethod
    def usage(cls, parent: QWidget | None = None) -> TextDialog:
        dialog = cls(QCoreApplication.translate("Help", "使用说明"), parent)
        dialog.browser.setSource(QUrl.fromLocalFile(str(resource_path(*USAGE))))
        return dialog

    @classmethod
    def font_licence(cls, parent: QWidget | None = None) -> TextDialog:
        dialog = cls(QCoreApplication.translate("Help", "字体许可"), parent)
        licence = font_path().with_name("wqy-microhei.LICENSE.txt")
        dialog.browser.setPlainText(licence.read_text(encoding="utf-8"))
        return dialog


class AboutDialog(QDialog):
    """The program's name and version, and the licence of the font it ships."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("Help", "关于"))
        self.text = QLabel(
            QCoreApplication.translate(
                "Help",
                "<h3>医联体成员数据填报</h3>"
                "<p>版本 %1</p>"
                "<p>本程序在本机保存医联体成员数据，并生成季度报表（Excel 和 PDF）。</p>"
                "<p>界面和报表使用随程序提供的字体“文泉驿微米黑”（WenQuanYi Micro Hei），"
                "其许可为 Apache License 2.0，或 GNU GPL 第 3 版及以后版本（附字体例外），"
                "可任选其一。</p>",
            ).replace("%1", __version__)
        )
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        licence = QPushButton(QCoreApplication.translate("Help", "查看字体许可…"))
        licence.clicked.connect(lambda: TextDialog.font_licence(self).exec())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(
            QCoreApplication.translate("Help", "关闭")
        )
        buttons.addButton(licence, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        self.licence_button = licence
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        fit_window(self, QSize(520, 300))
