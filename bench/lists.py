"""Every list of the program, measured on its real page (offscreen): build, filter, sort.

- build: from constructing the page (its queries) to the first screen painted (``grab``);
  a long list shows its first part and reads the rest while idle: that is timed apart;
- filter: one more character typed in the page's search box until the model holds the rows
  kept, median and worst over the characters of a search that narrows as a clerk types it;
- sort: a click on a column header (``sortByColumn``, as the header does);
- paint: repainting the table's screenful afterwards (offscreen, into a pixmap), printed
  apart: it does not grow with the list, and software painting of Chinese text here costs
  ~20 ms CPU by itself.

Targets (issue #18), on the 10 × consortium: build <= 0.5 s, filter <= 16 ms a keystroke
(one frame at 60 Hz), sort <= 100 ms. Wall and CPU time are printed: on a shared machine the
wall time is the CPU time plus waiting for a core.

    python -m bench.run --only lists     (10 ×; "scale" adds 1 × and the growth)
    python -m bench.lists [--scale 1] [--scale 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.common import Context, part, target

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BUILD_TARGET, FILTER_TARGET, SORT_TARGET = 0.5, 0.016, 0.100
TODAY = dt.date(2026, 9, 30)  # the last day of the bench consortium's newest quarter


@dataclass
class Clock:
    """Wall and CPU seconds of one measured step."""

    wall: float = 0.0
    cpu: float = 0.0


def timed(fn: Callable[[], Any]) -> tuple[Clock, Any]:
    """Wall and CPU seconds of ``fn()``: the lists work in this process alone, so its CPU
    time is read with the fine clock (``os.times`` counts in 10 ms ticks)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return Clock(time.perf_counter() - wall, time.process_time() - cpu), result


def median_clock(clocks: list[Clock]) -> Clock:
    return Clock(
        statistics.median(c.wall for c in clocks), statistics.median(c.cpu for c in clocks)
    )


@dataclass
class ListFigures:
    """One list's figures (medians); filter/sort are None where the list has no such action."""

    name: str
    rows: int
    build: Clock
    filter: Clock | None = None
    filter_worst: Clock | None = None
    sort: Clock | None = None
    paint: Clock | None = None
    rest: Clock | None = None
    """A list shown in parts: reading and adding the parts after the first screen (median
    over the pages built, each read to its end before the next is built)."""


@dataclass
class ListCase:
    name: str
    make: Callable[[Any], Any]  # db -> page, data shown
    search: str | None  # typed one character at a time
    sort_column: int | None
    rows: Callable[[Any], int]


def _pages() -> list[ListCase]:
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.ui.pages.agreements import AgreementsPage
    from ylt_desktop.ui.pages.audit import AuditPage
    from ylt_desktop.ui.pages.figures import FiguresPage
    from ylt_desktop.ui.pages.institutions import InstitutionsPage
    from ylt_desktop.ui.pages.rotations import RotationsPage
    from ylt_desktop.ui.pages.staff import StaffPage

    def audit(db: Any) -> Any:
        page = AuditPage(db)
        page.set_range(dt.date(2020, 1, 1), TODAY)
        return page

    def figures(db: Any) -> Any:
        page = FiguresPage(db)
        page.set_quarter(Quarter(2026, 3))
        return page

    def shown(page: Any) -> int:
        return page.proxy.rowCount()

    return [
        ListCase("institutions 成员单位", InstitutionsPage, "基准12号", 0, shown),
        ListCase("staff 人员", lambda db: StaffPage(db, today=TODAY), "人员0123", 0, shown),
        ListCase(
            "rotations 人员流动", lambda db: RotationsPage(db, today=TODAY), "人员0123", 0, shown
        ),
        ListCase(
            "agreements 资源共享协议",
            lambda db: AgreementsPage(db, today=TODAY),
            "基准协议0012",
            3,
            shown,
        ),
        ListCase("audit 操作日志", audit, "人员0123", 1, shown),
        ListCase("figures grid 运行指标", figures, None, None, lambda p: p.members.rowCount()),
    ]


def _paint(page: Any) -> None:
    """Paint what the clerk sees now (offscreen: into a pixmap)."""
    page.grab()


