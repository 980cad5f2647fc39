"""Size: the one-folder bundle and the Windows installer, when they were built here.

Build the bundle first (PyInstaller, as scripts/build does, without its set-up step):
    .venv/bin/pyinstaller --noconfirm --clean --log-level WARN build.spec
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from bench.common import Context, figure, part


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())


@part("size", order=90)
def bench_size(ctx: Context) -> None:
    """the bundle's and the installer's size"""
    dist = ctx.root / "dist"
    bundle = dist / "ylt-desktop"
    if bundle.is_dir():
        figure("bundle", f"{folder_bytes(bundle) / 1e6:.0f} MB in {bundle}")
    else:
        figure("bundle", f"not built here ({bundle} missing; see bench/size.py)")
    setups = sorted(dist.glob("ylt-desktop-*-setup.exe"))
    for setup in setups:
        figure(f"installer {setup.name}", f"{setup.stat().st_size / 1e6:.0f} MB")
    if not setups:
        figure("installer", "not built here (Inno Setup, on Windows: packaging/windows); it "
               "packs the bundle above, compressed")  # fmt: skip
    charts = importlib.util.find_spec("PySide6.QtCharts") is not None
    figure(
        "charts",
        "drawn with QPainter and reportlab.graphics; PySide6-Addons (QtCharts) "
        + ("installed in this environment but not used" if charts else "not installed, not needed"),
    )
