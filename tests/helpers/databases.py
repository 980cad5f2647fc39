"""Database files made once and copied: copying a file costs milliseconds, migrating a new
database or seeding one costs a tenth of a second or more."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from ylt_desktop.store.db import Database, open_database

T = TypeVar("T")


def fold_in_wal(path: Path) -> None:
    """Write the WAL back into the (closed) database file and leave no side file beside it, so
    the one file is the whole database and a copy of it is too."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0, f"{path} is still in use"
    finally:
        conn.close()
    sides = [p.name for p in path.parent.iterdir() if p != path]
    assert not sides, f"files beside {path.name}: {sides}"


def copy_database(template: Path, target: Path) -> Path:
    """A private copy of the closed database ``template`` at ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(template, target)
    return target


class Twins(Generic[T]):
    """One database seeded once; each trial gets two identical copies (the bulk side and the
    row-by-row side). ``seeded`` is what ``seed`` returned (the ids it made)."""

    def __init__(self, folder: Path, seed: Callable[[Database], T]) -> None:
        self.folder = folder / "seeded"
        self.folder.mkdir(parents=True)
        self.template = self.folder / "seeded.sqlite"
        database = open_database(self.template)
        try:
            self.seeded: T = seed(database)
        finally:
            database.close()
        fold_in_wal(self.template)

    def pair(self, name: str) -> list[Database]:
        return [
            open_database(
                copy_database(self.template, self.folder.parent / f"{name}-{side}.sqlite")
            )
            for side in ("bulk", "one")
        ]
