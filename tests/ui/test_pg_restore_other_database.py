"""恢复数据库… on a server: another consortium's dump is refused before the question, and
nothing changes (review of 2fa741e, which did so for files only)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.conftest import pg_database
from tests.store.test_pg_restore_foreign import _sql
from tests.store.test_pg_restore_versions import _dump, _institutions
from ylt_desktop.store.db import open_database
from ylt_desktop.ui.dialogs.backup import restore_from_file
from ylt_desktop.ui.main_window import MainWindow


@pytest.fixture
def demo_url(request, pg_cluster, pg_demo_template) -> Iterator[str]:  # noqa: ANN001
    with pg_database(pg_cluster, pg_demo_template, request) as url:
        yield url


def test_another_consortiums_dump_is_refused_before_asking(
    qtbot, demo_url, tmp_path, monkeypatch, answers
) -> None:  # noqa: ANN001
    _sql(demo_url, "UPDATE consortium SET exchange_id = 'theirs'")
    theirs = _dump(demo_url, tmp_path / "theirs.dump")
    _sql(demo_url, "UPDATE consortium SET exchange_id = 'ours'")
    _sql(demo_url, "UPDATE institution SET name = name || '（本库）' WHERE id = 1")
    before = _institutions(demo_url)
    db = open_database(demo_url)
    w = MainWindow(db)
    qtbot.addWidget(w)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(theirs), ""))
    assert restore_from_file(w) is None  # no question was answered: none was asked
    kind, text = answers.shown[-1][:2]
    assert kind == "warning" and "另一个医联体" in text, answers.shown
    assert _institutions(demo_url) == before
    db.close()
