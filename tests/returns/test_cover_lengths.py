"""A cover field far too long for the cover (a paragraph pasted into 填报单位 or a name field)
stopped the PDF with reportlab's LayoutError — no return, a traceback on the command line.
Each field now has a length (a unit's name 100, a person's 30, the phone 40): the check says
which field is too long as an error, and the export refuses before anything is written, also
for a submitted quarter, whose figures are frozen but whose cover is typed anew."""

from __future__ import annotations

import pytest

from tests.returns.sample import Q3
from ylt_desktop.returns.check import COVER_MAX, check_quarter
from ylt_desktop.returns.files import ExportBlocked, export_quarter
from ylt_desktop.store.quarters import submit_quarter

LONG_UNIT = "某某县某某镇某某卫生院" * 100


def test_the_check_names_the_field_and_its_length(sample_db) -> None:  # noqa: ANN001
    cover = {"filler_unit": LONG_UNIT, "unit_head": "王" * 31, "preparer": "张敏"}
    with sample_db.session() as s:
        items = check_quarter(s, Q3, cover_fields=cover)
    errors = [i for i in items if i.is_error and i.kind == "cover"]
    assert {i.field for i in errors} == {"filler_unit", "unit_head"}
    unit = next(i for i in errors if i.field == "filler_unit")
    assert (
        "填报单位" in unit.message and f"不能超过 {COVER_MAX['filler_unit']} 个字" in unit.message
    )
    cover["unit_head"] = "王" * COVER_MAX["unit_head"]  # at the length: fine
    cover["filler_unit"] = "某" * COVER_MAX["filler_unit"]
    with sample_db.session() as s:
        assert not [i for i in check_quarter(s, Q3, cover_fields=cover) if i.is_error]


@pytest.mark.parametrize("submitted", [False, True])
def test_the_export_refuses_before_writing(sample_db, tmp_path, submitted) -> None:  # noqa: ANN001
    if submitted:
        with sample_db.session() as s:
            submit_quarter(s, quarter=Q3, by="审核人")
    out = tmp_path / "out"
    out.mkdir()
    with sample_db.session() as s, pytest.raises(ExportBlocked) as refused:
        export_quarter(s, Q3, out, cover_fields={"filler_unit": LONG_UNIT})  # LayoutError
    assert "填报单位" in str(refused.value)
    assert list(out.iterdir()) == []
