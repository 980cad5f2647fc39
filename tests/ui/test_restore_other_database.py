"""The restore dialog names another database's file before asking (see
tests/exchange/test_restore_other_database.py for the store's refusal)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.exchange.world import A, lead_database, member_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path]:
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    paths = Path(lead.path), Path(member.path)
    member.close()
    lead.close()
    return paths


def test_the_program_says_so_before_asking(world, qtbot, monkeypatch, answers) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QFileDialog

    from ylt_desktop.store.db import open_database
    from ylt_desktop.ui.dialogs.backup import restore_from_file
    from ylt_desktop.ui.main_window import MainWindow

    lead, member = world
    before = _digest(lead)
    window = MainWindow(open_database(lead))
    qtbot.addWidget(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(member), ""))
    assert restore_from_file(window) is None
    assert [kind for kind, _text in answers.shown] == ["warning"]  # no question first
    assert "成员库" in answers.shown[0][1] and "没有被改动" in answers.shown[0][1]
    window.db.close()
    assert _digest(lead) == before
