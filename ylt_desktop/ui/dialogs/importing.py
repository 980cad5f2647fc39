"""导入…: choose what and which file, fix the column mapping, see the dry run, then import.

The dry run and the import run off the GUI thread (``ImportWorker``, a ``BackgroundTask``:
its signals arrive on the GUI thread). Importing writes all valid rows or nothing in one transaction
(``importing.import_file``).

Closing the dialog (取消 when idle, Esc, the window's ×, or the main window closing:
``may_close``) while work runs: a check (dry run) is cancelled; an import asks first
(``CLOSE_WHILE_WRITING``) and is cancelled only when the clerk confirms, else the dialog stays
open. Cancelled work is waited for (the import polls cancel between batches and just before
its commit, so a cancel leaves the database exactly as before; the wait cursor shows and the
buttons are off meanwhile) and its end handled before the dialog closes: an import that
committed before the cancel reached it says 导入完成.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QSize,
    QStandardPaths,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import (
    KINDS,
    ImportFileError,
    import_file,
    quarter_in_text,
    quarters_in_text,
    read_layout,
    targets,
)
from ylt_desktop.store.access import os_error_text
from ylt_desktop.store.db import Database
from ylt_desktop.ui.background import BackgroundTask
from ylt_desktop.ui.widgets.screen import fit_window

NOT_IMPORTED = QT_TRANSLATE_NOOP("ImportDialog", "（不导入）")
QUARTERLY_KINDS = frozenset(
    {"rotations", "agreements", "figures"}
)  # rows carry one quarter's figures
QUARTERS_OFFERED = 8
CLOSE_WHILE_WRITING = QT_TRANSLATE_NOOP(
    "ImportDialog",
    "正在导入，关闭将取消导入，已写入的内容不会保留（导入要么全部写入，要么全部不写）。确定取消吗？",
)


def offered_quarters(today: Any = None) -> list[Quarter]:
    """The current quarter and the ones before it, newest first."""
    import datetime as dt

    quarter = Quarter.containing(today or dt.date.today())
    found = []
    for _ in range(QUARTERS_OFFERED):
        found.append(quarter)
        quarter = quarter.prev()
    return found


class ImportWorker(BackgroundTask):
    """Runs ``import_file`` on its own thread (``BackgroundTask``), reporting ``progress`` and
    stopping when cancelled; emits ``done(report)`` or ``failed(exc)``, shown by the dialog."""

    def __init__(self, db: Database, kind: str, path: Path, **options: Any) -> None:
        super().__init__(self._import)
        self.db, self.kind, self.path, self.options = db, kind, path, options

    def _import(self) -> Any:
        return import_file(self.db, self.kind, self.path, progress=self.report_progress,
                           cancel=self.is_cancelled, **self.options)  # fmt: skip


class ImportDialog(QDialog):
    imported = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.worker: ImportWorker | None = None
        self.report: Any = None
        self._closing = False  # the work is being stopped because the dialog closes
        self.setWindowTitle(self.tr("从 Excel 导入"))
        self.kind = QComboBox()
        for key, label in KINDS.items():
            self.kind.addItem(label, key)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.browse = QPushButton(self.tr("选择文件…"))
        self.browse.clicked.connect(self.choose_file)
        self.template = QPushButton(self.tr("下载导入模板…"))
        self.template.setToolTip(self.tr("保存所选内容的 Excel 模板：列名、一行示例和填写说明"))
        self.template.clicked.connect(self.save_template)
        self.quarter = QComboBox()
        self.quarter.addItem(self.tr("按文件名识别"), None)
        for quarter in offered_quarters():
            self.quarter.addItem(quarter.label, quarter)
        self.quarter.setToolTip(self.tr("工作天数、服务量属于哪个季度"))
        self.quarter_label = QLabel(self.tr("季度："))
        self.quarter.currentIndexChanged.connect(self.mapping_changed)
        # The quarter read from the last file's name (None once the clerk picks one by hand).
        self._named_quarter: Quarter | None = None
        self.quarter.activated.connect(self._quarter_picked)
        self.kind.currentIndexChanged.connect(self.load_columns)
        self.kind.currentIndexChanged.connect(self._show_quarter)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels([self.tr("文件中的列"), self.tr("导入为")])
        self.mapping.horizontalHeader().setStretchLastSection(True)
        self.check = QPushButton(self.tr("试导入（检查）"))
        self.check.clicked.connect(self.dry_run)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.problems = QTableWidget(0, 3)
        self.problems.setHorizontalHeaderLabels([self.tr("行"), self.tr("列"), self.tr("问题")])
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.bar = QProgressBar()
        self.bar.hide()
        self.import_all = QPushButton(self.tr("全部导入"))
        self.import_valid = QPushButton(self.tr("仅导入有效行"))
        self.cancel = QPushButton(self.tr("取消"))
        self.import_all.clicked.connect(self.write_all)
        self.import_valid.clicked.connect(self.write_valid)
        self.cancel.clicked.connect(self.cancel_or_close)
        self._layout()
        self._show_quarter()
        self._set_ready(False)
        fit_window(self, QSize(900, 640))

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("导入内容：")))
        top.addWidget(self.kind)
        top.addWidget(self.path, 1)
        top.addWidget(self.browse)
        # A second row, so the file name keeps its width on a small screen.
        second = QHBoxLayout()
        second.addWidget(self.quarter_label)
        second.addWidget(self.quarter)
        second.addStretch(1)
        second.addWidget(self.template)
        buttons = QHBoxLayout()
        buttons.addWidget(self.bar, 1)
        for b in (self.import_all, self.import_valid, self.cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(QLabel(self.tr("列对应（可修改）：")))
        layout.addWidget(self.mapping, 1)
        layout.addWidget(self.check)
        layout.addWidget(self.counts)
        layout.addWidget(self.problems, 2)
        layout.addLayout(buttons)

    def _set_ready(self, checked: bool) -> None:
        has_file = bool(self.path.text())
        self.check.setEnabled(has_file and self.worker is None)
        ok = checked and self.worker is None and self.report is not None
        self.import_all.setEnabled(ok and self.report.rejected == 0)
        self.import_valid.setEnabled(ok and self.report.rejected > 0)

    # --- file and mapping ---------------------------------------------------------------

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择 Excel 文件"), "", self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)")
        )
        if name:
            self.path.setText(name)
            found = quarter_in_text(Path(name).stem)
            if found is not None:
                self.select_quarter(found)
            elif self._named_quarter is not None:  # the last file's quarter is not this one's
                self.select_quarter(None)
            self._named_quarter = found
            self.load_columns()
            self._say_several_quarters(Path(name).stem)

    def _say_several_quarters(self, stem: str) -> None:
        """A name with several quarters (…2025Q4修订_2026Q1) chose none: say which it holds."""
        several = quarters_in_text(stem)
        if len(several) > 1 and self.current_kind() in QUARTERLY_KINDS:
            listed = "、".join(q.label for q in several)
            self.counts.setText(
                self.tr("文件名中写有多个季度（%1），未据文件名确定季度：请选择季度").replace(
                    "%1", listed
                )
            )

    def current_kind(self) -> str:
        return self.kind.currentData()

    def _show_quarter(self) -> None:
        quarterly = self.current_kind() in QUARTERLY_KINDS
        self.quarter.setVisible(quarterly)
        self.quarter_label.setVisible(quarterly)

    def _quarter_picked(self, _index: int) -> None:
        self._named_quarter = None  # chosen by the clerk: kept for the next file

    def selected_quarter(self) -> Quarter | None:
        if self.current_kind() not in QUARTERLY_KINDS:
            return None
        return self.quarter.currentData()

    def select_quarter(self, quarter: Quarter | None) -> None:
        """Show ``quarter`` as chosen (added to the list when it is older than the offered)."""
        if quarter is None:
            self.quarter.setCurrentIndex(0)
            return
        index = self.quarter.findText(quarter.label)
        if index < 0:
            self.quarter.addItem(quarter.label, quarter)
            index = self.quarter.count() - 1
        self.quarter.setCurrentIndex(index)

    def save_template(self) -> None:
        from ylt_desktop.importing.template import template_name, write_template

        kind = self.current_kind()
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("保存导入模板"),
            str(Path(folder or Path.home()) / template_name(kind)),
            self.tr("Excel 工作簿 (*.xlsx)"),
        )
        if not name:
            return
        try:
            path = write_template(kind, name)
        except OSError as exc:
            QMessageBox.warning(
                self,
                self.tr("未能保存模板"),
                self.tr("无法写入 %1：%2").replace("%1", name).replace("%2", os_error_text(exc)),
            )
            return
        QMessageBox.information(
            self,
            self.tr("已保存导入模板"),
            self.tr("模板已保存到：\n%1\n\n在 Excel 中填好后，用“选择文件…”导入。").replace(
                "%1", str(path)
            ),
        )

    def load_columns(self) -> None:
        self.report = None
        self.mapping.setRowCount(0)
        self.problems.setRowCount(0)
        self.counts.clear()
        if not self.path.text():
            return
        try:
            wb, layout = read_layout(self.db, self.current_kind(), self.path.text())
            wb.close()
        except ImportFileError as exc:
            QMessageBox.warning(self, self.tr("无法导入"), str(exc))
            self.path.clear()
            self._set_ready(False)
            return
        fields = targets(self.current_kind())
        self.mapping.setRowCount(len(layout.header.texts))
        for row, (text, key) in enumerate(zip(layout.header.texts, layout.mapping, strict=True)):
            self.mapping.setItem(row, 0, QTableWidgetItem(text))
            combo = QComboBox()
            combo.addItem(self.tr(NOT_IMPORTED), None)
            for t in fields:
                combo.addItem(t.label, t.key)
            combo.setCurrentIndex(max(combo.findData(key), 0) if key else 0)
            combo.currentIndexChanged.connect(self.mapping_changed)
            self.mapping.setCellWidget(row, 1, combo)
        self._set_ready(False)

    def combo(self, row: int) -> QComboBox:
        return self.mapping.cellWidget(row, 1)

    def current_mapping(self) -> list[str | None]:
        return [self.combo(r).currentData() for r in range(self.mapping.rowCount())]

    def mapping_changed(self) -> None:
        self.report = None
        self._set_ready(False)

    # --- running ------------------------------------------------------------------------

    def dry_run(self) -> None:
        self._run(dry_run=True)

    def write_all(self) -> None:
        self._run(dry_run=False, only_valid=False)

    def write_valid(self) -> None:
        self._run(dry_run=False, only_valid=True)

    def _run(self, **options: Any) -> None:
        self.worker = ImportWorker(self.db, self.current_kind(), Path(self.path.text()),
                                   mapping=self.current_mapping(),
                                   quarter=self.selected_quarter(), **options)  # fmt: skip
        self.worker.progress.connect(self.on_progress)
        self.worker.done.connect(self.on_done)
        self.worker.failed.connect(self.on_failed)
        self.bar.setRange(0, 0)
        self.bar.show()
        self._set_ready(False)
        self._set_inputs_enabled(False)
        self.worker.start()

    @Slot(int, int)
    def on_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _finish(self) -> None:
        if self.worker is not None:
            self.worker.thread.wait()
            self.worker = None
        self.bar.hide()
        self._set_inputs_enabled(True)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        """What the running check or import reads (the kind, the file, the quarter, the
        columns' mapping): off while it runs, so the clerk cannot pick another file or change
        the mapping under it (a change would also drop the report it is about to show)."""
        for widget in (self.kind, self.browse, self.quarter, self.mapping):
            widget.setEnabled(enabled)

    @Slot(object)
    def on_done(self, report: Any) -> None:
        self._finish()
        self.report = report
        self.show_report(report)
        self._set_ready(report.dry_run)
        if not report.dry_run and report.written:
            self.imported.emit()
            QMessageBox.information(self, self.tr("导入完成"), report.summary())

    @Slot(object)
    def on_failed(self, exc: Exception) -> None:
        from ylt_desktop.importing.apply import Cancelled

        self._finish()
        self.report = None
        self._set_ready(False)
        if self._closing and isinstance(exc, Cancelled):
            return  # closed by the clerk, who knows it was cancelled
        QMessageBox.warning(
            self, self.tr("导入未完成"), str(exc) + self.tr("\n数据库未作任何修改。")
        )

    def show_report(self, report: Any) -> None:
        self.counts.setText(report.summary())
        self.problems.setRowCount(len(report.problems))
        for i, p in enumerate(report.problems):
            for col, text in enumerate((str(p.row), p.column, p.message)):
                self.problems.setItem(i, col, QTableWidgetItem(text))

    def cancel_or_close(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            return
        self.reject()

    def reject(self) -> None:
        """Esc, the window's × (through ``closeEvent``) and 取消 when idle: see ``may_close``."""
        if self.may_close():
            super().reject()

    def may_close(self) -> bool:
        """Whether the dialog may close now, the work it runs stopped.

        A check is cancelled; an import is cancelled when the clerk confirms, else False (the
        dialog stays open and the import goes on). Cancelled work is waited for."""
        worker = self.worker
        if worker is None:
            return True
        if not worker.options.get("dry_run", True):
            answer = QMessageBox.question(
                self,
                self.tr("取消导入"),
                self.tr(CLOSE_WHILE_WRITING),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
            if self.worker is not worker:  # it ended while the question was asked
                return True
        self._stop_worker(worker)
        return True

    def _stop_worker(self, worker: ImportWorker) -> None:
        """Cancel ``worker``, wait for its thread and handle its end now (a cancelled import
        silently; one that committed before the cancel reached it says 导入完成)."""
        self._closing = True
        try:
            with self._busy():  # up to one batch on the GUI thread: the clerk sees it waits
                worker.cancel()
                worker.thread.wait()
            # Its end was posted to the worker (GUI thread): deliver it before closing (its
            # message, if any, shows with the usual cursor).
            QCoreApplication.sendPostedEvents(worker, QEvent.Type.MetaCall)
        finally:
            self._closing = False

    @contextlib.contextmanager
    def _busy(self) -> Iterator[None]:
        """The wait cursor and every button off while the GUI thread waits; both restored
        however the wait ends."""
        buttons = [b for b in self.findChildren(QPushButton) if b.isEnabled()]
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            for button in buttons:
                button.setEnabled(False)
            yield
        finally:
            for button in buttons:
                button.setEnabled(True)
            QApplication.restoreOverrideCursor()
