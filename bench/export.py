"""Return: the check and the quarter's Excel + PDF export of the bench consortium, against a
floor of stock writers fed the same cells, timed in the same run; and its peak memory.

Issue #18's target: check + Excel + PDF of the quarter, one export (``export_quarter``, as the
程序 and ``ylt export`` call it), <= 0.8 x the floor "openpyxl write-only (with lxml) of the
same cells + reportlab canvas text objects of the same cells"; peak memory <= 250 MB counted
over every process of the export.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.common import (
    COVER,
    Context,
    cpu_note,
    figure,
    interleaved,
    part,
    target,
)


def floor_xlsx(ret, path: Path) -> None:  # noqa: ANN001
    """The Excel floor: openpyxl's write-only workbook (lxml when installed) of the same
    cells, one sheet per table, no styling, no header, no print set-up."""
    from openpyxl import Workbook

    from ylt_desktop.returns.model import Shown

    wb = Workbook(write_only=True)
    for table in ret.tables:
        ws = wb.create_sheet(table.title[:31])
        for row in table.rows + table.total_rows:
            ws.append([v.value if isinstance(v, Shown) else v for v in row])
    wb.save(path)


def floor_pdf(ret, path: Path) -> None:  # noqa: ANN001
    """The PDF floor: reportlab canvas text objects of the same cells, in the return's
    (embedded, subset) Chinese font, one text object per page of one-line rows under the
    column headers, columns evenly spread; no measuring, wrapping, grid nor layout."""
    from reportlab.pdfgen.canvas import Canvas

    from ylt_desktop.returns.layout import display_text
    from ylt_desktop.returns.pdf import register_font
    from ylt_desktop.returns.pdf_table import (
        FONT,
        FONT_SIZE,
        FRAME_HEIGHT,
        FRAME_WIDTH,
        MARGIN,
        ONE_LINE,
        PAGE_SIZE,
    )

    register_font()
    canvas = Canvas(str(path), pagesize=PAGE_SIZE, initialFontName=FONT)
    per_page = int(FRAME_HEIGHT // ONE_LINE) - 1
    top = PAGE_SIZE[1] - MARGIN - FONT_SIZE
    for table in ret.tables:
        step = FRAME_WIDTH / len(table.columns)
        head = [c.header for c in table.columns]
        rows = table.rows + table.total_rows
        for first in range(0, max(len(rows), 1), per_page):
            text = canvas.beginText()
            text.setFont(FONT, FONT_SIZE)
            y = top
            for row in [head, *rows[first : first + per_page]]:
                x = MARGIN
                for value in row:
                    text.setTextOrigin(x, y)
                    text.textOut(display_text(value))
                    x += step
                y -= ONE_LINE
            canvas.drawText(text)
            canvas.showPage()
    canvas.save()


def _lxml() -> str:
    from openpyxl.xml import LXML

    return "with lxml" if LXML else "WITHOUT lxml (not installed: the floor is slower)"


@part("export", order=20)
def bench_return(ctx: Context) -> None:
    """check + Excel + PDF of the quarter in one export, against the stock-writer floor"""
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.returns.rows import quarter_rows

    quarter, out = ctx.quarter, ctx.out
    db = ctx.open()
    with db.session() as s:
        ret = quarter_rows(s, quarter, cover_fields=COVER)

        def floor() -> None:
            floor_xlsx(ret, out / "floor.xlsx")
            floor_pdf(ret, out / "floor.pdf")

        got = interleaved(
            ctx.runs,
            {
                "floor": floor,
                "ours": lambda: export_quarter(s, quarter, out / "ours", cover_fields=COVER),
            },
        )
    db.close()
    ours, fl = got["ours"], got["floor"]
    figure(
        "return size",
        f"{quarter}: {ret.row_count:,} data rows in {len(ret.tables)} tables; floor {_lxml()}",
    )
    target("return: check + Excel + PDF, one export", ours.wall, floor=fl.wall, limit=0.8,
           note=f"medians of {ctx.runs}, interleaved; ours {cpu_note(ours)}, "
           f"floor {cpu_note(fl)}")  # fmt: skip
    figure(
        "return CPU",
        f"ours {ours.cpu:.2f} s in all (this process {ours.own:.2f} s, the helper writing the "
        f"workbook {ours.children:.2f} s), floor {fl.cpu:.2f} s: ratio {ours.cpu / fl.cpu:.2f}; "
        f"the longer of the two processes {max(ours.own, ours.children):.2f} s: "
        f"ratio {max(ours.own, ours.children) / fl.cpu:.2f} (the wall ratio on two free cores)",
    )


@part("export-detail", order=21, default=False)
def bench_export_detail(ctx: Context) -> None:
    """each step of the export alone (CPU medians): reading, check, assembly, each writer"""
    from ylt_desktop.returns.check import check_quarter
    from ylt_desktop.returns.load import load_quarter
    from ylt_desktop.returns.pdf import write_pdf
    from ylt_desktop.returns.rows import quarter_rows
    from ylt_desktop.returns.xlsx import write_xlsx

    quarter, out = ctx.quarter, ctx.out
    db = ctx.open()
    with db.session() as s:
        data = load_quarter(s, quarter)
        ret = quarter_rows(s, quarter, cover_fields=COVER, data=data)
        got = interleaved(
            ctx.runs,
            {
                "reading the quarter (one query per table)": lambda: load_quarter(s, quarter),
                "check (on the records read)": lambda: check_quarter(s, quarter, data=data),
                "assembling the rows (on the records read)": lambda: quarter_rows(
                    s, quarter, cover_fields=COVER, data=data
                ),
                "Excel writer": lambda: write_xlsx(ret, out / "detail.xlsx"),
                "PDF writer": lambda: write_pdf(ret, out / "detail.pdf"),
                "floor: openpyxl write-only": lambda: floor_xlsx(ret, out / "f.xlsx"),
                "floor: reportlab text objects": lambda: floor_pdf(ret, out / "f.pdf"),
            },
        )
    db.close()
    for name, sample in got.items():
        figure(name, cpu_note(sample))


PEAK = """
import os, resource, sys, threading, time


