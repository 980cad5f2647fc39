"""How each figure grows from the bench consortium to one ten times larger (issue #18).

Both consortia come from ``bench/generate.py`` (cached in ``bench/.cache``). A step grows no
faster than linearly when its CPU time at 10 × over its CPU time at 1 × stays at or under the
growth of its rows (10 ×; the audit log shows at most 10,000 entries). CPU time, since the
wall time of a shared machine swings with the load; the wall times are printed too.
"scale-return" (only with ``--only``) does the same for the quarter's check + Excel + PDF.

    python -m bench.run --only scale
    python -m bench.scale [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from dataclasses import dataclass

from bench.common import Context, figure, part, target
from bench.lists import RESULTS, Clock, ListFigures, bench_lists

LINEAR = 10.0


NOISE = 0.005
"""Steps under 5 ms CPU at 1 × are printed but not judged: the timer's noise would decide."""


def report_growth(small: list[ListFigures], large: list[ListFigures]) -> None:
    """One target per list and step: the 10 × CPU time over the 1 × CPU time, at most the
    growth of the rows (linear). A list read in parts is judged whole (build + the rest)."""
    for a, b in zip(small, large, strict=True):
        rows = b.rows / a.rows if a.rows else LINEAR
        for label, x, y in (
            ("build (first screen)", a.build, b.build),
            ("the whole list read", _whole(a), _whole(b)),
            ("filter a keystroke", a.filter, b.filter),
            ("sort", a.sort, b.sort),
        ):
            if x is None or y is None:
                continue
            name = f"scale {a.name}: {label}, CPU at 10 × over 1 ×"
            note = (
                f"rows {a.rows:,} → {b.rows:,} ({rows:.1f} ×); wall {x.wall:.3f} s → {y.wall:.3f} s"
            )
            if x.cpu < NOISE:
                print(f"{name}: {x.cpu * 1000:.1f} ms → {y.cpu * 1000:.1f} ms ({note}; under "
                      f"{NOISE * 1000:.0f} ms at 1 ×, not judged)")  # fmt: skip
                continue
            target(name, y.cpu, floor=x.cpu, limit=round(rows, 1), note=note)


def _whole(f: ListFigures) -> Clock | None:
    if f.rest is None:
        return None
    return Clock(f.build.wall + f.rest.wall, f.build.cpu + f.rest.cpu)


@part("scale", order=45)
def bench_scale_part(ctx: Context) -> None:
    """every list at 1 × and 10 ×: how each step grows (no faster than linearly)"""
    bench_scale(ctx.runs)


def bench_scale(runs: int = 3) -> None:
    small = bench_lists(1, runs)
    large = RESULTS.get(10) or bench_lists(10, runs)
    report_growth(small, large)
    machine_growth(runs)
    sqlite_growth(runs)


_PART_SQL = (
    'SELECT id, staff_id, from_id, to_id, direction, form, start, "end", note, version'
    " FROM rotation{where} ORDER BY start DESC, id DESC LIMIT 5000"
)
_FIGURES_SQL = (
    "SELECT q.rotation_id, q.quarter, q.days, q.outpatient FROM rotation_quarter q"
    " JOIN rotation r ON q.rotation_id = r.id WHERE r.start <= ? AND r.start >= ?"
    " AND (r.start < ? OR r.id <= ?) AND (r.start > ? OR r.id >= ?)"
)


def _sqlite_read(path: object) -> float:
    """CPU seconds of SQLite alone (the ``sqlite3`` module, no SQLAlchemy, no row objects)
    giving the rotation list's rows and figures in its parts and order, as the list asks."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        started = time.process_time()
        rows = con.execute(_PART_SQL.format(where="")).fetchall()
        where = " WHERE start <= ? AND (start < ? OR id < ?)"
        while rows:
            (top_id, top_start), (low_id, low_start) = rows[0][::6][:2], rows[-1][::6][:2]
            span = (top_start, low_start, top_start, top_id, low_start, low_id)
            con.execute(_FIGURES_SQL, span).fetchall()
            rows = con.execute(_PART_SQL.format(where=where), (low_start, low_start, low_id))
            rows = rows.fetchall()
        return time.process_time() - started
    finally:
        con.close()


def _sqlite_read_in_table_order(path: object) -> float:
    """CPU seconds of SQLite alone giving the same rows and figures as the rotation list now
    reads them: each table in its own order, in parts of 25,000 rotations."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows_sql = _PART_SQL.format(where=" WHERE id > ?").replace(
        "ORDER BY start DESC, id DESC LIMIT 5000", "ORDER BY id LIMIT 25000"
    )
    figures_sql = (
        "SELECT rotation_id, quarter, days, outpatient FROM rotation_quarter"
        " WHERE rotation_id > ? AND rotation_id <= ? ORDER BY rotation_id"
    )
    try:
        started, after = time.process_time(), 0
        while rows := con.execute(rows_sql, (after,)).fetchall():
            con.execute(figures_sql, (after, rows[-1][0])).fetchall()
            after = rows[-1][0]
        return time.process_time() - started
    finally:
        con.close()


