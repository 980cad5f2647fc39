"""The PostgreSQL half of the suite on a machine without PostgreSQL: skipped with the reason in
pytest's summary, or a failure when ``YLT_REQUIRE_POSTGRES=1`` (scripts/test, so CI never skips
it). Run as a child pytest with ``YLT_PG_BIN`` pointing at a folder without ``initdb``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = "tests/store/test_engines.py::test_audit_entries_are_numbered_one_after_another"


def _child(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "YLT_REQUIRE_POSTGRES"}
    environ.update(YLT_PG_BIN=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q",
         f"--basetemp={tmp_path / 'child'}", ONE_TEST],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_without_postgresql_the_half_is_skipped_with_the_reason(tmp_path) -> None:  # noqa: ANN001
    done = _child(tmp_path)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 passed, 1 skipped" in done.stdout  # the SQLite half ran
    assert "PostgreSQL half skipped: PostgreSQL is not installed" in done.stdout


def test_with_postgresql_required_its_absence_fails_the_run(tmp_path) -> None:  # noqa: ANN001
    done = _child(tmp_path, YLT_REQUIRE_POSTGRES="1")
    assert done.returncode != 0
    assert "YLT_REQUIRE_POSTGRES=1 but PostgreSQL is not installed" in done.stdout
    assert "1 passed" in done.stdout and "skipped" not in done.stdout
