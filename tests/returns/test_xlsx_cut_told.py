"""A 备注 longer than one Excel cell holds is cut in the workbook (9d925f2: the text that fits,
then "…（超出Excel单元格长度上限，以下从略）"), while the PDF prints it whole. Only the
pre-export check (检查), which the clerk need not run, said so: the export said 已保存 and a
workbook not matching the signed PDF went to the lead. The export now tells it, as it tells
of the PDF's rare characters (``notes``: the exported box, ``ylt export``'s 警告 lines)."""

from __future__ import annotations

import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns.excel_text import CUT_MARK, MAX_TEXT
from ylt_desktop.returns.files import export_quarter
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store.models import Rotation, Staff

LONG = "甲" * (MAX_TEXT + 10)  # cut in the workbook, whole in the PDF


def _lengthen(db) -> str:  # noqa: ANN001
    with db.session() as s:
        rotation = s.get(Rotation, db.ids["r1"])
        name = s.get(Staff, rotation.staff_id).name
        data = rotation_store.to_data(rotation)
        rotation_store.update_rotation(s, rotation_id=db.ids["r1"], data=data, note=LONG)
    return name


@pytest.mark.parametrize("files", ["both", "xlsx"])
def test_the_export_tells_of_a_note_cut_in_the_workbook(sample_db, tmp_path, files) -> None:  # noqa: ANN001
    name = _lengthen(sample_db)
    notes: list[str] = []
    with sample_db.session() as s:
        paths = export_quarter(
            s, Q3, tmp_path, cover_fields={}, pdf=files == "both", notes=notes, check=False
        )
    assert paths
    said = [n for n in notes if "Excel" in n]
    assert len(said) == 1 and name in said[0] and "备注" in said[0], notes
    assert LONG not in "".join(notes)  # named, not repeated


def test_a_pdf_alone_says_nothing_of_excel(sample_db, tmp_path) -> None:  # noqa: ANN001
    _lengthen(sample_db)
    notes: list[str] = []
    with sample_db.session() as s:
        export_quarter(s, Q3, tmp_path, cover_fields={}, xlsx=False, notes=notes, check=False)
    assert not [n for n in notes if "Excel" in n]
    assert CUT_MARK  # the mark the workbook shows