def sqlite_growth(runs: int = 3) -> None:
    """How SQLite's own reading of the rotation list grows, two ways: the rows in the list's
    order through the start index (one table lookup each, each part's figures one index
    lookup per rotation: the list's way until the list became columns), and each table in
    its own order (the list's way now). Printed beside the lists' growth (not a target)."""
    from bench.generate import cached_database

    for how, read in (
        ("in the list's order through the start index (the list's old way)", _sqlite_read),
        ("each table in its own order (the list's way now)", _sqlite_read_in_table_order),
    ):
        a, b = (
            statistics.median(read(cached_database(scale)[0]) for _ in range(max(runs, 3)))
            for scale in (1, 10)
        )
        figure(
            "scale: SQLite alone",
            f"the rotation list's rows and figures read by SQLite {how} (no Python objects "
            f"beyond its tuples), CPU at 10 × over 1 ×: {a:.2f} s → {b:.2f} s, {b / a:.1f} × "
            "(not a target)",
        )


@dataclass(slots=True)
class _Row:
    id: int
    name: str
    unit: str
    note: str


def _rows_loop(rows: int, people: int, units: int) -> float:
    """CPU seconds of a plain loop shaped like a long list's read: each row looks up its
    person and unit, becomes an object, a search text and an entry of a word index, in parts
    of 5,000, all held. Nothing in it grows faster than its rows."""
    rnd = random.Random(7)
    names = [f"人员{i:06d}" for i in range(people)]
    staff = {i: (names[i], f"{i:04d}") for i in range(people)}
    unit_names = [f"单位{i:05d}" for i in range(units)]
    refs = [(rnd.randrange(people), rnd.randrange(units)) for _ in range(rows)]
    held: list[object] = []
    index: dict[str, list[int]] = {}
    started = time.process_time()
    for first in range(0, rows, 5000):
        part = []
        for i, (p, u) in enumerate(refs[first : first + 5000], first):
            name, _number = staff[p]
            part.append(_Row(i, name, unit_names[u], ""))
        held.extend([f"{r.name} {r.unit}".casefold() for r in part])
        for i, r in enumerate(part, first):
            index.setdefault(r.name, []).append(i)
        held.extend(part)
    return time.process_time() - started


def machine_growth(runs: int = 3) -> None:
    """How this machine's CPU time grows for plain Python work of the rotation list's shape
    (50,000 rows, 5,000 people, 300 units at 1 ×; ten times each at 10 ×): more memory than
    its caches hold costs more per row, so "linear" here is this growth, not 10 × (printed
    beside the lists' growth; the targets stay at 10 ×)."""
    small, large = [], []
    for _ in range(max(runs, 3)):
        small.append(_rows_loop(50_000, 5_000, 300))
        large.append(_rows_loop(500_000, 50_000, 3_000))
    a, b = statistics.median(small), statistics.median(large)
    figure(
        "scale: this machine's own growth",
        f"a plain Python loop of the rotation list's shape, CPU at 10 × over 1 ×: {a:.2f} s → "
        f"{b:.2f} s, {b / a:.1f} × (not a target: what the lists' ratios compare with)",
    )


@part("scale-return", order=46, default=False)
def bench_scale_return(ctx: Context) -> None:
    """the quarter's check + Excel + PDF at 1 × and 10 ×: how it grows"""
    import tempfile
    from pathlib import Path

    from sqlalchemy import func, or_, select

    from bench.common import COVER, measure
    from bench.generate import cached_database
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.models import Rotation

    quarter = Quarter(2026, 3)
    samples, counts = {}, {}
    for scale in (1, 10):
        path, _took = cached_database(scale)
        db = open_database(path)
        with db.session() as s, tempfile.TemporaryDirectory() as out:
            counts[scale] = s.scalar(
                select(func.count())
                .select_from(Rotation)
                .where(Rotation.start <= quarter.last_day)
                .where(or_(Rotation.end.is_(None), Rotation.end >= quarter.first_day))
            )
            samples[scale] = measure(
                lambda s=s, out=out: export_quarter(s, quarter, Path(out), cover_fields=COVER)
            )
        db.close()
        print(f"return at {scale} ×: {counts[scale]:,} rotations in {quarter}; "
              f"{samples[scale].wall:.2f} s (CPU {samples[scale].cpu:.2f} s)", flush=True)  # fmt: skip
    rows = counts[10] / counts[1]
    target("scale the quarter's check + Excel + PDF, CPU at 10 × over 1 ×", samples[10].cpu,
           floor=samples[1].cpu, limit=round(rows, 1),
           note=f"rotations {counts[1]:,} → {counts[10]:,}; wall {samples[1].wall:.1f} s → "
           f"{samples[10].wall:.1f} s")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    from bench.generate import act_as_bench

    act_as_bench()
    bench_scale(parser.parse_args().runs)


if __name__ == "__main__":
    main()
