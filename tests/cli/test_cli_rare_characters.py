"""Review of 6b5c9d0: ``ylt export`` wrote a PDF with "〓" for a character its font lacks and
said nothing (only ``ylt check`` did): each such text is now a 警告 line on stderr."""

from __future__ import annotations

import dataclasses

from ylt_desktop.cli import main
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.load import load_quarter
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import Staff

Q = "2026Q3"


def test_export_warns_of_the_texts_printed_with_the_mark(demo_path, tmp_path, capsys) -> None:  # noqa: ANN001
    db = open_database(demo_path)
    try:
        with db.session() as s:
            person = load_quarter(s, Quarter.parse(Q)).rotations[0].staff
            name = person.name[:1] + "𬭚"
            data = dataclasses.replace(staff_store.to_data(s.get(Staff, person.id)), name=name)
            staff_store.update_staff(s, staff_id=person.id, data=data)
    finally:
        db.close()
    out = tmp_path / "out"
    code = main(["export", "--quarter", Q, "--out", str(out), "--db", str(demo_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    marked = [line for line in captured.err.splitlines() if "〓" in line]
    assert marked and all(line.startswith("警告\t") for line in marked)
    assert any(name in line for line in marked)
    # The workbook alone prints no mark: nothing to say.
    code = main(["export", "--quarter", Q, "--out", str(out), "--db", str(demo_path),
                 "--xlsx-only"])  # fmt: skip
    assert code == 0 and "〓" not in capsys.readouterr().err


def test_a_submitted_quarters_re_export_warns_too(demo_path, tmp_path, capsys) -> None:  # noqa: ANN001
    """A 已报送 quarter re-exports its frozen records, without the records read the notes came
    from: it printed the mark and said nothing."""
    from ylt_desktop.returns import snapshot

    db = open_database(demo_path)
    try:
        with db.session() as s:
            person = load_quarter(s, Quarter.parse(Q)).rotations[0].staff
            name = person.name[:1] + "𠀾"  # U+2003E, CJK Extension B
            data = dataclasses.replace(staff_store.to_data(s.get(Staff, person.id)), name=name)
            staff_store.update_staff(s, staff_id=person.id, data=data)
        with db.session() as s:
            snapshot.submit(s, quarter=Quarter.parse(Q), by="审核员")
    finally:
        db.close()
    code = main(["export", "--quarter", Q, "--out", str(tmp_path / "out"), "--db",
                 str(demo_path), "--pdf-only"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0, captured.err
    marked = [line for line in captured.err.splitlines() if "〓" in line]
    assert any(line.startswith("警告\t") and name in line for line in marked), captured.err
