"""The lead's exported files, as text: every cell of the workbook and the PDF's text, to prove
that a change for members' databases leaves the lead's return exactly as it was.

A capture holds, per quarter of the demo consortium (built on ``return_capture.DEMO_TODAY``):
the file names ``export_quarter`` writes, every sheet's cells (value with its type, number
format), merged ranges and print titles, and the PDF's text page by page (pypdf), the
generation time in the footer replaced by ``<time>``. ``test_lead_files_unchanged.py``
compares the demo with ``captures/demo_files.json.gz``, written with main's code before the
member's own return (memret) existed. When the lead's return is meant to change:

    python -m tests.returns.file_capture --update
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from tests.returns.return_capture import (
    COVER,
    FOLDER,
    build_demo,
    first_difference,
    tagged,
    text,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store.db import Database, open_database

QUARTERS = [Quarter(2025, 4), Quarter(2026, 3)]
KEPT = FOLDER / "demo_files.json.gz"
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def workbook_text(path: Path) -> dict[str, Any]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheets = {}
    for ws in book.worksheets:
        cells = [
            [c.coordinate, tagged(c.value), c.number_format]
            for row in ws.iter_rows()
            for c in row
            if c.value is not None
        ]
        sheets[ws.title] = {
            "cells": cells,
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "print_titles": str(ws.print_title_rows or ""),
            "header": ws.oddHeader.center.text or "",
            "footer": ws.oddFooter.center.text or "",
        }
    return {"sheets": list(book.sheetnames), "content": sheets}


def pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [_TIME.sub("<time>", page.extract_text()) for page in PdfReader(str(path)).pages]


def capture_files(db: Database, out: Path, quarters: list[Quarter] = QUARTERS) -> dict[str, Any]:
    from ylt_desktop.returns.files import export_quarter

    captured = {}
    for q in quarters:
        folder = out / str(q)
        with db.session() as s:
            paths = export_quarter(s, q, folder, cover_fields=COVER, check=False, parallel=False)
        xlsx, pdf = paths
        captured[str(q)] = {
            "names": [p.name for p in paths],
            "xlsx": workbook_text(xlsx),
            "pdf": pdf_text(pdf),
        }
    return captured


def capture_demo(tmp: Path) -> dict[str, Any]:
    db = open_database(tmp / "demo.sqlite")
    try:
        build_demo(db)
        return json.loads(text(capture_files(db, tmp / "files")))
    finally:
        db.close()


def read_kept() -> dict[str, Any]:
    with gzip.open(KEPT, "rt", encoding="utf-8") as f:
        return json.load(f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the kept capture again")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        captured = capture_demo(Path(tmp))
    if args.update:
        with open(KEPT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
            f.write(text(captured).encode("utf-8"))
        print(f"written to {KEPT}")
    else:
        found = first_difference(read_kept(), captured)
        print("the same" if found is None else f"differs at {found}")


if __name__ == "__main__":
    main()
