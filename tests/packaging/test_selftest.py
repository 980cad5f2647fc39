"""``ylt-desktop --self-test`` from the source tree: demo, check, export, verify, paint."""

from __future__ import annotations

import os
import subprocess
import sys


def test_self_test_passes_offscreen() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ylt_desktop", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "self-test passed" in done.stdout
    assert ".xlsx" in done.stdout and ".pdf" in done.stdout
