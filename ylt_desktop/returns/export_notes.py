"""What an export tells the clerk of the files it wrote (``export_quarter(notes=)``): each text
the PDF prints with "〓" for a character its font lacks, and each 备注 the workbook cuts (longer
than an Excel cell holds; the PDF prints it whole). They are the pre-export check's own
warnings, so the exported box and ``ylt export``'s 警告 lines say them even without 检查.

An open quarter's notes come from the records read for the export (``QuarterData``); a
submitted one (已报送) re-exports its frozen records (``snapshot.py``), and its notes come from
those: the names as they were signed, which may differ from today's. 打印 paints what the PDF
prints, and its clerk hears the PDF's notes first (``printed_return``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.load import QuarterData
from ylt_desktop.returns.model import QuarterReturn

Records = dict[str, Any]


def export_notes(
    *,
    data: QuarterData | None,
    frozen: Records | None,
    cover_fields: dict[str, Any],
    xlsx: bool,
    pdf: bool,
) -> list[str]:
    """The notes of an export writing the workbook (``xlsx``) and/or the PDF (``pdf``), from
    the quarter's records (``data``) or, for a submitted quarter, its snapshot (``frozen``)."""
    notes: list[str] = []
    if pdf:
        notes += _glyph_notes(data, frozen, cover_fields)
    if xlsx:
        notes += _cut_notes(data, frozen)
    return notes


def _glyph_notes(data: QuarterData | None, frozen: Records | None, cover: dict) -> list[str]:
    from ylt_desktop.returns.check_glyphs import frozen_glyph_messages, glyph_items

    if frozen is not None:
        return frozen_glyph_messages(frozen, cover)
    return [i.message for i in glyph_items(data, cover)] if data is not None else []


def _cut_notes(data: QuarterData | None, frozen: Records | None) -> list[str]:
    from ylt_desktop.returns.check import excel_cut_items, note_cut_message, rotation_label
    from ylt_desktop.returns.excel_text import fits_a_cell

    if frozen is None:
        return [i.message for i in excel_cut_items(data)] if data is not None else []
    return [
        note_cut_message(
            r["note"],
            rotation_label(
                r.get("staff_name"),
                r.get("from_name"),
                r.get("to_name"),
                r.get("form"),
                r.get("start"),
            ),
        )  # fmt: skip
        for r in frozen.get("rotations", [])
        if not fits_a_cell(r.get("note") or "")
    ]


def printed_return(
    session: Session, quarter: Quarter, *, cover_fields: dict[str, Any], full_ids: bool = False
) -> tuple[QuarterReturn, list[str]]:
    """The return 打印 and 打印预览 paint (``ui/print_return.py``), and the notes the clerk
    hears first: the texts printed with "〓", as in the PDF (painted with the same font and
    the same substitution). The records are read once for both."""
    from ylt_desktop.returns import snapshot
    from ylt_desktop.returns.load import load_quarter
    from ylt_desktop.returns.rows import quarter_rows

    frozen = snapshot.load(session, quarter)
    data = None if frozen is not None else load_quarter(session, quarter)
    notes = export_notes(data=data, frozen=frozen, cover_fields=cover_fields, xlsx=False, pdf=True)
    ret = quarter_rows(
        session, quarter, cover_fields=cover_fields, full_ids=full_ids, data=data, frozen=frozen
    )
    return ret, notes
