"""``ylt import``: an .xlsx file of one record kind, dry run first, all or nothing."""

from __future__ import annotations

import argparse
import sys

from ylt_desktop.cli.common import open_db


def cmd_import(args: argparse.Namespace) -> int:
    """Dry run first; writes all rows, or (with --only-valid) the valid ones, in one transaction."""
    from ylt_desktop.importing import ImportFileError, import_file

    db = open_db(args)
    try:
        report = import_file(
            db, args.kind, args.file, dry_run=args.dry_run, only_valid=args.only_valid
        )
    except ImportFileError as exc:
        print(f"错误\t{exc}", file=sys.stderr)
        return 2
    for problem in report.problems:
        level = "错误" if problem.is_error else "警告"
        print(f"{level}\t{problem}", file=sys.stderr)
    print(report.summary())
    return 1 if report.rejected else 0
