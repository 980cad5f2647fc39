"""How each figure grows from the bench consortium to one ten times larger (issue #18).

Both consortia come from ``bench/generate.py`` (cached in ``bench/.cache``). A step grows no
faster than linearly when its 10 × / 1 × ratio stays at or under 10 (the rows grow 10 ×).
Wall time on a shared machine swings with the load, so the CPU ratio is printed too.

    python -m bench.run --only scale
    python -m bench.scale [--runs 3]
"""

from __future__ import annotations

import argparse

from bench.common import Context, part, target
from bench.lists import RESULTS, ListFigures, bench_lists

LINEAR = 10.0


def report_growth(small: list[ListFigures], large: list[ListFigures]) -> None:
    """One target per list and step: the 10 × time over the 1 × time, <= 10 (linear)."""
    for a, b in zip(small, large, strict=True):
        for label, x, y in (
            ("build", a.build, b.build),
            ("filter a keystroke", a.filter, b.filter),
            ("sort", a.sort, b.sort),
            ("the rest read in parts", a.rest, b.rest),
        ):
            if x is None or y is None:
                continue
            cpu = y.cpu / x.cpu if x.cpu else float("inf")
            target(f"scale {a.name}: {label}, 10 × over 1 ×", y.wall, floor=x.wall,
                   limit=LINEAR, note=f"rows {a.rows:,} → {b.rows:,}; CPU ratio {cpu:.1f}")  # fmt: skip


@part("scale", order=45)
def bench_scale_part(ctx: Context) -> None:
    """every list at 1 × and 10 ×: how each step grows (no faster than linearly)"""
    bench_scale(ctx.runs)


def bench_scale(runs: int = 3) -> None:
    small = bench_lists(1, runs)
    large = RESULTS.get(10) or bench_lists(10, runs)
    report_growth(small, large)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    bench_scale(parser.parse_args().runs)


if __name__ == "__main__":
    main()
