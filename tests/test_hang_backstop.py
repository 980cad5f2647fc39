"""A test stuck with the GIL held, where pytest-timeout's thread cannot report, still ends the
run with every thread's stack (tests/helpers/hang_backstop.py), instead of holding CI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_test_holding_the_gil_is_ended_with_its_stacks(tmp_path: Path) -> None:
    (tmp_path / "test_stuck.py").write_text(
        "import re\n"
        "import pytest\n\n\n"
        "@pytest.mark.timeout(1)\n"
        "def test_stuck():\n"
        "    re.match(r'(a+)+$', 'a' * 40 + 'b')  # C code holding the GIL, for ages\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-p",
            "tests.helpers.hang_backstop",
            "-o",
            "hang_backstop_grace=1",
            "-o",
            "timeout_method=thread",
            str(tmp_path / "test_stuck.py"),
        ],  # fmt: skip
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,  # without the backstop the run never ends: this fails the test
    )
    took = time.monotonic() - start
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Timeout (0:00:02)!" in done.stderr  # faulthandler's dump, after 1 s + 1 s
    assert "test_stuck.py" in done.stderr and "in test_stuck" in done.stderr  # the stack
    assert took < 60
