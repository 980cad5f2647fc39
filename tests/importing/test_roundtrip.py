"""An exported return (whole ID numbers) imports back with no change to the database."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.importing.conftest import dump
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import import_file
from ylt_desktop.returns.files import export_quarter


@pytest.fixture(scope="module")
def demo(demo_files, tmp_path_factory):  # noqa: ANN001, ANN201
    """The demo consortium and its last finished quarter's return, made once for the module."""
    from ylt_desktop.store.db import open_database

    folder = tmp_path_factory.mktemp("roundtrip")
    db = open_database(demo_files.copy(folder / "demo.sqlite"))
    quarter = Quarter.last_finished(dt.date.today())
    with db.session() as s:
        (path,) = export_quarter(
            s,
            quarter,
            folder / "out",
            cover_fields={},
            full_ids=True,
            id_reason="往返测试",
            pdf=False,
            check=False,
        )
    yield db, path
    db.close()


@pytest.mark.parametrize("kind", ["institutions", "staff", "rotations", "agreements"])
def test_exported_return_imports_unchanged(demo, kind):  # noqa: ANN001
    demo_db, exported = demo
    report = import_file(demo_db, kind, exported)
    assert report.rows > 0
    assert (report.new, report.changed, report.rejected) == (0, 0, 0), report.problems[:5]
    assert report.quarter is not None  # from the file name: its volumes were compared too


def test_writing_the_round_trip_changes_nothing(demo):  # noqa: ANN001
    demo_db, exported = demo
    before = dump(demo_db)
    report = import_file(demo_db, "rotations", exported, dry_run=False)
    assert report.written and report.unchanged == report.rows
    after = dump(demo_db)
    assert after == before


def test_return_imports_into_a_fresh_database(demo, tmp_path):  # noqa: ANN001
    """表1, 表2 (new people with their rotations) and 表4 of the return fill an empty database
    with no rejection; a second import then changes nothing (issue 13: 在岗职工 may be
    empty)."""
    from ylt_desktop.store.db import open_database

    _demo_db, exported = demo
    fresh = open_database(tmp_path / "fresh.sqlite")
    try:
        for kind in ("institutions", "rotations", "agreements"):
            report = import_file(fresh, kind, exported, dry_run=False)
            assert report.written and report.rejected == 0, (kind, report.problems[:5])
            assert report.new == report.rows > 0, kind
        for kind in ("institutions", "rotations", "agreements"):
            report = import_file(fresh, kind, exported)
            assert (report.new, report.changed, report.rejected) == (0, 0, 0), kind
    finally:
        fresh.close()
