"""Return: the check and the quarter's Excel + PDF export of the bench consortium, against
floors of stock writers fed the same cells, timed in the same run; and its peak memory."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import COVER, Context, figure, median_of, part, target


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


@part("export", order=20)
def bench_check_and_export(ctx: Context) -> None:
    """the check, the Excel and the PDF of the quarter"""
    from ylt_desktop.returns.check import check_quarter
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.returns.rows import quarter_rows
    from ylt_desktop.returns.xlsx import write_xlsx

    runs, quarter, out = ctx.runs, ctx.quarter, ctx.out
    db = ctx.open()
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
    # The writers alone, on rows assembled once.
    with db.session() as s:
        t_rows = median_of(runs, lambda: quarter_rows(s, quarter, cover_fields=COVER))
        ret = quarter_rows(s, quarter, cover_fields=COVER)
    t_writer = median_of(runs, lambda: write_xlsx(ret, out / "writer.xlsx"))
    t_raw_writer = median_of(runs, lambda: raw_write(ret, out / "raw-writer.xlsx"))
    figure(f"check {quarter}", f"{t_check:.2f} s")
    target("Excel export", t_xlsx, floor=t_raw, limit=1.5,
           note="floor: raw openpyxl write-only of the same cells, assembly included")  # fmt: skip
    figure("assembling the rows", f"{t_rows:.2f} s; writers alone: ours {t_writer:.2f} s, "
           f"raw openpyxl {t_raw_writer:.2f} s")  # fmt: skip
    figure("PDF export", f"{t_pdf:.2f} s (assembly included)")
    target("Excel + PDF of the quarter, one export", t_both, limit=5)
    db.close()


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


@part("memory", order=30)
def bench_peak_memory(ctx: Context) -> None:
    """peak memory of the quarter's export"""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(ctx.db_path), str(ctx.out), str(ctx.quarter)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ctx.root,
    )
    if done.returncode:
        figure("peak memory", "export failed: " + done.stderr[-500:])
        return
    kib = int(done.stdout.split()[-1])
    target("peak memory of the Excel + PDF export", kib / 1024, limit=300, unit="MB")