def measure_list(case: ListCase, db: Any, runs: int) -> ListFigures:

    from PySide6.QtCore import Qt

    builds, rests, page, model = [], [], None, None
    for _ in range(runs):
        if page is not None:  # the previous run's page, with every row it read, goes first
            page = model = _dispose(page)

        def build() -> Any:
            page = case.make(db)
            page.resize(1280, 760)
            _paint(page)
            return page

        clock, page = timed(build)
        builds.append(clock)
        model = getattr(page, "model", None)
        if model is not None and model.loading():  # a list shown in parts: the rest, at once
            rests.append(timed(model.fetch_rest)[0])
    model = getattr(page, "model", None)
    rest = median_clock(rests) if rests else None
    figures = ListFigures(case.name, case.rows(page), median_clock(builds), rest=rest)
    if case.search:
        keys: list[Clock] = []
        for _ in range(runs):
            page.search.clear()
            # A text typed before is shown from memory (a backspace): time typing it anew.
            getattr(model, "_recent", {}).clear()
            for i in range(1, len(case.search) + 1):

                def key(i: int = i) -> None:
                    page.search.setText(case.search[:i])  # filters as a keystroke does
                    page.proxy.rowCount()

                keys.append(timed(key)[0])
        page.search.clear()
        figures.filter = median_clock(keys)
        figures.filter_worst = max(keys, key=lambda c: c.wall)
    if case.sort_column is not None:
        sorts = []
        for n in range(runs * 2):  # ascending, descending, ...
            order = Qt.SortOrder.DescendingOrder if n % 2 else Qt.SortOrder.AscendingOrder

            def sort(order: Qt.SortOrder = order) -> None:
                page.table.sortByColumn(case.sort_column, order)
                page.proxy.rowCount()

            sorts.append(timed(sort)[0])
        figures.sort = median_clock(sorts)
    table = getattr(page, "table", None) or page.member_view
    figures.paint = median_clock([timed(lambda: _paint(table))[0] for _ in range(runs)])
    _dispose(page)
    return figures


def _dispose(page: Any) -> None:
    """Delete ``page`` and what it holds now: ``deleteLater`` alone waits for an event loop,
    which ``processEvents`` is not (every page built stayed, with all its rows: 640,000
    objects after the lists at 10 ×, which every later part's collections walked)."""
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    page.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def _ms(c: Clock | None) -> str:
    return "—" if c is None else f"{c.wall * 1000:.0f} ms (CPU {c.cpu * 1000:.0f})"


def report(scale: int, figures: list[ListFigures]) -> None:
    """Print each list's figures; at 10 × as targets (absolute: wall time, CPU in the note)."""
    for f in figures:
        name = f"list {f.name} at {scale} ×"
        rest = ""
        if f.rest is not None:
            rest = (
                f"; the rest read in parts while idle: {f.rest.wall:.2f} s, CPU {f.rest.cpu:.2f} s"
            )
        note = f"{f.rows:,} rows; CPU {f.build.cpu:.2f} s{rest}"
        if scale == 10:
            target(f"{name}: build", f.build.wall, limit=BUILD_TARGET, note=note)
        else:
            print(f"{name}: build {f.build.wall:.2f} s ({note})")
        for label, clock, limit, extra in (
            ("filter a keystroke", f.filter, FILTER_TARGET, f"worst {_ms(f.filter_worst)}"),
            ("sort", f.sort, SORT_TARGET, ""),
        ):
            if clock is None:
                continue
            text = f"CPU {clock.cpu * 1000:.0f} ms" + (f"; {extra}" if extra else "")
            if scale == 10:
                target(f"{name}: {label}", clock.wall * 1000, limit=limit * 1000, unit="ms",
                       note=text)  # fmt: skip
            else:
                print(f"{name}: {label} {clock.wall * 1000:.0f} ms ({text})")
        print(f"{name}: repainting the table's screen {_ms(f.paint)} (not part of the targets)")


def bench_lists(scale: int, runs: int = 3) -> list[ListFigures]:
    """Measure every list on the cached ``scale`` × consortium; prints and returns figures."""
    from PySide6.QtWidgets import QApplication

    from bench.generate import cached_database
    from ylt_desktop.store.db import open_database

    _app = QApplication.instance() or QApplication([])  # kept while the pages live
    path, took = cached_database(scale)
    if took is not None:
        print(f"generated the {scale} × consortium in {took:.1f} s (cached in {path.parent})")
    db = open_database(path)
    print(
        f"lists at {scale} × the bench consortium ({path.name}); targets at 10 ×: build <= "
        f"{BUILD_TARGET:.1f} s, filter <= {FILTER_TARGET * 1000:.0f} ms a keystroke, sort <= "
        f"{SORT_TARGET * 1000:.0f} ms",
        flush=True,
    )
    figures = []
    try:
        for case in _pages():
            figures.append(measure_list(case, db, runs))
    finally:
        db.close()
    report(scale, figures)
    return figures


RESULTS: dict[int, list[ListFigures]] = {}
"""Figures measured in this process by scale: the scale part reuses the lists part's."""


@part("lists", order=40)
def bench_lists_part(ctx: Context) -> None:
    """every list at 10 × the bench consortium: build, a keystroke, a sort"""
    RESULTS[10] = bench_lists(10, ctx.runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, action="append", choices=[1, 10])
    parser.add_argument("--runs", type=int, default=3)
    from bench.generate import act_as_bench

    act_as_bench()
    args = parser.parse_args()
    for scale in args.scale or [10]:
        bench_lists(scale, args.runs)


if __name__ == "__main__":
    main()
