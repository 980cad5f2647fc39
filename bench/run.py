"""Benchmarks against the targets of issue #7; prints medians and ratios to a baseline
measured in the same run. Not a test: it reports figures, it does not assert them.

    python -m bench.run [--runs 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.generate import generate  # noqa: E402
from ylt_desktop.store.db import open_database  # noqa: E402

BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.resize(1200, 760); w.show()
QTimer.singleShot(0, lambda: (w.repaint(), print("painted", flush=True), app.quit()))
app.exec()
"""

COVER = {"unit_head": "王建国", "stats_head": "李芳", "preparer": "张敏", "phone": "0792-2221234"}


def median_of(runs: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _line_times(cmd: list[str]) -> dict[str, float]:
    """Seconds from launch to each line the child prints ("painted", "ready")."""
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = {line.strip(): time.perf_counter() - started for line in child.stdout}
    child.wait(timeout=120)
    if "painted" not in seen:
        raise RuntimeError(f"{cmd} printed {seen}")
    return seen


def bench_start(runs: int, db: Path) -> None:
    bare_cmd = [sys.executable, "-c", BARE_QT]
    ours_cmd = [sys.executable, "-m", "ylt_desktop", "--db", str(db), "--quit-after-paint"]
    _line_times(bare_cmd), _line_times(ours_cmd)  # warm the disk cache for both, untimed
    bare, ours = [], []
    for _ in range(runs):  # interleaved, so a slow spell of the machine hits both sides
        bare.append(_line_times(bare_cmd)["painted"])
        ours.append(_line_times(ours_cmd))
    painted = statistics.median(t["painted"] for t in ours)
    ready = statistics.median(t["ready"] for t in ours)
    bare_m = statistics.median(bare)
    print(
        f"start to painted main window: {painted:.2f} s; bare PySide6 window {bare_m:.2f} s; "
        f"ratio {painted / bare_m:.2f} (target <= 1.3); database open and first page "
        f"filled at {ready:.2f} s"
    )


def bench_check_and_export(runs: int, db_path: Path, out: Path, quarter) -> None:  # noqa: ANN001
    from ylt_desktop.returns.check import check_quarter
    from ylt_desktop.returns.files import export_quarter

    db = open_database(db_path)
    with db.session() as s:
        t_check = median_of(runs, lambda: check_quarter(s, quarter))
    with db.session() as s:
        t_xlsx = median_of(
            runs,
            lambda: export_quarter(s, quarter, out, cover_fields=COVER, pdf=False, check=False),
        )
    with db.session() as s:
        t_pdf = median_of(
            runs,
            lambda: export_quarter(s, quarter, out, cover_fields=COVER, xlsx=False, check=False),
        )
    with db.session() as s:
        t_both = median_of(
            runs, lambda: export_quarter(s, quarter, out, cover_fields=COVER, check=False)
        )
    with db.session() as s:
        t_raw = median_of(runs, lambda: raw_openpyxl(s, quarter, out / "raw.xlsx"))
    # The writers alone, on rows assembled once: the same comparison without the ~1 s both
    # sides spend reading the database.
    from ylt_desktop.returns.rows import quarter_rows
    from ylt_desktop.returns.xlsx import write_xlsx

    with db.session() as s:
        t_rows = median_of(runs, lambda: quarter_rows(s, quarter, cover_fields=COVER))
        ret = quarter_rows(s, quarter, cover_fields=COVER)
    t_writer = median_of(runs, lambda: write_xlsx(ret, out / "writer.xlsx"))
    t_raw_writer = median_of(runs, lambda: raw_write(ret, out / "raw-writer.xlsx"))
    print(f"check {quarter}: {t_check:.2f} s")
    print(
        f"Excel export: {t_xlsx:.2f} s; raw openpyxl write-only of the same cells "
        f"{t_raw:.2f} s; ratio {t_xlsx / t_raw:.2f} (target <= 1.5)"
    )
    print(
        f"assembling the rows: {t_rows:.2f} s; writers alone: ours {t_writer:.2f} s, raw "
        f"openpyxl {t_raw_writer:.2f} s; ratio {t_writer / t_raw_writer:.2f}"
    )
    print(f"PDF export: {t_pdf:.2f} s (each export includes assembling the rows)")
    print(f"one quarter's Excel + PDF in one export: {t_both:.2f} s (target <= 5 s)")
    db.close()


def raw_openpyxl(session, quarter, path: Path) -> None:  # noqa: ANN001
    """The baseline: the same rows (assembly included) written with no styling at all."""
    from ylt_desktop.returns.rows import quarter_rows

    raw_write(quarter_rows(session, quarter, cover_fields=COVER), path)


def raw_write(ret, path: Path) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    from ylt_desktop.returns.model import Shown

    wb = Workbook(write_only=True)
    for table in ret.tables:
        ws = wb.create_sheet(table.title[:31])
        for row in table.rows:
            ws.append([v.value if isinstance(v, Shown) else v for v in row])
    wb.save(path)


PEAK = """
import resource, sys
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store.db import open_database
from ylt_desktop.returns.files import export_quarter
db = open_database(sys.argv[1])
with db.session() as s:
    export_quarter(s, Quarter.parse(sys.argv[3]), sys.argv[2], cover_fields={}, check=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_peak_memory(db: Path, out: Path, quarter) -> None:  # noqa: ANN001
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(db), str(out), str(quarter)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode:
        print("peak memory: export failed:", done.stderr[-500:])
        return
    kib = int(done.stdout.split()[-1])
    print(
        f"peak memory of Excel + PDF export (whole process): {kib / 1024:.0f} MB (target <= 300 MB)"
    )


def bench_filter(db_path: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from ylt_desktop.ui.pages.rotations import RotationsPage

    app = QApplication.instance() or QApplication([])  # noqa: F841
    db = open_database(db_path)
    started = time.perf_counter()
    page = RotationsPage(db)
    opened = time.perf_counter() - started
    rows = page.model.rowCount()
    text = "人员0123"
    per_key = []
    for i in range(1, len(text) + 1):
        started = time.perf_counter()
        page.search.setText(text[:i])  # filters synchronously, as a keystroke does
        page.proxy.rowCount()
        per_key.append(time.perf_counter() - started)
    print(
        f"rotation page with {rows} rows: built in {opened:.2f} s; filter median "
        f"{statistics.median(per_key) * 1000:.0f} ms per keystroke, worst "
        f"{max(per_key) * 1000:.0f} ms (target <= 50 ms)"
    )
    db.close()


def _member_sheet(path: Path, *, extra_beds: int) -> None:
    """A 10,000-row 成员单位 sheet; ``extra_beds`` changes every row's 实有床位."""
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("成员单位")
    ws.append(["机构名称", "统一社会信用代码", "行政区划代码", "机构类别", "机构等级",
               "经济类型", "医联体角色", "加入日期", "编制床位", "实有床位"])  # fmt: skip
    for n in range(10_000):
        ws.append([f"基准村{n}卫生室", "", "360428", "村卫生室", "未定级", "公立", "成员单位",
                   "2024-01-01", n % 40, n % 40 + extra_beds])  # fmt: skip
    wb.save(path)


def bench_import(runs: int = 3) -> None:
    """Import a 10,000-row 成员单位 sheet (validated, written in one transaction) into a
    fresh database with only its lead unit; the median of ``runs``, and the dry run alone.
    Then the same sheet with every row changed, into a database that holds the first."""
    import datetime as dt
    import shutil

    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.importing import import_file
    from ylt_desktop.store import institutions as inst_store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _member_sheet(folder / "rows.xlsx", extra_beds=0)
        template = folder / "template.sqlite"
        db = open_database(template)
        lead = InstitutionData(name="基准县人民医院", uscc="12100000400010398P",
                               division="360428", category="综合医院", level="二级甲等",
                               joined=dt.date(2020, 1, 1))  # fmt: skip
        with db.session() as s:
            inst_store.initialize(s, name="基准医共体", kind="县域医共体", division="360428",
                                  lead=lead)  # fmt: skip
        db.close()
        counter = iter(range(runs * 3 + 3))

        def once(dry_run: bool) -> object:
            target = folder / f"run{next(counter)}.sqlite"
            shutil.copy(template, target)
            run_db = open_database(target)
            report = import_file(run_db, "institutions", folder / "rows.xlsx", dry_run=dry_run)
            run_db.close()
            assert report.new == 10_000 and (dry_run or report.written)
            return report

        dry = median_of(runs, lambda: once(True))
        full = median_of(runs, lambda: once(False))
        print(f"import 10,000 rows: dry run {dry:.2f} s, import (backup + one transaction) "
              f"{full:.2f} s (median of {runs})")  # fmt: skip

        # The same sheet again with every row's 实有床位 changed: 10,000 updates.
        loaded = folder / "loaded.sqlite"
        shutil.copy(template, loaded)
        loaded_db = open_database(loaded)
        import_file(loaded_db, "institutions", folder / "rows.xlsx", dry_run=False)
        loaded_db.close()
        _member_sheet(folder / "changed.xlsx", extra_beds=1)

        def again() -> None:
            target = folder / f"again{next(counter)}.sqlite"
            shutil.copy(loaded, target)
            run_db = open_database(target)
            report = import_file(run_db, "institutions", folder / "changed.xlsx", dry_run=False)
            run_db.close()
            assert report.changed == 10_000 and report.written, report.counts

        updates = median_of(runs, again)
        print(f"re-import of the same 10,000 rows, each changed: {updates:.2f} s "
              f"(median of {runs})")  # fmt: skip


def bench_reimport(db_path: Path, quarter) -> None:  # noqa: ANN001
    """The return's own sheets imported back, as a clerk fills a quarter's figures in Excel:
    表2 into a database without its people (every person and rotation new), 表2 with every
    row's 门急诊人次 changed, and 表4 with every agreement's volume changed. One run each."""
    import re
    import shutil
    import sqlite3

    import openpyxl

    from ylt_desktop.importing import import_file
    from ylt_desktop.returns.files import export_quarter

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = open_database(db_path)
        with db.session() as s:
            (book,) = export_quarter(s, quarter, folder, cover_fields=COVER, pdf=False,
                                     check=False, full_ids=True, id_reason="bench")  # fmt: skip
        db.close()

        def copy(name: str, empty: tuple[str, ...] = ()) -> Path:
            target = folder / name
            src, dst = sqlite3.connect(db_path), sqlite3.connect(target)
            src.backup(dst)
            src.close()
            dst.execute("PRAGMA foreign_keys=OFF")
            for table in empty:
                dst.execute(f"DELETE FROM {table}")
            dst.commit()
            dst.close()
            return target

        def sheet(title: str, change) -> Path:  # noqa: ANN001
            wb = openpyxl.load_workbook(book)
            for name in wb.sheetnames:
                if name != title:
                    del wb[name]
            change(wb[title])
            path = folder / f"{quarter}_{title.split()[0]}.xlsx"
            wb.save(path)
            return path

        def more_visits(ws) -> None:  # noqa: ANN001
            col = None
            for row in ws.iter_rows(min_row=1, max_row=4):
                for cell in row:
                    if cell.value == "门急诊人次":
                        col = cell.column - 1
            for row in ws.iter_rows(min_row=4):
                if isinstance(row[col].value, int):
                    row[col].value += 1

        def more_volume(ws) -> None:  # noqa: ANN001
            col = [c.value for c in ws[2]].index("本季度服务量")
            for row in ws.iter_rows(min_row=3):
                text = row[col].value
                if isinstance(text, str):
                    row[col].value = re.sub(
                        r"\d+", lambda m: str(int(m.group()) + 1), text, count=1
                    )

        table2 = sheet("表2 人员流动", lambda ws: None)
        changed2 = sheet("表2 人员流动", more_visits)
        changed4 = sheet("表4 资源共享协议", more_volume)
        cases = [
            ("表2 into a database without its people (all new)", "rotations", table2,
             copy("people.sqlite", ("rotation_quarter", "rotation", "staff"))),
            ("表2 with every row's visits changed", "rotations", changed2, copy("t2.sqlite")),
            ("表4 with every agreement's volume changed", "agreements", changed4,
             copy("t4.sqlite")),
        ]  # fmt: skip
        for label, kind, path, target in cases:
            run_db = open_database(target)
            started = time.perf_counter()
            report = import_file(run_db, kind, path, dry_run=False)
            took = time.perf_counter() - started
            run_db.close()
            assert report.written and not report.rejected, report.counts
            rows = report.new + report.changed
            print(f"re-import {label}: {rows:,} rows written in {took:.2f} s")
        shutil.rmtree(folder / "backups", ignore_errors=True)


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def bench_size(dist: Path) -> None:
    """The installer's size: the one-folder bundle (scripts/build) and the Windows setup
    (packaging/windows), when they were built; the charts need no Qt add-on (QtCharts would
    bring PySide6-Addons, about 400 MB installed)."""
    import importlib.util

    bundle = dist / "ylt-desktop"
    if bundle.is_dir():
        print(f"bundle {bundle}: {_folder_bytes(bundle) / 1e6:.0f} MB")
    else:
        print(f"bundle: not built here ({bundle} missing; scripts/build makes it)")
    for setup in sorted(dist.glob("ylt-desktop-*-setup.exe")):
        print(f"installer {setup.name}: {setup.stat().st_size / 1e6:.0f} MB")
    charts = importlib.util.find_spec("PySide6.QtCharts") is not None
    print(
        "charts: drawn with QPainter and reportlab.graphics; PySide6-Addons (QtCharts) "
        + ("installed in this environment but not used" if charts else "not installed, not needed")
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the generated database in this folder")
    parser.add_argument(
        "--only",
        choices=["start", "export", "memory", "filter", "import", "reimport", "size"],
        action="append",
        help="run only these parts (repeatable); all by default",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db_path = folder / "bench.sqlite"
        if not db_path.exists():
            started = time.perf_counter()
            quarter = generate(open_database(db_path))
            print(f"generated the large consortium in {time.perf_counter() - started:.1f} s")
        else:
            from ylt_desktop.domain.periods import Quarter

            quarter = Quarter(2026, 3)
        out = folder / "out"
        out.mkdir(exist_ok=True)
        parts = set(
            args.only or ["start", "export", "memory", "filter", "import", "reimport", "size"]
        )
        if "start" in parts:
            bench_start(args.runs, db_path)
        if "export" in parts:
            bench_check_and_export(args.runs, db_path, out, quarter)
        if "memory" in parts:
            bench_peak_memory(db_path, out, quarter)
        if "filter" in parts:
            bench_filter(db_path)
        if "import" in parts:
            bench_import(args.runs)
        if "reimport" in parts:
            bench_reimport(db_path, quarter)
        if "size" in parts:
            bench_size(Path(__file__).resolve().parent.parent / "dist")


if __name__ == "__main__":
    main()
