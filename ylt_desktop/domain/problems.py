"""Structured problems that rules return: which field, how bad, and a Chinese message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule broken by one field. ``field`` is the record attribute name (English)."""

    field: str
    level: Level
    message: str

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def error(field: str, message: str) -> Problem:
    return Problem(field, Level.ERROR, message)


def warning(field: str, message: str) -> Problem:
    return Problem(field, Level.WARNING, message)


def has_errors(problems: list[Problem]) -> bool:
    return any(p.is_error for p in problems)


class RuleViolation(Exception):
    """Raised by a command when errors stand; carries every problem for the form to show."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("；".join(p.message for p in problems if p.is_error))
