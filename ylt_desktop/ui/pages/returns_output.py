"""季度报表's output: the Excel/PDF export (on ``ui/export_worker.py``, with progress and 取消)
and printing, with the questions asked first (members still missing, the reason for whole ID
numbers, the folder).

``ReturnOutput`` is a part of ``ReturnsPage`` (a mixin): it uses the page's ``db``,
``selected_quarter``, ``cover_fields``, ``_save_cover``, ``full_ids``, ``show_problems`` and the
export buttons.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog

from ylt_desktop.store.settings import get_setting, set_setting
from ylt_desktop.ui.dialogs.exported import (
    all_notes_wanted,
    documents_folder,
    exec_with_all_notes,
    notes_text,
    show_exported,
)
from ylt_desktop.ui.dialogs.record import run_guarded
from ylt_desktop.ui.errors import show_error
from ylt_desktop.ui.export_worker import ExportWorker

FOLDER_KEY = "return.folder"


class ReturnOutput:
    """Export and print of the page's quarter (mixed into ``ReturnsPage``)."""

    worker: ExportWorker | None
    last_paths: list[Path]
    _closing: bool

    def missing_ok(self) -> bool:
        """Before an export at the lead: the members still missing, named; True to go on."""
        from ylt_desktop.store.exchange import missing_members

        if self.is_member:
            return True
        quarter = self.selected_quarter()
        with self.db.session() as s:
            names = missing_members(s, quarter)
        if not names:
            return True
        answer = QMessageBox.question(
            self,
            self.tr("有成员单位尚未报送"),
            self.tr("%1 个成员单位尚未报送%2的数据包（或已退回）：%3\n\n"
                    "可以导出，但报表中这些单位的数据可能不全。仍要导出吗？")
            .replace("%1", str(len(names)))
            .replace("%2", quarter.label)
            .replace("%3", "、".join(names)),
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes

    def choose_folder(self) -> Path | None:
        with self.db.session() as s:
            start = get_setting(s, FOLDER_KEY, None) or documents_folder()
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择保存报表的文件夹"), start)
        if not folder:
            return None
        with self.db.session() as s:
            set_setting(s, key=FOLDER_KEY, value=folder)
        return Path(folder)

    def id_reason(self) -> str | None:
        """With whole ID numbers: the reason (asked, logged by the store); None when cancelled."""
        if not self.full_ids.isChecked():
            return ""
        from PySide6.QtWidgets import QInputDialog

        reason, ok = QInputDialog.getText(
            self,
            self.tr("完整证件号"),
            self.tr("导出完整证件号码的用途（将记入日志）："),
        )
        return reason.strip() if ok and reason.strip() else None

    def export(self, *, xlsx: bool, pdf: bool) -> None:
        if not self._save_cover() or not self.missing_ok():
            return
        reason = self.id_reason()
        if reason is None:
            return
        folder = self.choose_folder()
        if folder is None:
            return
        self.start_export(folder, xlsx=xlsx, pdf=pdf, id_reason=reason)

    def start_export(
        self, folder: Path, *, xlsx: bool, pdf: bool, id_reason: str = ""
    ) -> ExportWorker:
        """Start the export on its own thread; while it runs, the export buttons are off."""
        if self.worker is not None and self.worker.running():
            return self.worker
        self.worker = worker = ExportWorker(
            self.db,
            self.selected_quarter(),
            folder,
            cover_fields=self.cover_fields(),
            full_ids=self.full_ids.isChecked(),
            id_reason=id_reason,
            xlsx=xlsx,
            pdf=pdf,
        )
        dialog = QProgressDialog(self.tr("正在导出报表…"), self.tr("取消"), 0, 100, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.canceled.connect(worker.cancel)  # the worker lives on this thread: at once
        # Every signal of the worker is emitted on the GUI thread (ui/background.py).
        worker.progress.connect(self._on_progress)
        worker.done.connect(self._exported)
        worker.cancelled.connect(self._cancelled)
        worker.failed.connect(self._failed)
        self.progress_dialog = dialog
        self._set_exporting(True)
        worker.start()
        return worker

    def _set_exporting(self, running: bool) -> None:
        for button in (self.xlsx_button, self.pdf_button, self.both_button):
            button.setEnabled(not running)

    def _export_ended(self) -> bool:
        """The export's thread is over; False when the page is closing (nothing to show)."""
        self.progress_dialog.reset()
        if self.worker is not None:
            self.worker.thread.wait()
        self._set_exporting(False)
        return not self._closing

    def _on_progress(self, done: int, total: int) -> None:
        if not self.progress_dialog.wasCanceled():
            self.progress_dialog.setValue(done * 100 // max(total, 1))

    def _exported(self, paths: list) -> None:
        if not self._export_ended():
            return
        self.last_paths = paths
        worker = self.worker
        show_exported(self, paths, notes=worker.notes if worker is not None else [],
                      frozen=worker is not None and worker.frozen)  # fmt: skip

    def _cancelled(self) -> None:
        if not self._export_ended():
            return
        QMessageBox.information(self, self.tr("已取消"), self.tr("导出已取消，没有写入任何文件。"))

    def _failed(self, exc: BaseException) -> None:
        from ylt_desktop.returns.files import ExportBlocked

        if not self._export_ended():
            return
        if isinstance(exc, ExportBlocked):
            self.show_problems(exc.items)
            QMessageBox.warning(self, self.tr("不能导出"), str(exc))
        else:
            show_error(self, exc)

    def current_return(self, id_reason: str = "", notes: list[str] | None = None):  # noqa: ANN201
        """The return as printed; ``notes`` (a list) gets the texts it prints with "〓"."""
        from ylt_desktop.returns.export_notes import printed_return
        from ylt_desktop.store.quarters import log_full_id_export

        with self.db.session() as s:
            if self.full_ids.isChecked():  # refused (and shown) unless a reviewer gave a reason
                log_full_id_export(s, quarter=self.selected_quarter(), reason=id_reason)
            ret, said = printed_return(
                s,
                self.selected_quarter(),
                cover_fields=self.cover_fields(),
                full_ids=self.full_ids.isChecked(),
            )
        if notes is not None:
            notes += said
        return ret

    def print_preview(self) -> None:
        from ylt_desktop.ui.print_return import ReturnPreviewDialog

        if not self._save_cover():
            return
        ret = self._allowed_return()
        if ret is None:
            return
        dialog = ReturnPreviewDialog(ret, self.font().family(), self)
        if getattr(self, "is_member", False):  # a member's database prints its own return
            dialog.setWindowTitle(self.tr("打印预览：本单位报表（成员单位）"))
        else:
            dialog.setWindowTitle(self.tr("打印预览"))
        try:
            dialog.exec()
        finally:
            dialog.deleteLater()  # the C++ dialog goes first, then the printer it points to

    def print_direct(self) -> int:
        """打印: the system's print dialog, then the return painted onto the chosen printer.

        Returns the number of pages printed (0 when the dialog was cancelled).
        """
        from PySide6.QtPrintSupport import QPrintDialog

        from ylt_desktop.ui.print_return import PrintFailed, new_printer, print_return

        if not self._save_cover():
            return 0
        ret = self._allowed_return()
        if ret is None:
            return 0
        printer = new_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印报表"))
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
        finally:
            dialog.deleteLater()
        try:
            return print_return(ret, printer, self.font().family())
        except PrintFailed as exc:
            QMessageBox.warning(self, self.tr("打印失败"), str(exc))
            return 0

    def _allowed_return(self):  # noqa: ANN202
        """The return to print; with whole ID numbers only after a reason, as the store rules
        (refused, and said why, for a 填表人). None when cancelled or refused."""
        reason = self.id_reason()
        if reason is None:
            return None
        made: list = []
        notes: list[str] = []
        if not run_guarded(self, lambda: made.append(self.current_return(reason, notes))):
            return None
        if notes and not self._print_anyway(notes):
            return None
        return made[0]

    def _print_anyway(self, notes: list[str]) -> bool:
        """The texts the page prints with "〓" (the PDF's notes: the same font, the same
        mark), said before the print dialog or the preview opens; True to go on. A submitted
        quarter's (its frozen records, which 检查 does not read) are all behind 查看全部."""
        from ylt_desktop.returns.snapshot import is_frozen

        with self.db.session() as s:
            frozen = is_frozen(s, self.selected_quarter())
        text = (
            notes_text(notes, frozen=frozen)
            + "\n\n"
            + self.tr("打印件上这些字印作“〓”（与导出的 PDF 相同）。仍要打印吗？")
        )
        if not all_notes_wanted(notes, frozen):
            answer = QMessageBox.question(self, self.tr("打印前请核对"), text)
            return answer == QMessageBox.StandardButton.Yes
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("打印前请核对"), text, parent=self)
        yes = box.addButton(self.tr("仍要打印"), QMessageBox.ButtonRole.YesRole)
        no = box.addButton(self.tr("取消"), QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(no)
        exec_with_all_notes(box, notes, frozen, self)
        return box.clickedButton() is yes
