"""A test stuck where pytest-timeout cannot reach it ends the process anyway (tests/conftest.py).

pytest-timeout's thread method (``timeout`` in pyproject.toml, or a test's
``@pytest.mark.timeout``) needs the GIL to report: a test stuck in C code that holds it (a
deadlock inside Qt or a driver, a runaway regular expression) would hold the run, and under
xdist the whole CI job, until its own limit. faulthandler's watchdog is a C thread: ``GRACE``
seconds (ini ``hang_backstop_grace``) after the test's own timeout it writes every thread's stack to the real stderr and
ends the process (exit 1; under xdist a crashed worker, which ``scripts/test`` does not
restart). A test whose timeout is 0 (``--timeout=0`` while debugging) gets none.
"""

from __future__ import annotations

import faulthandler
import os
import sys
from collections.abc import Generator

import pytest

GRACE = 60.0  # s after the test's own timeout: pytest-timeout reports first when it can

_stderr: list[int] = []  # a copy of the real stderr's descriptor (capture replaces fd 2)


def _test_timeout(item: pytest.Item) -> float:
    """The timeout pytest-timeout applies to ``item``: its marker, else --timeout, else ini."""
    marker = item.get_closest_marker("timeout")
    if marker is not None:
        value = marker.kwargs.get("timeout", marker.args[0] if marker.args else None)
        if value is not None:
            return float(value)
    option = item.config.getoption("timeout", default=None)
    if option is not None:
        return float(option)
    return float(item.config.getini("timeout") or 0)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("hang_backstop_grace", "seconds after a test's timeout", default=str(GRACE))


def pytest_configure(config: pytest.Config) -> None:
    try:
        fileno = sys.stderr.fileno()
    except (AttributeError, ValueError):  # xdist's worker replaces sys.stderr
        fileno = -1
    if fileno == -1:
        fileno = sys.__stderr__.fileno()
    _stderr[:] = [os.dup(fileno)]


def pytest_unconfigure(config: pytest.Config) -> None:
    faulthandler.cancel_dump_traceback_later()
    for fd in _stderr:
        os.close(fd)
    _stderr.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    timeout = _test_timeout(item)
    if timeout <= 0 or not _stderr:
        return (yield)
    grace = float(item.config.getini("hang_backstop_grace"))
    faulthandler.dump_traceback_later(timeout + grace, file=_stderr[0], exit=True)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()
