"""Everything a quarter's return consists of, as canonical JSON text: to prove that a change
of how the return is read, checked or assembled leaves its content alone, cell for cell.

A capture holds, per quarter: the records a submitted quarter freezes (every key, whole
identity numbers: ``rows.collect_records``), the assembled return with masked and with whole
identity numbers (cover, every table with its 合计 rows, notes, marks, charts: all of
``QuarterReturn`` but the time it was made) and the pre-export check's items. Values keep
their type (``1`` and ``1.0`` differ, dates are tagged), so "the same text" means "the same
cell".

``test_return_capture.py`` compares the consortia below with the captures kept in
``tests/returns/captures/``. When the return's content is meant to change (a new column, a
new demo), write them again and look at the diff before committing it:

    python -m tests.returns.return_capture --update
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gzip
import json
import tempfile
from pathlib import Path
from typing import Any

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.returns.model import Shown
from ylt_desktop.returns.rows import collect_records, quarter_rows
from ylt_desktop.store.db import Database, open_database

FOLDER = Path(__file__).resolve().parent / "captures"
COVER = {"unit_head": "王建国", "stats_head": "李芳", "preparer": "张敏", "phone": "0792-2221234"}

DEMO_TODAY = dt.date(2026, 11, 20)
"""The demo consortium dates its records from "today": a fixed one keeps it the same."""
DEMO_QUARTERS = [Quarter(2024, 3), *(Quarter(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4))]
SAMPLE_QUARTERS = [Quarter(2026, 2), Quarter(2026, 3), Quarter(2026, 4)]
BENCH_SIZE = dict(seed=11, institutions=40, staff=300, rotations=3000, agreements=300)
"""A small bench consortium (``bench/generate.py``): its random records reach cases the
hand-made consortia do not (many persons per unit, overlapping rotations)."""
BENCH_QUARTERS = [Quarter(2024, 3), Quarter(2024, 4), Quarter(2025, 4), Quarter(2026, 3),
                  Quarter(2026, 4)]  # fmt: skip


def tagged(value: Any) -> Any:
    """A JSON value that keeps the Python type of a cell."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return {"$float": repr(value)}  # 1.0 stays apart from 1
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Shown):
        return {"$shown": [tagged(value.value), value.number_format, value.text]}
    if isinstance(value, dict):
        return {str(k): tagged(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [tagged(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {"$" + type(value).__name__: tagged(_fields(value))}
    raise TypeError(f"no capture of {type(value).__name__}")


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _return(ret: Any) -> dict[str, Any]:
    whole = _fields(ret)
    whole.pop("generated_at")  # the time of the export, not its content
    whole["tables"] = [_fields(t) for t in ret.tables]
    return whole


def capture_quarter(db: Database, quarter: Quarter, *, today: dt.date) -> dict[str, Any]:
    """One quarter's records, its two returns and its check items, tagged (see the top)."""
    with db.session() as s:
        records = collect_records(s, quarter, full_ids=True)
        masked = quarter_rows(s, quarter, cover_fields=COVER)
        whole = quarter_rows(s, quarter, cover_fields=COVER, full_ids=True)
        items = check_quarter(s, quarter, today=today, cover_fields={"unit_head": "王建国"})
    return {
        "records": tagged(records),
        "return": tagged(_return(masked)),
        "return_full_ids": tagged(_return(whole)),
        "check": [
            [i.level.name, i.message, i.kind, i.record_id, i.field] for i in items
        ],  # fmt: skip
    }


def capture(db: Database, quarters: list[Quarter], *, today: dt.date) -> dict[str, Any]:
    return {str(q): capture_quarter(db, q, today=today) for q in quarters}


def text(captured: dict[str, Any]) -> str:
    """The canonical text of a capture: equal texts, equal returns."""
    return json.dumps(captured, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def first_difference(kept: Any, now: Any, path: str = "") -> str | None:
    """Where two captures first differ (``2026Q3/return/tables/1/rows/17/4``), and how."""
    if type(kept) is not type(now):
        return f"{path}: {kept!r} → {now!r}"
    if isinstance(kept, dict):
        for key in sorted(set(kept) | set(now)):
            if key not in kept or key not in now:
                return f"{path}/{key}: only {'now' if key in now else 'before'}"
            found = first_difference(kept[key], now[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(kept, list):
        for n, (a, b) in enumerate(zip(kept, now, strict=False)):
            found = first_difference(a, b, f"{path}/{n}")
            if found:
                return found
        if len(kept) != len(now):
            return f"{path}: {len(kept)} items before, {len(now)} now"
        return None
    return None if kept == now else f"{path}: {kept!r} → {now!r}"


# --- the consortia ---------------------------------------------------------------------


def build_sample(db: Database) -> None:
    from tests.returns import sample

    sample.build(db)


def build_demo(db: Database) -> None:
    from ylt_desktop.demo import build_demo

    build_demo(db, today=DEMO_TODAY)


def build_bench(db: Database) -> None:
    from bench.generate import generate

    generate(db, **BENCH_SIZE)


CONSORTIA = {
    "sample": (build_sample, SAMPLE_QUARTERS, dt.date(2026, 11, 1)),
    "demo": (build_demo, DEMO_QUARTERS, DEMO_TODAY),
    "bench": (build_bench, BENCH_QUARTERS, dt.date(2026, 11, 1)),
}


def capture_consortium(name: str, db: Database) -> dict[str, Any]:
    """Build the consortium ``name`` into the empty ``db`` and capture its quarters."""
    build, quarters, today = CONSORTIA[name]
    build(db)
    return capture(db, quarters, today=today)


def kept_path(name: str) -> Path:
    return FOLDER / f"{name}.json.gz"


def read_kept(name: str) -> dict[str, Any]:
    with gzip.open(kept_path(name), "rt", encoding="utf-8") as f:
        return json.load(f)


def write_kept(name: str, captured: dict[str, Any]) -> None:
    FOLDER.mkdir(exist_ok=True)
    # mtime=0: the same capture gives the same bytes (no diff in git when nothing changed)
    with open(kept_path(name), "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(text(captured).encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the kept captures again")
    parser.add_argument("--only", choices=list(CONSORTIA), action="append")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or list(CONSORTIA):
            db = open_database(Path(tmp) / f"{name}.sqlite")
            try:
                captured = capture_consortium(name, db)
            finally:
                db.close()
            if args.update:
                write_kept(name, captured)
                print(f"{name}: written to {kept_path(name)}")
            else:
                found = first_difference(read_kept(name), json.loads(text(captured)))
                print(f"{name}: {'the same' if found is None else 'differs at ' + found}")


if __name__ == "__main__":
    main()
