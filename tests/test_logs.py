"""Logging from the program's first step: records kept in memory reach the log file."""

from __future__ import annotations

import logging

import pytest

from tests.helpers.root_logger import kept_root_logger
from ylt_desktop import logs

log = logging.getLogger("ylt_desktop.ui.fonts")


@pytest.fixture
def root() -> logging.Logger:
    with kept_root_logger() as root:
        yield root


def test_a_record_before_setup_reaches_the_file(root, tmp_path) -> None:  # noqa: ANN001
    buffer = logs.buffer_early_records()
    log.error("cannot load font %s", "wqy-microhei.ttc")
    log.info("window built")
    log.debug("not kept")
    path = logs.setup_logging(folder=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "ERROR ylt_desktop.ui.fonts: cannot load font wqy-microhei.ttc" in text
    assert "INFO ylt_desktop.ui.fonts: window built" in text
    assert "not kept" not in text
    assert buffer not in root.handlers
    assert buffer.records == []


def test_records_after_setup_are_written_once(root, tmp_path) -> None:  # noqa: ANN001
    logs.buffer_early_records()
    log.warning("before")
    path = logs.setup_logging(folder=tmp_path)
    log.warning("after")
    assert not any(isinstance(h, logs.EarlyBuffer) for h in root.handlers)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.rsplit(": ", 1)[1] for line in lines] == ["before", "after"]


def test_without_a_log_file_the_kept_records_go_to_stderr(root, capsys) -> None:  # noqa: ANN001
    logs.buffer_early_records()
    log.error("cannot load font x")
    logs.log_to_stderr()
    log.error("later")
    err = capsys.readouterr().err
    assert err.count("cannot load font x") == 1
    assert err.count("later") == 1
    assert not any(isinstance(h, logs.EarlyBuffer) for h in root.handlers)
