"""Every file of tests/data/bad/ gives its expected message, never a crash or a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.importing import ImportFileError, import_file
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store.db import open_database

BAD = Path(__file__).resolve().parent.parent / "data" / "bad"
CASES = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):  # noqa: ANN001, ANN201
    folder = tmp_path_factory.mktemp("corpus")
    db = open_database(folder / "ylt.sqlite")
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428", lead=lead)
    rows = [INST_HEADER, village(1), village(2)]
    import_file(db, "institutions", write_book(folder / "v.xlsx", rows), dry_run=False)
    yield db
    db.close()


def test_the_corpus_is_complete_and_small():
    files = {p.name for p in BAD.iterdir()} - {"expected.json"}
    assert len(CASES) >= 40 and files == {c["file"] for c in CASES}
    assert sum(p.stat().st_size for p in BAD.iterdir()) < 2 * 1024 * 1024


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_file(corpus_db, case):  # noqa: ANN001
    path = BAD / case["file"]
    if case["expect"] == "file":
        with pytest.raises(ImportFileError) as info:
            import_file(corpus_db, case["kind"], path)
        assert case["message"] in str(info.value)
        return
    report = import_file(corpus_db, case["kind"], path)
    shown = [str(p) for p in report.problems]
    if case["expect"] == "ok":
        assert report.rejected == 0 and report.new == case["new"], shown
        return
    assert report.rejected >= 1
    assert any(case["message"] in text for text in shown), shown
