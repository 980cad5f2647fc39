"""Attacks on the day's server check's marks (review of 84c37f0): a password written into the
address as a parameter (``?password=…``, which libpq accepts) never reaches
``server-checks.json``, the address shown or the log; the file is owner-only; a corrupt file
means "due" and is written again whole."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import stat

import pytest

from ylt_desktop.store import server
from ylt_desktop.store.db import open_database

DAY = dt.date(2026, 11, 30)
SECRET = "geheim-Pw-42"


@pytest.mark.parametrize("key", ["password", "sslpassword"])
def test_a_password_in_the_address_parameters_is_never_written(
    demo_url,
    marks,
    caplog,
    key,  # noqa: ANN001
) -> None:
    assert "?" in demo_url  # the test cluster's address has parameters (host, port)
    url = f"{demo_url}&{key}={SECRET}"
    assert SECRET not in server.display(url)
    caplog.set_level(logging.DEBUG)
    old = os.umask(0o022)  # the program sets 077; the file must be owner-only anyway
    try:
        db = open_database(url, daily=True, today=DAY)
    finally:
        os.umask(old)
    try:
        assert db.daily_checked
        assert SECRET not in str(db.url)
        db.daily_check_done()
    finally:
        db.close()
    text = marks.read_text("utf-8")
    assert SECRET not in text and list(json.loads(text).values()) == [DAY.isoformat()]
    assert SECRET not in caplog.text
    if os.name == "posix":
        assert stat.S_IMODE(marks.stat().st_mode) == 0o600


def test_a_corrupt_marks_file_means_due_and_is_written_again(demo_url, marks) -> None:  # noqa: ANN001
    marks.parent.mkdir(parents=True)
    marks.write_bytes(b'{"postgresql://x@y/z": "2026-11-30", \xff\xfe broken')
    db = open_database(demo_url, daily=True, today=DAY)
    try:
        assert db.daily_checked
        db.daily_check_done()
    finally:
        db.close()
    assert json.loads(marks.read_text("utf-8")) == {server.display(demo_url): DAY.isoformat()}
    db = open_database(demo_url, daily=True, today=DAY)
    try:
        assert not db.daily_checked
    finally:
        db.close()
