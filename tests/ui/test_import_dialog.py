"""导入…: choose a file, fix one mapping, the dry run shows the counts, importing writes."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.ui.dialogs.importing import ImportDialog


def _lead(db):  # noqa: ANN001, ANN202
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428", lead=lead)


def test_choose_fix_mapping_check_and_import(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    _lead(db)
    header = ["单位全称", *INST_HEADER[1:]]
    bad = village(3)
    bad[7] = "不是日期"
    path = write_book(tmp_path / "a.xlsx", [header, village(1), village(2), bad])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.browse.click()
    assert dialog.mapping.rowCount() == len(header)
    assert dialog.combo(0).currentData() is None  # 单位全称 is not known
    dialog.combo(0).setCurrentIndex(dialog.combo(0).findData("name"))
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert "新增 2 行" in dialog.counts.text() and "有错误 1 行" in dialog.counts.text()
    assert dialog.problems.rowCount() == 1 and dialog.problems.item(0, 0).text() == "4"
    assert not dialog.import_all.isEnabled() and dialog.import_valid.isEnabled()
    with qtbot.waitSignal(dialog.imported):
        dialog.import_valid.click()
    qtbot.waitUntil(lambda: dialog.worker is None)
    with db.session() as s:
        names = [i.name for i in inst_store.list_institutions(s)]
    assert names == ["示例县人民医院", "测试村1卫生室", "测试村2卫生室"]
    assert answers.shown and answers.shown[-1][0] == "information"


def test_a_bad_file_gives_a_message_not_a_crash(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    path = tmp_path / "x.xlsx"
    path.write_text("not a workbook")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.browse.click()
    assert answers.shown[-1][0] == "warning" and "不是 Excel 工作簿" in answers.shown[-1][1]
    assert not dialog.check.isEnabled()


def test_template_button_saves_a_template_the_dialog_reads(
    qtbot, db, tmp_path, monkeypatch, answers
):  # noqa: ANN001, E501
    import openpyxl

    _lead(db)
    target = tmp_path / "模板"
    offered: list = []

    def save_name(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        offered.append(args[2])
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("institutions"))
    dialog.template.click()
    assert offered[0].endswith("导入模板_成员单位.xlsx")
    saved = tmp_path / "模板.xlsx"
    assert answers.shown[-1][0] == "information" and str(saved) in answers.shown[-1][1]
    wb = openpyxl.load_workbook(saved)
    ws = wb["成员单位"]
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("机构名称") + 1, "测试村9卫生室")
    ws.cell(2, header.index("统一社会信用代码") + 1, None)
    ws.cell(2, header.index("机构类别") + 1, "村卫生室")
    ws.cell(2, header.index("机构等级") + 1, "未定级")
    wb.save(saved)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    dialog.browse.click()
    assert all(dialog.combo(r).currentData() for r in range(dialog.mapping.rowCount()))
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert "新增 1 行" in dialog.counts.text() and dialog.import_all.isEnabled()


def test_template_into_an_unwritable_place_says_so(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    target = tmp_path / "没有的文件夹" / "模板.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.template.click()
    assert answers.shown[-1][0] == "warning"
    assert answers.shown[-1][1] == f"无法写入 {target}：找不到文件或文件夹"  # store/access's words


def _agreements_book(path):  # noqa: ANN001, ANN202
    header = ["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期", "终止日期",
              "本季度服务量"]  # fmt: skip
    row = ["A-9", "影像协议", "区域医学影像中心", "示例县人民医院", "示例县人民医院",
           dt.date(2026, 1, 1), dt.date(2027, 12, 31), "影像诊断例数：88"]  # fmt: skip
    return write_book(path, [header, row])


def test_quarter_selector_for_quarterly_kinds(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    from ylt_desktop.domain.periods import Quarter

    _lead(db)
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("institutions"))
    assert not dialog.quarter.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("agreements"))
    assert dialog.quarter.isVisible() and dialog.quarter.currentData() is None
    # A quarter in the file name, in Chinese, is shown as chosen.
    named = _agreements_book(tmp_path / "2026年第三季度协议.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(named), ""))
    dialog.browse.click()
    assert dialog.quarter.currentData() == Quarter(2026, 3)
    # No quarter in the name: the clerk chooses one, and the dry run uses it.
    plain = _agreements_book(tmp_path / "协议.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(plain), ""))
    dialog.browse.click()
    dialog.select_quarter(Quarter(2025, 2))  # older than the offered quarters: added
    assert dialog.quarter.currentText() == "2025年第2季度"
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert dialog.report.quarter == Quarter(2025, 2)
    dialog.quarter.setCurrentIndex(0)  # back to 按文件名识别: the check must run again
    assert dialog.report is None and not dialog.import_all.isEnabled()
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert dialog.report.quarter is None and "未能确定报表季度" in dialog.counts.text()


def test_a_name_with_several_quarters_chooses_none_and_says_which(
    qtbot, db, tmp_path, monkeypatch, answers
):  # noqa: ANN001
    """…2025Q4修订_2026Q1.xlsx used to show 2025年第4季度 as chosen: now none is chosen from the
    name and the dialog names both quarters it found there."""
    from ylt_desktop.domain.periods import Quarter

    _lead(db)
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("agreements"))
    named = _agreements_book(tmp_path / "2026年第一季度协议.xlsx")
    several = _agreements_book(tmp_path / "协议_2025Q4修订_2026Q1.xlsx")
    chosen = iter([named, several])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(next(chosen)), ""))
    dialog.browse.click()
    assert dialog.quarter.currentData() == Quarter(2026, 1)
    dialog.browse.click()
    assert dialog.quarter.currentIndex() == 0 and dialog.selected_quarter() is None
    assert "文件名中写有多个季度（2025年第4季度、2026年第1季度）" in dialog.counts.text()
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert dialog.report.quarter is None
    assert "文件名中写有多个季度（2025年第4季度、2026年第1季度）" in dialog.counts.text()


def test_headers_only_file_is_refused(qtbot, db, tmp_path, monkeypatch, answers):  # noqa: ANN001
    _lead(db)
    path = write_book(tmp_path / "空.xlsx", [INST_HEADER])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("institutions"))
    dialog.browse.click()
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.worker is None and bool(answers.shown))
    assert answers.shown[-1][0] == "warning" and "文件中没有数据行" in answers.shown[-1][1]
    assert not dialog.import_all.isEnabled() and not dialog.import_valid.isEnabled()


def test_next_file_without_a_quarter_does_not_keep_the_last_files(
    qtbot, db, tmp_path, monkeypatch, answers
):  # noqa: ANN001, E501
    """The quarter read from one file's name is that file's: choosing another file without a
    quarter in its name goes back to 按文件名识别, so its days are not put into the first file's
    quarter. A quarter the clerk chose is kept."""
    from ylt_desktop.domain.periods import Quarter

    _lead(db)
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("agreements"))
    named = _agreements_book(tmp_path / "2025年第二季度协议.xlsx")
    plain = _agreements_book(tmp_path / "协议.xlsx")
    chosen = iter([named, plain, named, plain])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(next(chosen)), ""))
    dialog.browse.click()
    assert dialog.quarter.currentData() == Quarter(2025, 2)
    dialog.browse.click()
    assert dialog.quarter.currentIndex() == 0 and dialog.selected_quarter() is None
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert dialog.report.quarter is None
    # The clerk picks a quarter by hand (as a click does): another file keeps it.
    dialog.browse.click()
    index = dialog.quarter.findData(Quarter(2025, 2))
    other = 2 if index != 2 else 3
    dialog.quarter.setCurrentIndex(other)
    dialog.quarter.activated.emit(other)
    picked = dialog.quarter.currentData()
    dialog.browse.click()
    assert dialog.quarter.currentData() == picked


@pytest.mark.qt_log_level_fail("WARNING")
def test_cancel_reaches_the_running_import_and_the_dialog_says_so(
    qtbot, db, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    """The worker (a ``BackgroundTask``) carries progress to the bar, 取消 to the running import
    and the import's refusal back to the dialog."""
    from ylt_desktop.importing.apply import Cancelled
    from ylt_desktop.ui.dialogs import importing as dialog_module

    _lead(db)
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, village(1), village(2)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db)
    qtbot.addWidget(dialog)
    dialog.browse.click()
    seen = []

    def held_import(*args, progress, cancel, **options):  # noqa: ANN002, ANN003, ANN202
        progress(7, 20)
        dialog.worker._cancel.wait(timeout=60)  # until 取消 is clicked on the GUI thread
        seen.append(cancel())
        raise Cancelled("已取消导入，数据库未作任何修改")

    monkeypatch.setattr(dialog_module, "import_file", held_import)
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.bar.maximum() == 20 and dialog.bar.value() == 7)
    dialog.cancel.click()
    qtbot.waitUntil(lambda: dialog.worker is None)
    assert seen == [True]
    assert answers.shown[-1][0] == "warning" and "已取消导入" in answers.shown[-1][1]
    assert dialog.report is None
    with db.session() as s:
        assert [i.name for i in inst_store.list_institutions(s)] == ["示例县人民医院"]


