"""After an export: say where the files are, with 打开文件夹 and 打开文件 buttons."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

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


def notes_text(notes: Sequence[str], *, frozen: bool = False) -> str:
    """What the clerk should check before signing (``returns/export_notes.py``): the first
    ``NOTES_SHOWN`` notes, then how many there are in all and where the rest are: 检查 for an
    open quarter (it lists the same records); for a submitted one (``frozen``: the notes are
    of its frozen records, which 检查 does not read) the box's 查看全部 (``NotesDialog``)."""
    shown = list(notes[:NOTES_SHOWN])
    if len(notes) > NOTES_SHOWN and frozen:
        shown.append(
            QCoreApplication.translate(
                "Exported", "……共 %1 处，点“查看全部”逐条列出（本季度已报送，按报送时冻结的数据）"
            ).replace("%1", str(len(notes)))
        )
    elif len(notes) > NOTES_SHOWN:
        shown.append(
            QCoreApplication.translate("Exported", "……共 %1 处，详见“检查”").replace(
                "%1", str(len(notes))
            )
        )
    return QCoreApplication.translate("Exported", "请注意，打印签章前核对：\n%1").replace(
        "%1", "\n".join(shown)
    )


def all_notes_wanted(notes: Sequence[str], frozen: bool) -> bool:
    """Whether a box of ``notes`` offers 查看全部 (a submitted quarter's, more than shown)."""
    return frozen and len(notes) > NOTES_SHOWN


def all_notes_label() -> str:
    return QCoreApplication.translate("Exported", "查看全部")


class NotesDialog(QDialog):
    """Every note of a submitted quarter's export or print, in a scrolling list (the box
    shows ``NOTES_SHOWN``; 检查 reads today's records, not the frozen ones)."""

    def __init__(self, notes: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("打印签章前核对（共 %1 处）").replace("%1", str(len(notes))))
        intro = QLabel(
            self.tr(
                "本季度已报送：以下按报送时冻结的数据（导出和打印的内容），"
                "与“检查”按现在的记录所列的可能不同。"
            )
        )
        intro.setWordWrap(True)
        # Numbered: a long note wraps, and the number tells where the next one starts.
        self.text = QPlainTextEdit("\n".join(f"{n}. {note}" for n, note in enumerate(notes, 1)))
        self.text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)


def show_all_notes(parent: QWidget | None, notes: Sequence[str]) -> None:
    dialog = NotesDialog(notes, parent)
    try:
        dialog.exec()
    finally:
        dialog.deleteLater()


def exec_with_all_notes(
    box: QMessageBox, notes: Sequence[str], frozen: bool, parent: QWidget | None
) -> None:
    """Run ``box``; when it offers 查看全部 (``all_notes_wanted``), that button shows every
    note and the box comes back, until another button closes it."""
    wanted = all_notes_wanted(notes, frozen)
    every = box.addButton(all_notes_label(), QMessageBox.ButtonRole.ActionRole) if wanted else None
    while True:
        box.exec()
        if every is None or box.clickedButton() is not every:
            return
        show_all_notes(parent, notes)


def show_exported(
    parent: QWidget | None, paths: list[Path], notes: Sequence[str] = (), *, frozen: bool = False
) -> None:
    """The export is done: the files' names and folder, and buttons to open them; ``notes``
    (texts the PDF prints with "〓" for a rare character) follow, so the clerk hears of them
    before printing even without 检查 (``frozen``: of a submitted quarter's frozen records,
    all of them behind 查看全部)."""
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
        text += "\n\n" + notes_text(notes, frozen=frozen)
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
    exec_with_all_notes(box, notes, frozen, parent)
    chosen = targets.get(box.clickedButton())
    if chosen is not None:
        open_path(parent, chosen)
