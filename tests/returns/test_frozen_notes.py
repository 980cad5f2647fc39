"""A submitted quarter (已报送) re-exports its frozen figures, skipping the records read; the
export's notes (3cbfe45: texts the PDF prints with "〓"; 01c8696: 备注 the workbook cuts) were
collected from that read only, so a re-export of a return with "〓" said nothing. The notes now
come from what the re-export prints: the snapshot's records and the typed cover."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns import snapshot
from ylt_desktop.returns.excel_text import MAX_TEXT
from ylt_desktop.returns.files import export_quarter
from ylt_desktop.returns.load import load_quarter
from ylt_desktop.store import agreements as agreement_store
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Agreement, Rotation, Staff

Q = Quarter.last_finished(dt.date.today())
COVER = {"unit_head": "王𠀾", "preparer": "张敏"}  # U+2003E: CJK Extension B
LONG = "甲" * (MAX_TEXT + 10)


def _rename(s, staff_id: int, name: str) -> None:  # noqa: ANN001
    data = dataclasses.replace(staff_store.to_data(s.get(Staff, staff_id)), name=name)
    staff_store.update_staff(s, staff_id=staff_id, data=data)


def _mark_records(db) -> tuple[int, str, str]:  # noqa: ANN001
    """A person named with an Extension E character, their rotation's 备注 over one Excel
    cell, an agreement titled with a private-use character (a HIS's rare name character)."""
    with db.session() as s:
        data = load_quarter(s, Q)
        rotation, agreement = data.rotations[0], data.agreements[0]
        person_id, name = rotation.staff.id, rotation.staff.name[:1] + "𬭚"
        title = agreement.title + "\ue000"
        agreement_id = agreement.id
        rotation_id = rotation.id
    with db.session() as s:
        _rename(s, person_id, name)
        row = s.get(Rotation, rotation_id)
        rotation_store.update_rotation(
            s, rotation_id=rotation_id, data=rotation_store.to_data(row), note=LONG
        )
        a = s.get(Agreement, agreement_id)
        agreement_store.update_agreement(
            s, agreement_id=agreement_id, data=dataclasses.replace(agreement_store.to_data(a),
                                                                   title=title)
        )  # fmt: skip
    return person_id, name, title


def _export(db, folder, **kw) -> list[str]:  # noqa: ANN001, ANN003
    notes: list[str] = []
    with db.session() as s:
        assert export_quarter(s, Q, folder, cover_fields=COVER, notes=notes, **kw)
    return notes


def test_a_submitted_quarter_re_exports_with_the_same_notes(demo_db, tmp_path) -> None:  # noqa: ANN001
    person_id, name, title = _mark_records(demo_db)
    before = _export(demo_db, tmp_path / "open")
    assert any(name in n and "〓" in n for n in before)
    assert any(title in n for n in before)
    assert any("王𠀾" in n for n in before)
    assert any("Excel" in n and "备注" in n for n in before)
    with demo_db.session() as s:
        snapshot.submit(s, quarter=Q, by="审核员")
    assert _export(demo_db, tmp_path / "submitted") == before
    # Each file says its own: the workbook alone prints no "〓", the PDF alone cuts nothing.
    only_xlsx = _export(demo_db, tmp_path / "x", pdf=False)
    assert only_xlsx == [n for n in before if "Excel" in n and "〓" not in n]
    only_pdf = _export(demo_db, tmp_path / "p", xlsx=False)
    assert only_pdf == [n for n in before if "〓" in n]


def test_the_notes_follow_the_frozen_names_not_todays(demo_db, tmp_path) -> None:  # noqa: ANN001
    """The re-export prints the name as it was signed: a person renamed since still prints
    with "〓", and the clerk is told of that name."""
    person_id, name, _title = _mark_records(demo_db)
    with demo_db.session() as s:
        snapshot.submit(s, quarter=Q, by="审核员")
        _rename(s, person_id, name[:1] + "明")  # a person is no quarter's record: allowed
    notes = _export(demo_db, tmp_path, xlsx=False)
    assert any(name in n and "〓" in n for n in notes), notes
    assert not any(name[:1] + "明" in n for n in notes)
