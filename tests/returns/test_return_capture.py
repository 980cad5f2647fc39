"""The return's content, cell for cell, as kept in ``tests/returns/captures/``: the sample,
demo and a small bench consortium, every table, 合计, cover, note, chart and check item of
several quarters, with masked and with whole identity numbers, and the records a submitted
quarter freezes (``return_capture.py`` says what is captured and how to write it again when
the content is meant to change). Guards the speed work on reading, check and assembly
(issue #18): none of it may change a cell. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.returns.return_capture import (
    CONSORTIA,
    capture_consortium,
    first_difference,
    read_kept,
    tagged,
    text,
)
from ylt_desktop.store.db import Database, open_database

D = dt.date


@contextmanager
def _empty(request: pytest.FixtureRequest, tmp_path: Path, engine: str) -> Iterator[Database]:
    if engine == "postgresql":
        from tests.conftest import pg_database

        with pg_database(request.getfixturevalue("pg_cluster"), request=request) as url:
            database = open_database(url)
            try:
                yield database
            finally:
                database.close()
        return
    database = open_database(tmp_path / "capture.sqlite")
    try:
        yield database
    finally:
        database.close()


@pytest.mark.parametrize("name", list(CONSORTIA))
def test_return_content_is_unchanged(name, request, tmp_path, db_engine) -> None:  # noqa: ANN001
    with _empty(request, tmp_path, db_engine) as db:
        now = json.loads(text(capture_consortium(name, db)))
    where = first_difference(read_kept(name), now)
    assert where is None, (
        f"the {name} consortium's return differs from its capture at {where}; if that change "
        "is meant, write the captures again: python -m tests.returns.return_capture --update"
    )


def test_a_changed_cell_is_found() -> None:
    kept = read_kept("sample")
    changed = json.loads(json.dumps(kept))
    table = changed["2026Q3"]["return"]["tables"][1]
    table["rows"][0][-1] = "改"
    assert first_difference(kept, kept) is None
    assert first_difference(kept, changed).startswith("/2026Q3/return/tables/1/rows/0/")
    # a cell's type counts: 1 and 1.0 print alike in Excel, not in the PDF
    assert first_difference(tagged([1, D(2026, 7, 1)]), tagged([1.0, D(2026, 7, 1)]))
    assert first_difference(tagged([D(2026, 7, 1)]), tagged(["2026-07-01"]))
