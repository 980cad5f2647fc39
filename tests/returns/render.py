"""Test-only picture check: page 1 and the last page of a PDF as PNG files (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def page_count(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def render_first_and_last(pdf: Path, out_dir: Path, *, dpi: int = 60) -> tuple[Path, Path]:
    """Render page 1 and the last page; returns the two PNG paths."""
    if shutil.which("pdftoppm") is None:
        raise RuntimeError("pdftoppm (poppler-utils) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    last = page_count(pdf)
    made = []
    for page, name in ((1, "page1"), (last, "last")):
        prefix = out_dir / f"return-{name}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(prefix),
            ],
            check=True,
            capture_output=True,
        )
        made.append(prefix.with_suffix(".png"))
    return made[0], made[1]


if __name__ == "__main__":  # regenerate docs/return-*.png from the demo consortium
    import sys
    import tempfile

    from ylt_desktop.demo import build_demo
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.store.db import open_database

    DOC_COVER = {
        "unit_head": "刘建国",
        "stats_head": "王芳",
        "preparer": "陈敏",
        "phone": "0792-5551234",
        "report_date": "2026年10月12日",
    }
    quarter = Quarter.parse(sys.argv[1] if len(sys.argv) > 1 else "2026Q3")
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "demo.sqlite")
        build_demo(db)
        with db.session() as s:
            (pdf,) = export_quarter(
                s, quarter, Path(tmp), cover_fields=DOC_COVER, xlsx=False, check=False
            )
        for png in render_first_and_last(pdf, Path("docs")):
            print(png)
