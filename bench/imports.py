"""Import: 10,000 institution rows, and the return's own sheets imported back."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import COVER, Context, median_of, part
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


@part("import", order=50)
def bench_import(ctx: Context) -> None:
    """10,000 institution rows imported, and imported again each changed

    Import a 10,000-row 成员单位 sheet (validated, written in one transaction) into a
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
        runs = ctx.runs
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
