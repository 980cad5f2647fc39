"""Benchmarks against the speed and memory targets (issue #18): prints medians, each target
with the floor measured in the same run and the ratio. Not a test: it reports figures, it
does not assert them.

    python -m bench.run [--runs 5] [--keep DIR] [--only NAME ...] [--markdown]
                        [--db postgresql://user@host/dbname]

Every module of ``bench/`` is imported and registers its parts with ``bench.common.part``;
``--only NAME`` (repeatable) runs those parts alone, ``--list`` names them all.
``--db postgresql://…`` also runs the parts that read the bench database through the program
(``bench/postgres.py: SERVER_PARTS``) on that server database, and times its export against
the SQLite file's.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import platform
import tempfile
import time
from pathlib import Path

import bench
from bench.common import PARTS, Context, summary

NOT_PARTS = {"run", "common", "generate", "postgres"}


def load_parts() -> None:
    for module in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if module.name not in NOT_PARTS and not module.name.startswith("_"):
            importlib.import_module(f"bench.{module.name}")


def main() -> None:
    load_parts()
    ordered = sorted(PARTS.values(), key=lambda p: (p.order, p.name))
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the generated database in this folder")
    parser.add_argument(
        "--only",
        choices=[p.name for p in ordered],
        action="append",
        help="run only these parts (repeatable); all but the optional ones by default",
    )
    parser.add_argument("--list", action="store_true", help="name the parts and stop")
    parser.add_argument("--markdown", action="store_true", help="summary as a README table")
    parser.add_argument(
        "--db",
        metavar="postgresql://…",
        help="also on this PostgreSQL database (the bench consortium is generated into it "
        "when it is empty)",
    )
    args = parser.parse_args()
    if args.list:
        for p in ordered:
            print(f"{p.name:12} {p.help}{'' if p.default else ' (only with --only)'}")
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, load {load:.1f}, "
        f"Python {platform.python_version()}"
    )
    from bench.generate import SIZES, act_as_bench, generate
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store.db import open_database

    act_as_bench()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        db_path = folder / "bench.sqlite"
        if not db_path.exists():
            started = time.perf_counter()
            # With its audit log, as every database the program wrote has one (the start's
            # saved overview is keyed by the newest entry; a database without is computed).
            quarter = generate(open_database(db_path), **SIZES[1])
            print(f"generated the bench consortium in {time.perf_counter() - started:.1f} s")
        else:
            quarter = Quarter(2026, 3)
        out = folder / "out"
        out.mkdir(exist_ok=True)
        ctx = Context(runs=args.runs, folder=folder, db_path=db_path, out=out, quarter=quarter)
        for p in ordered:
            if (p.name in args.only) if args.only else p.default:
                print(f"--- {p.name}: {p.help}", flush=True)
                p.fn(ctx)
        if args.db:
            from bench.postgres import on_server

            chosen = [p for p in ordered if ((p.name in args.only) if args.only else p.default)]
            on_server(ctx, args.db, chosen)
    summary(args.markdown)


if __name__ == "__main__":
    main()
