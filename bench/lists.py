"""Lists: building the list pages of the bench consortium and filtering them."""

from __future__ import annotations

import statistics
import time

from bench.common import Context, figure, part, target


@part("filter", order=40)
def bench_filter(ctx: Context) -> None:
    """the rotation page: built, then filtered keystroke by keystroke"""
    from PySide6.QtWidgets import QApplication

    from ylt_desktop.ui.pages.rotations import RotationsPage

    app = QApplication.instance() or QApplication([])  # noqa: F841
    db = ctx.open()
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
    figure(f"rotation page with {rows} rows", f"built in {opened:.2f} s")
    target(
        "rotation list: filter per keystroke",
        statistics.median(per_key) * 1000,
        limit=50,
        unit="ms",
        note=f"worst {max(per_key) * 1000:.0f} ms",
    )
    db.close()
