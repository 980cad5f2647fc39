"""Start: the program's first paint and its first page's data against a bare PySide6 window
started the same way (issue #18: painted <= 1.15 x bare, first page's data <= 3 x bare).

"painted" is printed by each side from the event loop right after its window's first
``paintEvent`` (the frame flushed): a zero-delay timer started with ``show()`` runs before
that paint on offscreen (and Windows, whose WM_PAINT waits for an empty queue), so it timed
"shown, event loop running", not a frame, for both sides."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Context, Sample, _cpu, figure, part, target

BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
class Window(QMainWindow):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, lambda: (print("painted", flush=True), app.quit()))
app = QApplication(sys.argv[:1])
w = Window(); w.resize(1200, 760); w.show()
app.exec()
"""


def line_times(cmd: list[str], env: dict[str, str] | None = None) -> tuple[dict[str, float], float]:
    """Seconds from launch to each line the child prints ("painted", "ready"), and the
    child's CPU seconds."""
    cpu, started = _cpu(), time.perf_counter()
    child = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    seen = {line.strip(): time.perf_counter() - started for line in child.stdout}
    child.wait(timeout=120)
    if "painted" not in seen:
        raise RuntimeError(f"{cmd} printed {seen}")
    return seen, _cpu() - cpu


def start_env(ctx: Context) -> dict[str, str]:
    """The children's environment: bytecode kept in the run's folder (written by the untimed
    warm-up), as an installed program has it (pip and the bundle ship compiled modules); a
    ``PYTHONDONTWRITEBYTECODE`` shell would otherwise time compiling the program's modules
    from source at every start. The bare window gets the same."""
    env = ctx.env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ctx.folder / "pycache")
    return env


def invalidate_snapshot(db_path: Path) -> None:
    """Make the overview's saved snapshot stale, as a record written since would: the start
    then computes the overview (and saves it again)."""
    path = db_path.with_name(db_path.name + ".overview.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["key"]["hash"] = "changed since"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@part("start", order=10)
def bench_start(ctx: Context) -> None:
    """first paint and first page's data against a bare PySide6 window"""
    bare_cmd = [sys.executable, "-c", BARE_QT]
    ours_cmd = [sys.executable, "-m", "ylt_desktop", "--db", str(ctx.db_path), "--quit-after-paint"]
    env = start_env(ctx)
    line_times(bare_cmd, env), line_times(ours_cmd, env)  # warm the disk cache, untimed
    bare, ours, stale = [], [], []
    # Interleaved, so that a slow spell hits every side; fifteen rounds: the two sides differ
    # by a few milliseconds, less than one start's spread (with nine, the ratio of one
    # unchanged tree moved 1.13 -> 1.16 from one whole run to the next).
    for _ in range(max(ctx.runs, 15)):
        bare.append(line_times(bare_cmd, env))
        invalidate_snapshot(ctx.db_path)
        stale.append(line_times(ours_cmd, env))  # computes, and saves the snapshot again
        ours.append(line_times(ours_cmd, env))  # the data unchanged since the last start
    bare_s = Sample(
        statistics.median(t["painted"] for t, _ in bare), statistics.median(c for _, c in bare)
    )
    painted = statistics.median(t["painted"] for t, _ in ours + stale)
    ready = statistics.median(t["ready"] for t, _ in ours)
    cpu = statistics.median(c for _, c in ours)
    target("start: first paint", painted, floor=bare_s.wall, limit=1.15,
           note="floor: a bare PySide6 window started the same way, interleaved")  # fmt: skip
    target("start: first page's data shown", ready, floor=bare_s.wall, limit=3,
           note="data unchanged since the last start: the overview's verified snapshot")  # fmt: skip
    stale_ready = statistics.median(t["ready"] for t, _ in stale)
    figure("start: first page's data shown, data changed since the last start",
           f"{stale_ready:.2f} s, {stale_ready / bare_s.wall:.2f} x the bare window (no valid "
           f"snapshot: the indicators computed, the check's counts follow), CPU "
           f"{statistics.median(c for _, c in stale):.2f} s to quit after the check")  # fmt: skip
    figure("start CPU", f"ours {cpu:.2f} s to quit (the snapshot shown, the database opened "
           f"and verified), bare window {bare_s.cpu:.2f} s")  # fmt: skip
