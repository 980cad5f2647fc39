"""Importing a bench module (tests do: the return's captures, the fast sheet reader) changes
nothing for the tests that run after it in the same process: who acts is set by the bench's
entry points only (a test once saw its records saved by "bench")."""

from __future__ import annotations

import importlib


def test_importing_the_bench_leaves_the_acting_user_alone() -> None:
    from ylt_desktop.store import users

    before = users.DEFAULT_ACTOR
    for name in ("bench.generate", "bench.imports", "bench.export", "bench.lists", "bench.run"):
        importlib.import_module(name)
    assert users.DEFAULT_ACTOR is before
