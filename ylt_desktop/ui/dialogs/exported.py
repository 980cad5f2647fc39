"""After an export: say where the files are, with 打开文件夹 and 打开文件 buttons."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

KINDS = {".xlsx": "Excel", ".pdf": "PDF"}
NOTES_SHOWN = 5  # the rest are counted: the check lists every one


def documents_folder() -> str:
    """Where the folder dialog starts the first time: the clerk's 文档 (Documents) folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return found or str(Path.home())


def open_path(parent: QWidget | None, path: Path) -> bool:
    """Open a file or folder with the program the system uses for it; say so if none."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    QMessageBox.warning(
        parent,
        QCoreApplication.translate("Exported", "无法打开"),
        QCoreApplication.translate("Exported", "系统没有可打开它的程序。文件保存在：\n%1").replace(
            "%1", str(path)
        ),
    )
    return False


def notes_text(notes: Sequence[str]) -> str:
    """What the clerk should check before signing (``returns/export_notes.py``): the first
    ``NOTES_SHOWN`` notes, then how many there are in all."""
    shown = list(notes[:NOTES_SHOWN])
    if len(notes) > NOTES_SHOWN:
        shown.append(
            QCoreApplication.translate("Exported", "……共 %1 处，详见“检查”").replace(
                "%1", str(len(notes))
            )
        )
    return QCoreApplication.translate("Exported", "请注意，打印签章前核对：\n%1").replace(
        "%1", "\n".join(shown)
    )


def show_exported(parent: QWidget | None, paths: list[Path], notes: Sequence[str] = ()) -> None:
    """The export is done: the files' names and folder, and buttons to open them; ``notes``
    (texts the PDF prints with "〓" for a rare character) follow, so the clerk hears of them
    before printing even without 检查."""
    folder = paths[0].parent
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information if not notes else QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Exported", "导出完成"))
    text = (
        QCoreApplication.translate("Exported", "已保存：\n%1\n\n文件夹：%2")
        .replace("%1", "\n".join(p.name for p in paths))
        .replace("%2", str(folder))
    )
    if notes:
        text += "\n\n" + notes_text(notes)
    box.setText(text)
    targets = {
        box.addButton(
            QCoreApplication.translate("Exported", "打开文件夹"),
            QMessageBox.ButtonRole.ActionRole,
        ): folder
    }
    for path in paths:
        kind = KINDS.get(path.suffix.lower(), "")
        text = QCoreApplication.translate("Exported", "打开 %1 文件").replace("%1", kind)
        targets[box.addButton(text, QMessageBox.ButtonRole.ActionRole)] = path
    close = box.addButton(QMessageBox.StandardButton.Close)
    close.setText(QCoreApplication.translate("Exported", "关闭"))
    box.setDefaultButton(close)
    box.exec()
    chosen = targets.get(box.clickedButton())
    if chosen is not None:
        open_path(parent, chosen)
