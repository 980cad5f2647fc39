"""Import: 10,000 institution rows against a floor timed in the same run (issue #18), and
the return's own sheets imported back.

Ours: ``import_file`` as the program runs it — read, map, check every row by the rules,
back the database up, write all rows (and their audit entries) in one transaction.
The floor: openpyxl reads the same sheet's values (read-only mode) and one ``executemany``
writes them into a copy of the same database, no checks, no backup. Target: ours <= 2 × the
floor. The two are interleaved run by run, so a slow spell of a shared machine hits both.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import COVER, Context, figure, part, target
from bench.lists import Clock, median_clock, timed
from ylt_desktop.store.db import open_database


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


TARGET = 2.0

FLOOR_SQL = (
    "INSERT INTO institution (name, name_key, uscc, licence_no, division, category, level,"
    " ownership, role, joined, beds_authorised, beds_actual, health_tech_staff, doctors,"
    " nurses, address, contact, phone) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0,"
    " '', '', '')"
)


def floor_import(sheet: Path, database: Path) -> int:
    """openpyxl reads the sheet's values; one executemany writes them. Returns rows written."""
    import openpyxl

    wb = openpyxl.load_workbook(sheet, read_only=True, data_only=True)
    try:
        rows = wb["成员单位"].iter_rows(min_row=2, values_only=True)
        values = [
            (r[0], r[0], r[1] or None, r[2], r[3], r[4], r[5], r[6], str(r[7]), r[8], r[9])
            for r in rows
        ]
    finally:
        wb.close()
    con = sqlite3.connect(database)
    try:
        with con:
            con.executemany(FLOOR_SQL, values)
    finally:
        con.close()
    return len(values)


def _template(folder: Path) -> Path:
    """A database holding only the consortium and its lead unit."""
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.store import institutions as inst_store

    template = folder / "template.sqlite"
    db = open_database(template)
    lead = InstitutionData(name="基准县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="基准医共体", kind="县域医共体", division="360428", lead=lead)
    db.close()
    return template


@part("import", order=50)
def bench_import_part(ctx: Context) -> None:
    """10,000 institution rows imported against openpyxl + executemany, and again changed"""
    bench_import(ctx.runs)


def bench_import(runs: int = 3) -> dict[str, Clock]:
    """Import a 10,000-row 成员单位 sheet (validated, backed up, one transaction) into a fresh
    copy of a database with only its lead unit, interleaved with the floor; the dry run
    alone; then the same sheet with every row changed, into a database that holds the first.
    Prints and returns the medians."""
    from ylt_desktop.importing import import_file

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sheet = folder / "rows.xlsx"
        _member_sheet(sheet, extra_beds=0)
        template = _template(folder)
        counter = iter(range(10**6))

        def copy(source: Path) -> Path:
            target = folder / f"run{next(counter)}.sqlite"
            shutil.copy(source, target)
            return target

        def ours(dry_run: bool, source: Path = template, path: Path = sheet) -> object:
            target = copy(source)

            def run() -> object:
                run_db = open_database(target)
                report = import_file(run_db, "institutions", path, dry_run=dry_run)
                run_db.close()
                return report

            clock, report = timed(run)
            return clock, report

        def floor() -> Clock:
            target = copy(template)
            clock, written = timed(lambda: floor_import(sheet, target))
            assert written == 10_000
            return clock

        ours_clocks, floor_clocks, dry_clocks = [], [], []
        for _ in range(runs):
            floor_clocks.append(floor())
            clock, report = ours(False)
            assert report.new == 10_000 and report.written, report.counts
            ours_clocks.append(clock)
            clock, report = ours(True)
            assert report.new == 10_000 and not report.written
            dry_clocks.append(clock)
        full, base, dry = map(median_clock, (ours_clocks, floor_clocks, dry_clocks))
        target(
            "import 10,000 institution rows (checked, backup, one transaction)",
            full.wall,
            floor=base.wall,
            limit=TARGET,
            note=f"floor: openpyxl read-only values + one executemany, interleaved; CPU "
            f"{full.cpu:.2f} s vs {base.cpu:.2f} s, ratio {full.cpu / base.cpu:.2f}",
        )
        figure("import: the dry run alone (read and check)",
               f"{dry.wall:.2f} s (CPU {dry.cpu:.2f} s), median of {runs}")  # fmt: skip

        # The same sheet again with every row's 实有床位 changed: 10,000 updates.
        loaded = folder / "loaded.sqlite"
        shutil.copy(template, loaded)
        loaded_db = open_database(loaded)
        import_file(loaded_db, "institutions", sheet, dry_run=False)
        loaded_db.close()
        changed = folder / "changed.xlsx"
        _member_sheet(changed, extra_beds=1)
        again = []
        for _ in range(runs):
            clock, report = ours(False, loaded, changed)
            assert report.changed == 10_000 and report.written, report.counts
            again.append(clock)
        updates = median_clock(again)
        figure("re-import of the same 10,000 rows, each changed",
               f"{updates.wall:.2f} s (CPU {updates.cpu:.2f} s), median of {runs}")  # fmt: skip
        return {"import": full, "floor": base, "dry run": dry, "re-import": updates}


@part("reimport", order=60)
def bench_reimport(ctx: Context) -> None:
    """the return's own sheets imported back

    The return's own sheets imported back, as a clerk fills a quarter's figures in Excel:
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
        db_path, quarter = ctx.db_path, ctx.quarter
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
                    if str(cell.value).replace("\n", "") == "门急诊人次":  # "门急诊\n人次" printed
                        col = cell.column - 1
            for row in ws.iter_rows(min_row=4):
                if isinstance(row[col].value, int):
                    row[col].value += 1

        def more_volume(ws) -> None:  # noqa: ANN001
            col = [str(c.value).replace("\n", "") for c in ws[2]].index("本季度服务量")
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
            started, cpu = time.perf_counter(), time.process_time()
            report = import_file(run_db, kind, path, dry_run=False)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            run_db.close()
            assert report.written and not report.rejected, report.counts
            rows = report.new + report.changed
            print(f"re-import {label}: {rows:,} rows written in {took:.2f} s (CPU {cpu:.2f} s)")
        shutil.rmtree(folder / "backups", ignore_errors=True)
