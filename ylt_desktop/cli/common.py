"""What every ``ylt`` command shares: opening ``--db``, printing rows and problems, argument types."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ylt_desktop.domain.problems import RuleViolation


def open_db(args: argparse.Namespace):  # noqa: ANN202
    """Open ``--db``; ``main`` closes it when the command ends (the last connection's close
    checkpoints the WAL into the file, so the file is whole once ``ylt`` has returned)."""
    from ylt_desktop.store.db import open_database

    db = open_database(args.db)
    args.__dict__.setdefault("_opened", []).append(db)
    return db


def print_problems(exc: RuleViolation) -> None:
    for p in exc.problems:
        level = "错误" if p.is_error else "警告"
        print(f"{level}\t{p.field}\t{p.message}", file=sys.stderr)


def emit(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
        return
    if rows:
        print("\t".join(rows[0]))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row.values()))


def quarter_arg(text: str):  # noqa: ANN202
    from ylt_desktop.domain.periods import Quarter

    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def date_arg(text: str):  # noqa: ANN202
    import datetime as dt

    return dt.date.fromisoformat(text)