# --- closing the dialog (or the program) while work runs ------------------------------------

# What the offscreen platform says when a dialog is shown (not the program's warning).
OFFSCREEN_SHOW = "This plugin does not support propagateSizeHints"


def _ready_to_import(qtbot, db, tmp_path, monkeypatch, *, rows: int = 2, parent=None):  # noqa: ANN001, ANN202
    """An import dialog, shown, whose file of ``rows`` new villages was checked."""
    _lead(db)
    book = [INST_HEADER, *[village(n) for n in range(1, rows + 1)]]
    path = write_book(tmp_path / "a.xlsx", book)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog = ImportDialog(db, parent)
    if parent is None:
        qtbot.addWidget(dialog)
    dialog.show()
    dialog.browse.click()
    dialog.check.click()
    qtbot.waitUntil(lambda: dialog.report is not None and dialog.worker is None)
    assert dialog.import_all.isEnabled()
    return dialog


@pytest.fixture
def write_gate(monkeypatch):  # noqa: ANN001, ANN201
    """The import held at a gate inside its write: its rows written in the open transaction,
    not yet committed. The gate opens with ``release`` or when the import is cancelled.
    Yields (inside, release)."""
    from ylt_desktop.importing import apply
    from ylt_desktop.ui.dialogs.importing import ImportWorker

    inside, release = threading.Event(), threading.Event()
    real_write, real_cancel = apply._write_batch, ImportWorker.cancel  # noqa: SLF001

    def held_write(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        real_write(*args, **kwargs)
        inside.set()
        release.wait(timeout=60)

    def cancel(self) -> None:  # noqa: ANN001
        real_cancel(self)
        release.set()

    monkeypatch.setattr(apply, "_write_batch", held_write)
    monkeypatch.setattr(ImportWorker, "cancel", cancel)
    yield inside, release
    release.set()


def _names(db) -> list[str]:  # noqa: ANN001
    with db.session() as s:
        return [i.name for i in inst_store.list_institutions(s)]


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
def test_closing_during_the_import_asks_and_a_yes_cancels_it_leaving_nothing(
    qtbot, db, tmp_path, monkeypatch, answers, write_gate
) -> None:  # noqa: ANN001
    """The window's × while the rows are being written: the clerk is asked; 是 cancels the
    import, waits for it and closes; the database is exactly as before (one transaction)."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from tests.importing.conftest import dump
    from ylt_desktop.ui.dialogs.importing import CLOSE_WHILE_WRITING

    inside, _release = write_gate
    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch)
    before = dump(db)
    dialog.import_all.click()
    worker_thread = dialog.worker.thread
    qtbot.waitUntil(inside.is_set, timeout=20_000)  # both rows are in the open transaction
    answers.push(QMessageBox.StandardButton.Yes)
    assert dialog.close()  # the ×
    assert answers.shown == [("question", CLOSE_WHILE_WRITING)]  # nothing else: no 导入完成
    assert not dialog.isVisible() and dialog.worker is None and worker_thread.isFinished()
    assert dump(db) == before
    QCoreApplication.processEvents()  # nothing left to arrive: no late message
    assert answers.shown == [("question", CLOSE_WHILE_WRITING)]


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
def test_closing_during_the_import_and_answering_no_lets_it_finish(
    qtbot, db, tmp_path, monkeypatch, answers, write_gate
) -> None:  # noqa: ANN001
    """Esc while the rows are written, 否: the dialog stays open, the import goes on and ends
    written, with 导入完成."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    inside, release = write_gate
    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch)
    dialog.import_all.click()
    qtbot.waitUntil(inside.is_set, timeout=20_000)
    answers.push(QMessageBox.StandardButton.No)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert [kind for kind, _ in answers.shown] == ["question"]
    assert dialog.isVisible() and dialog.worker is not None and not dialog.worker.is_cancelled()
    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        release.set()
    qtbot.waitUntil(lambda: dialog.worker is None)
    assert answers.shown[-1][0] == "information" and "新增 2 行" in answers.shown[-1][1]
    assert _names(db) == ["示例县人民医院", "测试村1卫生室", "测试村2卫生室"]
    assert dialog.isVisible()


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
def test_closing_during_the_check_cancels_it_without_asking(
    qtbot, db, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    """The × during the check (dry run): no question, the check is cancelled and waited for,
    the dialog closes with no message."""
    from ylt_desktop.ui.dialogs.importing import ImportWorker

    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch, rows=450)
    reached, seen = threading.Event(), []
    real_progress = ImportWorker.report_progress

    def held_progress(self, done: int, total: int) -> None:  # noqa: ANN001
        real_progress(self, done, total)
        if not reached.is_set():  # the first tick (row 200): held until cancelled
            reached.set()
            self._cancel.wait(timeout=60)  # noqa: SLF001
            seen.append(self.is_cancelled())

    monkeypatch.setattr(ImportWorker, "report_progress", held_progress)
    dialog.check.click()
    worker = dialog.worker
    qtbot.waitUntil(reached.is_set, timeout=20_000)
    dialog.close()
    assert seen == [True] and worker.thread.isFinished()
    assert not dialog.isVisible() and dialog.worker is None and dialog.report is None
    assert answers.shown == []  # neither a question nor 导入未完成
    assert _names(db) == ["示例县人民医院"]


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
def test_closing_the_main_window_during_an_import_asks_and_stops_it(
    qtbot, db, tmp_path, monkeypatch, answers, write_gate
) -> None:  # noqa: ANN001
    """The program's window closed while its import dialog writes: 否 keeps both open and the
    import running; 是 cancels it (nothing kept), closes the dialog and lets the window close."""
    from PySide6.QtWidgets import QMessageBox

    from tests.importing.conftest import dump
    from ylt_desktop.ui.main_window import MainWindow

    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    inside, _release = write_gate
    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch, parent=window)
    before = dump(db)
    dialog.import_all.click()
    thread = dialog.worker.thread
    qtbot.waitUntil(inside.is_set, timeout=20_000)
    answers.push(QMessageBox.StandardButton.No)
    assert not window.close()
    assert window.isVisible() and dialog.isVisible() and dialog.worker is not None
    answers.push(QMessageBox.StandardButton.Yes)
    assert window.close()
    assert [kind for kind, _ in answers.shown] == ["question", "question"]
    assert not dialog.isVisible() and dialog.worker is None and thread.isFinished()
    assert dump(db) == before


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
def test_the_program_exiting_during_an_import_cancels_it_leaving_nothing(
    qtbot, db, tmp_path, monkeypatch, answers, write_gate
) -> None:  # noqa: ANN001
    """The interpreter's exit (``background._stop_all``, with no window closed first, as when
    the program is ended) while the rows are written: the import is cancelled and waited for,
    and nothing of it is kept."""
    from tests.importing.conftest import dump
    from ylt_desktop.ui import background

    inside, _release = write_gate
    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch)
    before = dump(db)
    dialog.import_all.click()
    worker = dialog.worker
    qtbot.waitUntil(inside.is_set, timeout=20_000)
    background._stop_all()  # noqa: SLF001 - what the interpreter runs at exit
    assert worker.thread.isFinished() and not background._RUNNING  # noqa: SLF001
    assert dump(db) == before
    with qtbot.waitSignal(worker.failed, timeout=5_000):  # its end, Cancelled, still arrives
        pass
    assert answers.shown[-1][0] == "warning" and "已取消导入" in answers.shown[-1][1]


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
@pytest.mark.parametrize("ending", ["written", "failed", "cancelled"])
def test_waiting_for_a_cancelled_import_shows_the_busy_cursor_and_disables_the_buttons(
    qtbot, db, tmp_path, monkeypatch, answers, ending
) -> None:  # noqa: ANN001
    """After 是 to closing during an import, the GUI thread waits for the import to stop (up
    to one batch): meanwhile the wait cursor shows and every button is off; afterwards, on
    each way the import can end (it committed before the cancel reached it, it failed, it was
    cancelled), the cursor is restored before any message shows and the buttons are back."""
    import dataclasses

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ylt_desktop.importing.apply import Cancelled
    from ylt_desktop.ui.dialogs import importing as dialog_module

    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch)
    buttons = [dialog.browse, dialog.template, dialog.check, dialog.import_all,
               dialog.import_valid, dialog.cancel]  # fmt: skip
    checked = dataclasses.replace(dialog.report, dry_run=False, written=True)
    inside, seen = threading.Event(), {}

    def cursor() -> object:
        shown = QApplication.overrideCursor()
        return None if shown is None else shown.shape()

    def held_import(*args, cancel, **options):  # noqa: ANN002, ANN003, ANN202
        inside.set()
        dialog.worker._cancel.wait(timeout=60)  # noqa: SLF001 - until 是 cancels it
        # The GUI thread is blocked in its wait now: what it shows cannot change under us.
        seen["cursor"] = cursor()
        seen["enabled"] = [b.isEnabled() for b in buttons]
        if ending == "written":
            return checked  # committed before the cancel reached it
        if ending == "failed":
            raise RuntimeError("写入失败：磁盘已满")
        raise Cancelled("已取消导入，数据库未作任何修改")

    messages: list = []
    for kind in ("information", "warning"):
        shown = getattr(QMessageBox, kind)  # the answers fixture's

        def record(*args, _shown=shown, **kwargs):  # noqa: ANN002, ANN003, ANN202
            messages.append(cursor())
            return _shown(*args, **kwargs)

        monkeypatch.setattr(QMessageBox, kind, record)
    monkeypatch.setattr(dialog_module, "import_file", held_import)
    dialog.import_all.click()
    qtbot.waitUntil(inside.is_set, timeout=20_000)
    answers.push(QMessageBox.StandardButton.Yes)
    assert dialog.close()
    assert seen == {"cursor": Qt.CursorShape.WaitCursor, "enabled": [False] * len(buttons)}
    assert QApplication.overrideCursor() is None
    assert dialog.worker is None and not dialog.isVisible()
    assert messages == ([None] if ending != "cancelled" else [])  # shown with the usual cursor
    assert dialog.browse.isEnabled() and dialog.template.isEnabled() and dialog.cancel.isEnabled()
    # As after any import: a new check first (no import button until then).
    assert dialog.check.isEnabled()
    assert not dialog.import_all.isEnabled() and not dialog.import_valid.isEnabled()


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.qt_log_ignore(OFFSCREEN_SHOW)
@pytest.mark.parametrize("ending", ["written", "failed", "cancelled"])
def test_the_file_and_the_mapping_cannot_change_while_an_import_runs(
    qtbot, db, tmp_path, monkeypatch, answers, ending
) -> None:  # noqa: ANN001
    """选择文件…, the kind, the quarter and the columns' mapping are off while the import
    runs (another file picked meanwhile would be read as this one's report); they are back
    once it ends, however it ends: written, failed, or cancelled with 取消."""
    from ylt_desktop.importing.apply import Cancelled
    from ylt_desktop.ui.dialogs import importing as dialog_module

    dialog = _ready_to_import(qtbot, db, tmp_path, monkeypatch)
    inputs = [dialog.browse, dialog.kind, dialog.quarter, dialog.mapping, dialog.combo(0)]
    assert all(w.isEnabled() for w in inputs)
    real_import = dialog_module.import_file
    inside, release = threading.Event(), threading.Event()

    def held_import(*args, **options):  # noqa: ANN002, ANN003, ANN202
        inside.set()
        release.wait(timeout=60)
        if ending == "failed":
            raise RuntimeError("写入失败：磁盘已满")
        if ending == "cancelled":
            raise Cancelled("已取消导入，数据库未作任何修改")
        return real_import(*args, **options)

    monkeypatch.setattr(dialog_module, "import_file", held_import)
    if ending == "cancelled":
        monkeypatch.setattr(dialog_module.ImportWorker, "cancel", _cancel_then(release))
    asked: list = []
    other = str(tmp_path / "other.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (asked.append(a), (other, ""))[1])  # fmt: skip
    path = dialog.path.text()
    dialog.import_all.click()
    qtbot.waitUntil(inside.is_set, timeout=20_000)
    assert [w.isEnabled() for w in inputs] == [False] * len(inputs)
    assert dialog.cancel.isEnabled()  # 取消 stays: it stops the import
    dialog.browse.click()  # a disabled button does nothing: no file dialog, the path kept
    assert asked == [] and dialog.path.text() == path
    if ending == "cancelled":
        dialog.cancel.click()
    else:
        release.set()
    qtbot.waitUntil(lambda: dialog.worker is None, timeout=20_000)
    assert [w.isEnabled() for w in inputs] == [True] * len(inputs)
    assert dialog.path.text() == path
    kinds = {"written": "information", "failed": "warning", "cancelled": "warning"}
    assert answers.shown[-1][0] == kinds[ending]
    expected = ["示例县人民医院", "测试村1卫生室", "测试村2卫生室"]
    assert _names(db) == (expected if ending == "written" else expected[:1])


def _cancel_then(release: threading.Event):  # noqa: ANN202
    from ylt_desktop.ui.dialogs.importing import ImportWorker

    real_cancel = ImportWorker.cancel

    def cancel(self) -> None:  # noqa: ANN001
        real_cancel(self)
        release.set()

    return cancel
