"""Every line a CLI test makes ``ylt`` print is checked for English (``tests/helpers/english.py``)."""

from __future__ import annotations

import io
import sys

import pytest

from tests.helpers.english import english_words


class _Tee(io.TextIOBase):
    """Writes through to the captured stream and keeps a copy."""

    def __init__(self, stream: io.TextIOBase, copy: list[str]) -> None:
        self.stream, self.copy = stream, copy

    def write(self, text: str) -> int:
        self.copy.append(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


@pytest.fixture(autouse=True)
def no_english_printed(capsys, monkeypatch) -> None:  # noqa: ANN001
    copy: list[str] = []
    monkeypatch.setattr(sys, "stdout", _Tee(sys.stdout, copy))
    monkeypatch.setattr(sys, "stderr", _Tee(sys.stderr, copy))
    yield
    printed = "".join(copy)
    assert not english_words(printed), f"English in ylt's output: {english_words(printed)}"
