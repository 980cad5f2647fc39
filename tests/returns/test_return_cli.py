"""``ylt check``, ``ylt export``, ``ylt submit`` and ``ylt reopen`` on the sample consortium."""

from __future__ import annotations

import stat

from pypdf import PdfReader

from tests.cli.conftest import no_english_printed  # noqa: F401 - every line ylt prints is Chinese
from ylt_desktop.cli import main
from ylt_desktop.store import quarters
from ylt_desktop.store.models import Institution


def test_check_export_submit(sample_db, tmp_path, capsys):  # noqa: ANN001
    db = sample_db.location
    assert main(["check", "--quarter", "2026Q3", "--db", db]) == 0
    out = tmp_path / "out"
    assert main(["export", "--quarter", "2026q3", "--db", db, "--out", str(out), "--pdf-only",
                 "--unit-head", "刘院长"]) == 0  # fmt: skip
    (pdf,) = out.iterdir()
    assert pdf.name == "测试县医共体_2026Q3_季度报表.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600  # owner-only: a return holds personal data
    assert "刘院长" in PdfReader(str(pdf)).pages[0].extract_text()
    assert main(["submit", "--quarter", "2026Q3", "--by", "审核员", "--db", db]) == 0
    assert main(["submit", "--quarter", "2026Q3", "--by", "审核员", "--db", db]) == 1
    assert (
        main(["reopen", "--quarter", "2026Q3", "--by", "审核员", "--reason", "更正", "--db", db])
        == 0
    )
    with sample_db.session() as s:
        assert not quarters.is_locked(s, "2026Q3")
        assert len(quarters.quarter_events(s, "2026Q3")) == 2


def test_errors_exit_1_and_block_export(sample_db, tmp_path, capsys):  # noqa: ANN001
    with sample_db.session() as s, s.begin():
        s.get(Institution, sample_db.ids["A"]).uscc = None
    db = sample_db.location
    capsys.readouterr()
    assert main(["check", "--quarter", "2026Q3", "--db", db]) == 1
    printed = capsys.readouterr().out
    assert f"错误\t成员单位 #{sample_db.ids['A']} " in printed
    out = tmp_path / "out"
    assert main(["export", "--quarter", "2026Q3", "--db", db, "--out", str(out)]) == 1
    assert not out.exists() or not list(out.iterdir())
