"""No Hypothesis deadline anywhere (issue #11): a loaded machine must not fail a correct test."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import settings

TESTS = Path(__file__).resolve().parent
_DEADLINE = re.compile(r"deadline\s*=\s*(?!None\b)")


def test_the_loaded_profile_has_no_deadline():
    assert settings.default.deadline is None


def test_no_test_sets_a_deadline():
    found = [
        f"{path.relative_to(TESTS)}:{n}"
        for path in TESTS.rglob("*.py")
        if path.name != Path(__file__).name
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _DEADLINE.search(line)
    ]
    assert found == []
