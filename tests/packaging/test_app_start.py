"""The program's start: the window paints first, then the database opens into it."""

from __future__ import annotations

import os
import subprocess
import sys

from ylt_desktop.demo import build_demo
from ylt_desktop.store.db import open_database


def test_window_paints_before_the_database_opens(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "demo.sqlite"
    db = open_database(path)
    build_demo(db)
    db.close()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "ylt_desktop", "--db", str(path), "--quit-after-paint"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["painted", "ready"]


def test_nothing_heavy_is_imported_before_painting() -> None:
    """What app.main imports before the first paint: no store (SQLAlchemy ~0.3 s), no
    logging.handlers or platformdirs (~10 ms each; they are set up after the paint)."""
    code = (
        "import sys; import ylt_desktop.app, ylt_desktop.ui.errors, ylt_desktop.ui.fonts, "
        "ylt_desktop.ui.main_window; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'platformdirs', 'openpyxl', 'reportlab') or m == 'logging.handlers'))"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr[-2000:]
