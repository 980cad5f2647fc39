"""The lead's return files are exactly what they were before a member's database got its
own return (memret): every cell of the workbook and the PDF's text of the demo consortium,
against ``captures/demo_files.json.gz`` written with main's code before that change
(``file_capture.py``)."""

from __future__ import annotations

from pathlib import Path

from tests.returns.file_capture import capture_demo, read_kept
from tests.returns.return_capture import first_difference


def test_the_leads_files_are_unchanged(tmp_path: Path) -> None:
    kept = read_kept()
    now = capture_demo(tmp_path)
    assert set(now) == set(kept)
    assert all(kept[q]["pdf"] and kept[q]["xlsx"]["sheets"] for q in kept)  # not empty
    where = first_difference(kept, now)
    assert where is None, f"the lead's exported files differ at {where}"
