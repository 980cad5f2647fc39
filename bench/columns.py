"""A probe for issue #18's one scale target left: the rotation list read as columns.

The list holds one object per rotation (row, search text, word-index entries: ~770 B a row)
and reads its parts through the start index; its whole read grows 13-18 x from the bench
consortium to the 10 x one, where the rows grow 10 x (bench/scale.py). Measured causes:
- every per-row step touches the row's person (name, masked number, title), one of 5,000 at
  1 x and of 50,000 at 10 x. On this machine a lookup into 50,000 persons costs about 5 x one
  into 5,000 (their ~15 MB leave the 4 MB second-level cache): a plain loop of such lookups
  grows 49 x for 10 x the rows, 10.5 x when the persons do not grow;
- SQLite's reading through an index grows 13-16 x, its reading in table order 9-10 x.

This probe reads the same rotations as the list would hold them without an object per row:
the table in its own order (``fetchmany``, columns transposed into ``array``\\ s, the few-valued
columns as codes), the quarters' figures in their table order summed per rotation, the
list's order by a counting sort of the start dates (ties: newest id first), and the search
texts per person and per unit (a keystroke marks persons, then rows through their person ids).
It prints each step's CPU time at 1 x and 10 x and its growth (not a target: what a columnar
list model could reach; the list itself does more per row: days by the rules, display).

    python -m bench.run --only columns
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from array import array
from pathlib import Path

from bench.common import Context, figure, part


def read_columns(path: Path) -> dict[str, float]:
    """CPU seconds of each step of reading the rotation list as columns."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        t = [time.process_time()]
        staff = con.execute("SELECT id, name, title FROM staff").fetchall()
        units = con.execute("SELECT id, name FROM institution").fetchall()
        t.append(time.process_time())
        ids, people, givers, takers = (array("q") for _ in range(4))
        directions, forms, starts, ends, versions = (array("I") for _ in range(5))
        notes: list[str] = []
        codes: dict[object, int] = {}
        sql = 'SELECT id, staff_id, from_id, to_id, direction, form, start, "end", note, version'
        cur = con.execute(sql + " FROM rotation")
        while rows := cur.fetchmany(20_000):
            c = list(zip(*rows, strict=True))
            for column, out in zip(c[:4], (ids, people, givers, takers), strict=True):
                out.extend(column)
            for column, out in zip(c[4:8], (directions, forms, starts, ends), strict=True):
                for value in set(column) - codes.keys():
                    codes[value] = len(codes)
                out.extend(map(codes.__getitem__, column))
            notes.extend(c[8])
            versions.extend(c[9])
        t.append(time.process_time())
        n = len(ids)
        place = array("i", [-1]) * ((max(ids) + 1) if n else 1)
        for i, rid in enumerate(ids):
            place[rid] = i
        outpatient, quarters = array("q", bytes(8 * n)), array("H", bytes(2 * n))
        cur = con.execute("SELECT rotation_id, quarter, days, outpatient FROM rotation_quarter")
        while rows := cur.fetchmany(50_000):
            for rid, _quarter, _days, visits in rows:
                i = place[rid]
                outpatient[i] += visits
                quarters[i] += 1
        t.append(time.process_time())
        days = sorted((v for v in codes if isinstance(v, str) and v[:1].isdigit()), reverse=True)
        buckets: dict[int, list[int]] = {codes[d]: [] for d in days}
        for i, start in enumerate(starts):
            buckets[start].append(i)
        order: list[int] = []
        for d in days:  # newest start first, newest id first within a day
            order.extend(reversed(buckets[codes[d]]))
        t.append(time.process_time())
        person_text = {sid: f"{name} {title}".casefold() for sid, name, title in staff}
        unit_text = {uid: name.casefold() for uid, name in units}
        marks = bytearray(max(person_text, default=0) + 1)
        for sid, text in person_text.items():
            marks[sid] = "0123" in text
        kept = bytes(map(marks.__getitem__, people))
        t.append(time.process_time())
        assert len(order) == n and len(kept) == n and len(unit_text) == len(units)
    finally:
        con.close()
    steps = ("persons and units", "rotations", "figures", "order", "search", "")
    out = {name: b - a for name, a, b in zip(steps, t, t[1:], strict=False)}
    out["whole"] = t[-1] - t[0]
    return out


@part("columns", order=47, default=False)
def bench_columns(ctx: Context) -> None:
    """the rotation list read as columns at 1 x and 10 x: how each step grows (a probe)"""
    from bench.generate import cached_database

    figures = {}
    for scale in (1, 10):
        path, _took = cached_database(scale)
        runs = [read_columns(path) for _ in range(max(ctx.runs, 3))]
        figures[scale] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    a, b = figures[1], figures[10]
    steps = "; ".join(f"{k} {a[k]:.3f} → {b[k]:.3f} s ({b[k] / a[k]:.1f} ×)" for k in a)
    figure(
        "scale: the rotation list read as columns (probe)",
        f"CPU at 1 × → 10 ×: {steps} (not a target: what a list without an object per row "
        "could reach; bench/columns.py)",
    )
