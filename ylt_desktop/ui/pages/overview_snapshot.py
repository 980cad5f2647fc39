"""The overview as last computed, kept next to the database so that a start on unchanged data
shows it at once, before SQLAlchemy is imported and the database opened (issue #18).

``<database>.overview.json`` (owner-only, written under a temporary name and renamed) holds
what the page shows (``OverviewView``: indicator rows, chart series, lock state, members with
missing figures, the check's counts) and the key it is valid for: the database's fingerprint
(``store/snapshot_key.py``: newest audit entry and its hash, schema revision), the quarter,
today's date, the program's version, the UI language and this file's format. A snapshot is
shown only when every part of its key equals the database's now; anything else — a foreign,
damaged or truncated file, another day, a changed record, a restore — is ignored (logged).
SQLite files only, never a server database. No identity number is ever in it: the overview
shows none (names of units, counts and indicator values only).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ylt_desktop import __version__

log = logging.getLogger(__name__)

FORMAT = 2  # 2: a member's database shows its own unit's indicators
SUFFIX = ".overview.json"
MAX_BYTES = 2_000_000  # a snapshot is a few kilobytes; anything bigger is not one of ours


@dataclass
class OverviewView:
    """What the 概览 page shows of one quarter, as plain data (the page draws it)."""

    quarter: str  # Quarter's text form, "2026Q3"
    locked: bool
    rows: list[dict[str, str]]  # returns.indicators.result_rows
    charts: list[dict[str, Any]]  # title, unit, labels, values, target, target_label
    missing: list[list[Any]] = field(default_factory=list)  # [unit name, number of gaps]
    missing_count: int = 0  # members with gaps (``missing`` lists the first few)
    any_units: bool = False
    county_missing: list[str] = field(default_factory=list)
    errors: int | None = None  # the check's counts; None while it runs
    warnings: int | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OverviewView:
        view = cls(**data)
        if not (
            isinstance(view.quarter, str)
            and isinstance(view.locked, bool)
            and isinstance(view.rows, list)
            and all(isinstance(r, dict) for r in view.rows)
            and isinstance(view.charts, list)
            and all(isinstance(c, dict) for c in view.charts)
            and isinstance(view.errors, int)
            and isinstance(view.warnings, int)
        ):
            raise ValueError("not an overview")
        return view


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SUFFIX)


def snapshot_key(
    fingerprint: Any, quarter: str, *, lang: str, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything a snapshot must match to be shown (``fingerprint``: store.snapshot_key)."""
    return {
        "format": FORMAT,
        "version": __version__,
        "lang": lang,
        "today": (today or dt.date.today()).isoformat(),
        "quarter": quarter,
        **fingerprint.key(),
    }


def load_snapshot(db_path: Path, key: dict[str, Any]) -> OverviewView | None:
    """The saved overview when its key is ``key``; None otherwise (nothing saved, another key,
    an unreadable or damaged file)."""
    path = snapshot_path(db_path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError("too large")
        data = json.loads(path.read_bytes())
        if not isinstance(data, dict) or not isinstance(data.get("view"), dict):
            raise ValueError("no view")
        if data.get("key") != key:
            log.info("overview snapshot not used: the data or the day changed")
            return None
        return OverviewView.from_json(data["view"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError) as exc:  # damaged or foreign: computed instead
        log.warning("overview snapshot ignored: %s", type(exc).__name__)
        return None


def save_snapshot(db_path: Path, key: dict[str, Any], view: OverviewView) -> bool:
    """Write the snapshot (owner-only, temporary file renamed); a failure is only logged."""
    from ylt_desktop.private import owner_only

    path = snapshot_path(db_path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(
            json.dumps({"key": key, "view": asdict(view)}, ensure_ascii=False),
            encoding="utf-8",
        )
        owner_only(tmp)
        os.replace(tmp, path)
        return True
    except OSError as exc:  # a read-only folder, a full disk: the next start computes
        log.warning("cannot save the overview snapshot: %s", type(exc).__name__)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
