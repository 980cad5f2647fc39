"""Bulk store commands against their single-record commands applied in turn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store.db import Database
from ylt_desktop.store.tx import all_or_nothing

Refusal = tuple[int, list] | None  # (index of the refused row, its problems), or None


def bulk_and_in_turn(
    bulk_db: Database,
    single_db: Database,
    bulk: Callable[[Session], Any],
    singles: Sequence[Callable[[Session], Any]],
) -> tuple[Refusal, Refusal]:
    """Run ``bulk`` on one database and ``singles`` (one per row, in order, in one
    all-or-nothing transaction) on its twin; each side's refusal, or None when it wrote."""
    with bulk_db.session() as s:
        try:
            bulk(s)
            by_bulk: Refusal = None
        except RuleViolation as exc:
            by_bulk = (exc.row, exc.problems)
    by_single: Refusal = None
    with single_db.session() as s:
        try:
            with all_or_nothing(s):
                for i, single in enumerate(singles):
                    try:
                        single(s)
                    except RuleViolation as exc:
                        by_single = (i, exc.problems)
                        raise
        except RuleViolation:
            pass
    return by_bulk, by_single
