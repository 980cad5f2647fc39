"""The frozen bundle builds and passes its own --self-test (slow: about a minute)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)  # PyInstaller alone takes ~45 s here, more on a busy machine
def test_bundle_builds_and_self_tests() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "self-test passed" in done.stdout
    resources = ROOT / "dist" / "ylt-desktop" / "_internal" / "resources"
    assert (resources / "fonts" / "wqy-microhei.ttc").exists()
    # Qt's own Chinese strings (是/否, 复制/粘贴) and the offline 使用说明 travel with it.
    assert (resources / "translations" / "qtbase_zh_CN.qm").stat().st_size > 1000
    assert (resources / "translations" / "ylt_en.qm").exists()
    assert "使用说明" in (resources / "help" / "usage.html").read_text(encoding="utf-8")
