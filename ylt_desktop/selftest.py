"""``ylt-desktop --self-test``: proves a build works, offscreen and offline.

Creates the demo consortium in a temporary folder, checks and exports the last finished
quarter, verifies both files, paints the main window with the bundled font, and exits 0.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

COVER = {
    "unit_head": "王建国",
    "stats_head": "李芳",
    "preparer": "张敏",
    "phone": "0792-2221234",
    "report_date": dt.date.today(),
}


def _verify_pdf(path: Path) -> None:
    data = path.read_bytes()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        raise AssertionError(f"{path.name}: not a complete PDF")
    if b"/FontFile2" not in data:
        raise AssertionError(f"{path.name}: the Chinese font is not embedded")


def _verify_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        bad = z.testzip()
        if bad is not None:
            raise AssertionError(f"{path.name}: damaged member {bad}")
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    if len(wb.sheetnames) < 5:
        raise AssertionError(f"{path.name}: only sheets {wb.sheetnames}")
    wb.close()


def _paint_window(db) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication

    from ylt_desktop.ui.fonts import install_font
    from ylt_desktop.ui.main_window import MainWindow, pages

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if install_font(app) is None:
        raise AssertionError("the bundled Chinese font did not load")
    window = MainWindow(db)
    window.show()
    for row, (title, _make) in enumerate(pages()):  # every page builds: nothing left unbundled
        window.nav.setCurrentRow(row)
        app.processEvents()
        if window.stack.currentWidget() is not window.page(title):
            raise AssertionError(f"page {title} did not open")
    if window.grab().isNull():
        raise AssertionError("the main window did not paint")
    window.close()


def run() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ylt_desktop.demo import build_demo
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.returns.check import check_quarter, errors_in
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.store.db import open_database

    started = time.perf_counter()
    quarter = Quarter.last_finished(dt.date.today())
    with tempfile.TemporaryDirectory(prefix="ylt-selftest-") as tmp:
        folder = Path(tmp)
        db = open_database(folder / "selftest.sqlite")
        try:
            build_demo(db)
            with db.session() as s:
                errors = errors_in(check_quarter(s, quarter))
                if errors:
                    raise AssertionError("check: " + "; ".join(e.message for e in errors[:5]))
                # parallel: the workbook by a helper process (spawn), as a large return is
                # written, so that the bundle's multiprocessing is tested too
                paths = export_quarter(s, quarter, folder, cover_fields=COVER, parallel=True)
            for path in paths:
                (_verify_pdf if path.suffix == ".pdf" else _verify_xlsx)(path)
            _paint_window(db)
        except Exception as exc:  # report, never a traceback dialog
            print(f"self-test FAILED: {exc!r}", file=sys.stderr)
            return 1
        finally:
            db.close()
    took = time.perf_counter() - started
    print(
        f"self-test passed: {quarter} checked and exported ({', '.join(p.suffix for p in paths)}), "
        f"window painted, {took:.1f} s"
    )
    return 0