def status(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(me):
    # The helpers: children of me once they run the helper (between fork and exec a child
    # still shows the parent's memory, shared, not its own).
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) != me:
                        continue
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    if b"spawn_main" in f.read():
                        found.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return found


def watch(me, out, stop):
    while not stop.is_set():
        kids = children(me)
        out["sum"] = max(out["sum"], status(me, "VmRSS") + sum(status(k, "VmRSS") for k in kids))
        for k in kids:  # a helper's own peak (VmHWM is its own since exec)
            out["helper"] = max(out["helper"], status(k, "VmHWM"))
        stop.wait(0.01)


if __name__ == "__main__":  # the helper (spawn) imports this file: nothing to run there
    from bench.generate import act_as_bench
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.store.db import open_database

    act_as_bench()
    db = open_database(sys.argv[1])
    seen, stop = {"sum": 0, "helper": 0}, threading.Event()
    watcher = threading.Thread(target=watch, args=(os.getpid(), seen, stop), daemon=True)
    if os.path.exists("/proc/self/status"):
        watcher.start()
    with db.session() as s:
        export_quarter(s, Quarter.parse(sys.argv[3]), sys.argv[2], cover_fields={})
    stop.set()
    own = status(os.getpid(), "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(own, seen["helper"], seen["sum"])
"""


@part("memory", order=30)
def bench_peak_memory(ctx: Context) -> None:
    """peak memory of the quarter's export, over both of its processes"""
    script = ctx.folder / "peak.py"
    script.write_text(PEAK, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), str(ctx.db_path), str(ctx.out / "peak"), str(ctx.quarter)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ctx.root,
        env=ctx.env(),
    )
    if done.returncode:
        figure("peak memory", "export failed: " + done.stderr[-500:])
        return
    own, helper, both = (int(x) / 1024 for x in done.stdout.split()[-3:])
    target("return: peak memory of the export", own + helper, limit=250, unit="MB",
           note=f"each process's own peak, summed (an upper bound): this process {own:.0f} MB"
           f" + the helper {helper:.0f} MB; both at once, sampled every 10 ms: "
           f"{both:.0f} MB")  # fmt: skip
