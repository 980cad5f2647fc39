"""A text too long for one page (a 备注 or 协议名称 pasted from a document) no longer stops the
export: platypus could not place a row taller than a page (LayoutError, no return at all; the
command line printed a traceback). The row goes on in the rows below it, on the next page if
need be, and every character is printed."""

from __future__ import annotations

import dataclasses
import re

from pypdf import PdfReader

from tests.returns.sample import Q3
from ylt_desktop.returns.pdf import write_pdf
from ylt_desktop.returns.pdf_table import FRAME_HEIGHT, TableLayout
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.store import agreements as agreement_store
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store.models import Agreement, Rotation

NOTE = "".join(f"第{n}段备注内容。" for n in range(1, 700))  # ~6,000 characters
TITLE = "".join(f"协议名称第{n}节" for n in range(1, 400))


def _lengthen(db) -> None:  # noqa: ANN001
    with db.session() as s:
        rid = db.ids["r1"]
        data = rotation_store.to_data(s.get(Rotation, rid))
        rotation_store.update_rotation(s, rotation_id=rid, data=data, note=NOTE)
    with db.session() as s:
        aid = db.ids["g1"]
        data = dataclasses.replace(agreement_store.to_data(s.get(Agreement, aid)), title=TITLE)
        agreement_store.update_agreement(s, agreement_id=aid, data=data)


def test_a_row_taller_than_a_page_is_printed_whole(sample_db, tmp_path) -> None:  # noqa: ANN001
    _lengthen(sample_db)
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={})
    path = tmp_path / "r.pdf"
    write_pdf(ret, path)  # raised LayoutError
    pages = PdfReader(str(path)).pages
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pages))
    # Pieces on several pages, each under the caption and header again: what a page holds
    # is whole, in order (a piece broken at a page's end is counted out).
    assert text.count("段备注内容。") >= 699 - len(pages) and "第699段备注内容。" in text
    assert text.count("节协议名称第") >= 398 - len(pages)
    for table in ret.tables:
        layout = TableLayout(table, 770)
        assert max(layout.heights, default=0) < FRAME_HEIGHT
        assert len(layout.heights) - layout.total_count >= len(table.rows)
        for c, column in enumerate(table.columns):
            shown = "".join(line for cells in layout.cells if cells and cells[c]
                            for _x, line in cells[c].lines)  # fmt: skip
            for long in (NOTE, TITLE):
                if any(long in str(row[c]) for row in table.rows):
                    assert long in shown, column.header


def test_a_long_note_without_chinese_leaves_the_other_columns_their_width(sample_db) -> None:  # noqa: ANN001
    """A 备注 column holding no Chinese (a pasted link, an English sentence, a list of codes)
    was laid out as a column that never wraps: one long note asked for its whole length, and
    every other column of 表2 was shrunk with it to slivers (names, dates and days broken
    character by character, on every page of the table). The long text wraps instead."""
    from ylt_desktop.returns.pdf import register_font
    from ylt_desktop.returns.pdf_measure import measurer
    from ylt_desktop.returns.pdf_table import MARGIN, PAD, PAGE_SIZE

    register_font()
    note = "See https://example.org/rotation/records?id=1234&page=2 for the duty roster. " * 6
    with sample_db.session() as s:
        rid = sample_db.ids["r1"]
        data = rotation_store.to_data(s.get(Rotation, rid))
        rotation_store.update_rotation(s, rotation_id=rid, data=data, note=note)
    with sample_db.session() as s:
        ret = quarter_rows(s, Q3, cover_fields={})
    table = next(t for t in ret.tables if "备注" in [c.header for c in t.columns])
    notes = [c.header for c in table.columns].index("备注")
    assert note.strip() in [row[notes] for row in table.rows]
    assert not any(ch > "\u2e7f" for row in table.rows for ch in str(row[notes] or ""))
    layout = TableLayout(table, PAGE_SIZE[0] - 2 * MARGIN, ret.header_breaks)  # as the PDF
    measure = measurer()
    for c, column in enumerate(table.columns):
        if column.kind in ("int", "float", "date"):  # never broken mid-number
            longest = max(measure(str(row[c])) for row in table.rows if row[c] is not None)
            assert layout.widths[c] >= longest + 2 * PAD, column.header
