"""What every bench part shares: the registry of parts, the run's context, timing (wall and
CPU, medians, interleaved against a floor) and the printing of targets.

A part is a function ``fn(ctx: Context) -> None`` in any module of ``bench/`` (run.py imports
them all), registered with ``@part("name")``; ``bench/run.py --only name`` runs it alone.
It prints its figures with :func:`figure` and its targets with :func:`target`, which also
collects them for the summary run.py prints at the end (``--markdown`` for the README).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COVER = {"unit_head": "王建国", "stats_head": "李芳", "preparer": "张敏", "phone": "0792-2221234"}


# ---------------------------------------------------------------- the run's context


@dataclass
class Context:
    """What a part gets: the generated bench consortium and where to write."""

    runs: int
    folder: Path  # the run's scratch folder (kept with --keep)
    db_path: Path  # the bench consortium (bench/generate.py)
    out: Path  # a folder for exported files
    quarter: object  # ylt_desktop.domain.periods.Quarter: the quarter generated last
    root: Path = field(default_factory=lambda: Path(__file__).resolve().parent.parent)

    def open(self):  # noqa: ANN201
        """The bench database, opened as the program opens it."""
        from ylt_desktop.store.db import open_database

        return open_database(self.db_path)

    def env(self) -> dict[str, str]:
        """The environment for a child Python: this tree's ``ylt_desktop`` first, offscreen."""
        path = os.pathsep.join(p for p in (str(self.root), os.environ.get("PYTHONPATH")) if p)
        return dict(os.environ, PYTHONPATH=path, QT_QPA_PLATFORM="offscreen")


@dataclass
class Part:
    name: str
    fn: Callable[[Context], None]
    order: int
    default: bool
    help: str


PARTS: dict[str, Part] = {}


def part(
    name: str, *, order: int = 50, default: bool = True
) -> Callable[[Callable[[Context], None]], Callable[[Context], None]]:
    """Register ``fn(ctx)`` as the bench part ``name``. Parts run by ``order`` (then name);
    a part with ``default=False`` runs only when named with ``--only``."""

    def register(fn: Callable[[Context], None]) -> Callable[[Context], None]:
        if name in PARTS:
            raise ValueError(f"bench part {name!r} registered twice")
        doc = (fn.__doc__ or "").strip().split("\n")[0]
        PARTS[name] = Part(name, fn, order, default, doc)
        return fn

    return register


# ---------------------------------------------------------------- timing


@dataclass(frozen=True)
class Sample:
    """One measurement: wall seconds, CPU seconds of this process and its waited-for
    children (work done in helper processes counts), and of this process alone."""

    wall: float
    cpu: float
    own: float = 0.0

    @property
    def children(self) -> float:
        return self.cpu - self.own


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _own() -> float:
    t = os.times()
    return t.user + t.system


def measure(fn: Callable[[], object]) -> Sample:
    cpu, own, started = _cpu(), _own(), time.perf_counter()
    fn()
    return Sample(time.perf_counter() - started, _cpu() - cpu, _own() - own)


def median_sample(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        statistics.median(s.own for s in samples),
    )


def median_of(runs: int, fn: Callable[[], object]) -> float:
    """Median wall seconds of ``runs`` calls."""
    return statistics.median(measure(fn).wall for _ in range(runs))


def interleaved(runs: int, fns: dict[str, Callable[[], object]]) -> dict[str, Sample]:
    """Median wall and CPU time of each function, the functions called in turn ``runs``
    times (after one untimed warm-up call each), so that a slow spell of a shared machine
    hits every side alike."""
    for fn in fns.values():
        fn()
    samples: dict[str, list[Sample]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            samples[name].append(measure(fn))
    return {name: median_sample(s) for name, s in samples.items()}


# ---------------------------------------------------------------- printing


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    floor: float | None  # None: an absolute target
    limit: float  # the ratio (or the absolute value) not to exceed
    unit: str
    note: str

    @property
    def ratio(self) -> float | None:
        return None if self.floor is None else self.value / self.floor

    @property
    def met(self) -> bool:
        return (self.value if self.floor is None else self.ratio) <= self.limit

    def line(self) -> str:
        mark = "met" if self.met else "NOT MET"
        if self.floor is None:
            text = f"{self.value:.2f} {self.unit} (target <= {self.limit:g} {self.unit})"
        else:
            text = (
                f"{self.value:.2f} {self.unit}; floor {self.floor:.2f} {self.unit}; "
                f"ratio {self.ratio:.2f} (target <= {self.limit:g})"
            )
        return f"TARGET {self.name}: {text} [{mark}]" + (f" — {self.note}" if self.note else "")


TARGETS: list[Target] = []
FIGURES: list[tuple[str, str]] = []


def target(
    name: str,
    value: float,
    *,
    limit: float,
    floor: float | None = None,
    unit: str = "s",
    note: str = "",
) -> Target:
    """Print a target (a ratio to ``floor`` when given, else an absolute limit) and keep it
    for the summary."""
    t = Target(name, value, floor, limit, unit, note)
    TARGETS.append(t)
    print(t.line(), flush=True)
    return t


def figure(name: str, text: str) -> None:
    """Print a figure that has no target (kept for the summary too)."""
    FIGURES.append((name, text))
    print(f"{name}: {text}", flush=True)


def cpu_note(s: Sample) -> str:
    return f"wall {s.wall:.2f} s, CPU {s.cpu:.2f} s"


def summary(markdown: bool) -> None:
    if not TARGETS and not FIGURES:
        return
    print()
    if markdown:
        print("| what | figure | floor | ratio | target | met |")
        print("|---|---|---|---|---|---|")
        for t in TARGETS:
            floor = "" if t.floor is None else f"{t.floor:.2f} {t.unit}"
            ratio = "" if t.ratio is None else f"{t.ratio:.2f}"
            limit = f"≤ {t.limit:g}" + ("" if t.floor is not None else f" {t.unit}")
            note = f" ({t.note})" if t.note else ""
            print(
                f"| {t.name} | {t.value:.2f} {t.unit}{note} | {floor} | {ratio} | {limit} | "
                f"{'yes' if t.met else '**no**'} |"
            )
        for name, text in FIGURES:
            print(f"| {name} | {text} | | | | |")
        return
    print("summary:")
    for t in TARGETS:
        print("  " + t.line())
    for name, text in FIGURES if not TARGETS else ():
        print(f"  {name}: {text}")
    if TARGETS:
        print(f"  {sum(t.met for t in TARGETS)} of {len(TARGETS)} targets met")
