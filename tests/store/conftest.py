"""Fixtures of the store's PostgreSQL tests (restore, the server's day's check)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import pg_database
from ylt_desktop.store import server_daily


@pytest.fixture
def empty_url(request, pg_cluster) -> Iterator[str]:  # noqa: ANN001
    """An empty server database."""
    with pg_database(pg_cluster, None, request) as url:
        yield url


@pytest.fixture
def demo_url(request, pg_cluster, pg_demo_template) -> Iterator[str]:  # noqa: ANN001
    """A server database holding the demo consortium, at head."""
    with pg_database(pg_cluster, pg_demo_template, request) as url:
        yield url


@pytest.fixture
def marks(tmp_path, monkeypatch) -> Path:  # noqa: ANN001
    """Where this PC remembers the servers' days checked: a file of this test's own."""
    path = tmp_path / "marks" / server_daily.FILE_NAME
    monkeypatch.setattr(server_daily, "marks_file", lambda: path)
    return path
