"""The 季度报表 cover's typed fields as the 季度报表 page remembers them (a setting), saved
by one command that refuses a whole identity number typed there (``domain.cover``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.cover import cover_problems
from ylt_desktop.domain.problems import Problem, RuleViolation, has_errors
from ylt_desktop.store.settings import get_setting, set_setting

COVER_SETTING = "return.cover"


def saved_cover(session: Session) -> dict[str, Any]:
    """The cover's fields as last saved ({} before the first save)."""
    saved = get_setting(session, COVER_SETTING, {})
    return saved if isinstance(saved, dict) else {}


def save_cover(session: Session, *, fields: Mapping[str, Any]) -> list[Problem]:
    """Save the typed fields in one transaction; raises RuleViolation (nothing saved) when a
    field holds a whole identity number typed anew. Returns the warnings (one saved so before
    and kept as it was)."""
    problems = cover_problems(fields, stored=saved_cover(session))
    if has_errors(problems):
        raise RuleViolation(problems)
    set_setting(session, key=COVER_SETTING, value=dict(fields))
    return problems
