"""Issue #11, case 11: files made to exhaust memory or time are refused before parsing.

The real limits are tried where the file stays small (rows, shared strings, a 2 GB sheet
declared in the zip directory); sizes that would need real gigabytes are tried with small
limits. Each refusal goes through ``ylt import`` (exit 2) and leaves the database unchanged.
"""

from __future__ import annotations

import dataclasses
import zipfile

import pytest

from tests.importing.bombs import (
    sheet_xml,
    strings_xml,
    village_rows,
    write_xlsx,
)
from tests.importing.conftest import dump
from tests.importing.test_hostile_input import ylt_import
from ylt_desktop.importing import ImportFileError, import_file, reader

SHEET = "xl/worksheets/sheet1.xml"


def refused(db, path, capsys) -> str:  # noqa: ANN001
    """Refused by ``ylt import`` and by a dry run, nothing written; the CLI's message."""
    before = dump(db)
    with pytest.raises(ImportFileError):
        import_file(db, "institutions", path)
    code, out, err = ylt_import(db, "institutions", path, capsys)
    assert code == 2 and out == ""
    assert err.startswith("错误\t文件过大：") and "数据库未作任何修改" in err
    assert dump(db) == before
    return err


def small(monkeypatch, **limits) -> None:  # noqa: ANN001, ANN003
    monkeypatch.setattr(reader, "LIMITS", dataclasses.replace(reader.LIMITS, **limits))


def test_a_sheet_declaring_2_gb_is_refused_from_the_zip_directory(tmp_path, lead_db, capsys):  # noqa: ANN001
    path = write_xlsx(tmp_path / "bomb.xlsx", declared={SHEET: 2 << 30})
    with zipfile.ZipFile(path) as zf:  # the header says 2 GB; the file holds a few hundred bytes
        assert zf.getinfo(SHEET).file_size == 2 << 30 and path.stat().st_size < 5000
    err = refused(lead_db, path, capsys)
    assert "其中一个工作表解压后约 2.0 GB，超过上限 256 MB" in err


def test_a_sheet_that_inflates_past_the_limit(tmp_path, lead_db, capsys, monkeypatch):  # noqa: ANN001
    """A real, highly compressible sheet: 3 MB of rows in a zip of a few kB."""
    path = write_xlsx(tmp_path / "inflate.xlsx", sheet=sheet_xml(["<row/>" * 500_000]))
    assert path.stat().st_size < 50_000
    small(monkeypatch, sheet_bytes=1 << 20)
    assert "其中一个工作表解压后约 3 MB，超过上限 1 MB" in refused(lead_db, path, capsys)


def test_other_parts_and_the_total_are_bounded(tmp_path, lead_db, capsys, monkeypatch):  # noqa: ANN001
    styles = {"xl/styles.xml": b"<styleSheet>" + b" " * (3 << 20) + b"</styleSheet>"}
    path = write_xlsx(tmp_path / "styles.xlsx", extra=styles)
    small(monkeypatch, part_bytes=1 << 20)
    assert "其中的部件“xl/styles.xml”解压后约 3 MB，超过上限 1 MB" in refused(lead_db, path, capsys)
    many = {f"xl/media/image{i}.png": b"\0" * (1 << 20) for i in range(3)}
    path = write_xlsx(tmp_path / "total.xlsx", extra=many)
    small(monkeypatch, part_bytes=2 << 20, total_bytes=2 << 20)
    assert "解压后约 3 MB，超过上限 2 MB" in refused(lead_db, path, capsys)
    small(monkeypatch, members=5)
    assert "含有 9 个部件，超过上限 5 个" in refused(lead_db, path, capsys)


def test_too_many_shared_strings(tmp_path, lead_db, capsys):  # noqa: ANN001
    """The real limit: 1,200,000 empty strings (15 MB of XML, 60 kB zipped) are refused after
    counting, before openpyxl would load them all."""
    path = write_xlsx(tmp_path / "strings.xlsx", strings=strings_xml(1_200_000))
    assert path.stat().st_size < 200_000
    err = refused(lead_db, path, capsys)
    assert "含有超过 1,000,000 个不同的文字内容（上限 1,000,000 个）" in err


def test_a_sheet_over_the_row_limit(tmp_path, lead_db, capsys):  # noqa: ANN001
    """The real limit: 200,001 data rows under the header (bare <row/>s, 1.2 MB of XML)."""
    path = write_xlsx(tmp_path / "rows.xlsx", sheet=sheet_xml(["<row/>"] * 200_001))
    assert "其中一个工作表有超过 200,000 行（上限 200,000 行）" in refused(lead_db, path, capsys)


def test_a_sheet_at_the_row_limit_is_read(tmp_path, lead_db, monkeypatch):  # noqa: ANN001
    small(monkeypatch, rows=3)
    path = write_xlsx(tmp_path / "ok.xlsx", sheet=sheet_xml(village_rows(2)))
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert (report.new, report.rejected) == (2, 0)


def test_entity_expansion_is_refused(tmp_path, lead_db, capsys):  # noqa: ANN001
    """Billion laughs in the shared strings: the XML parser refuses to expand it."""
    doctype = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">'
               + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">'
                         for p, c in zip("abcdefgh", "bcdefghi", strict=True))
               + "]>")  # fmt: skip
    strings = [strings_xml(0, doctype=doctype).__next__() + b"<si><t>&i;</t></si></sst>"]
    path = write_xlsx(tmp_path / "laughs.xlsx", strings=strings)
    before = dump(lead_db)
    code, _out, err = ylt_import(lead_db, "institutions", path, capsys)
    assert code == 2 and "已损坏或不是有效的 Excel 工作簿" in err
    assert dump(lead_db) == before


def test_a_huge_declared_dimension_is_ignored(tmp_path, lead_db):  # noqa: ANN001
    """<dimension ref="A1:XFD1048576"/> does not make the reader fill 17 billion cells."""
    path = write_xlsx(tmp_path / "dim.xlsx",
                      sheet=sheet_xml(village_rows(2), dimension="A1:XFD1048576"))  # fmt: skip
    report = import_file(lead_db, "institutions", path)
    assert (report.new, report.rejected) == (2, 0)
