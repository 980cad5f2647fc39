"""One import: read the sheet, plan every row, and (unless a dry run) write in ONE transaction.

Writing uses the dry run's plan (``Kept``) when no record changed since it was made (the same
newest audit entry, id and hash: every change of a record writes one, and a restore of another
history changes it even with as many entries), else plans again inside ``all_or_nothing``
from the rows the dry run read (the file is not read twice). The store commands check the rows
once more as they write. Planned rows are written in batches of ``BATCH``, in file order: a run
of rows with the same bulk store command (``plan.Bulk``: new or changed records of a kind,
rotations with their new people) goes in one call, checked as a whole with a few queries and
one flush; a row the store refuses there is written again alone to say why. Any error,
exception or cancel rolls the whole transaction back, so the database is exactly as before; a backup is taken first.
Cancel is polled between batches and once more just before the commit: a cancel that comes
while the last batch is written still leaves nothing.
"Import valid rows only" skips rejected rows but is still that one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.importing import fast_rows, reader
from ylt_desktop.importing.columns import match_columns
from ylt_desktop.importing.plan import REJECTED, Bulk, Planned, RowProblem, SourceRow
from ylt_desktop.importing.plan_links import planner_for
from ylt_desktop.importing.report import ImportReport, SheetLayout
from ylt_desktop.importing.template import is_example_row
from ylt_desktop.store import access
from ylt_desktop.store.audit import change_token, set_user
from ylt_desktop.store.backup import backup_before
from ylt_desktop.store.settings import set_setting
from ylt_desktop.store.tx import all_or_nothing

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
TICK = 200
BATCH = 500  # planned rows written together
TOTAL_WORDS = ("合计", "总计", "小计")


class Cancelled(Exception):
    """The user cancelled; nothing was written."""


class _Refused(Exception):
    """Rows were refused while writing and only valid rows were not asked for: roll back."""


@dataclass
class Kept:
    """What a dry run keeps for the writing pass: the rows it read, and its plan with the newest
    audit entry at planning time (the plan holds while no later entry exists)."""

    rows: list[SourceRow] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    planner: Any = None
    mark: tuple[int, str] | None = None  # audit.change_token when planned


def source_rows(
    wb: Any, layout: SheetLayout, path: Path, *, cancel: Cancel | None = None,
    progress: Progress | None = None,
) -> Iterator[SourceRow]:  # fmt: skip
    """The data rows under the header with values keyed by field; blank and 合计 rows skipped."""
    info = reader.scan_sheet(wb, layout.sheet)
    formulas = reader.formulas_without_value(path, layout.sheet) if info.has_formulas else {}
    merged = [m for m in info.merged if m[2] > layout.header.last_row]
    mapped = [(i, key) for i, key in enumerate(layout.mapping) if key]
    total = wb[layout.sheet].max_row or 0
    for number, row in fast_rows.iter_rows(wb, layout.sheet):
        if number % TICK == 0:
            if cancel is not None and cancel():
                raise Cancelled("已取消导入，数据库未作任何修改")
            if progress is not None:
                progress(number, max(total, number))
        if number <= layout.header.last_row or _skip(row):
            continue
        values = {key: row[i] if i < len(row) else None for i, key in mapped}
        if number == layout.header.last_row + 1 and is_example_row(layout.kind, values):
            continue  # the import template's example row, left as it was
        problems = _cell_problems(number, row, mapped, merged, formulas, layout)
        yield SourceRow(number, values, problems)


def _skip(row: tuple) -> bool:
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
        return True
    first = [str(v).replace(" ", "").replace("\u3000", "") for v in row[:3] if v is not None]
    return any(t.startswith(TOTAL_WORDS) for t in first)  # 合计, 合计（下沉）, …


def _cell_problems(
    number: int, row: tuple, mapped: list, merged: list, formulas: dict, layout: SheetLayout
) -> list[RowProblem]:
    problems = []
    for r1, c1, r2, c2 in merged:
        if r1 <= number <= r2:
            ref = f"{reader.col_letter(c1)}{r1}:{reader.col_letter(c2)}{r2}"
            problems.append(
                RowProblem(
                    number,
                    layout.column_name(c1),
                    f"数据区有合并单元格（{ref}），请取消合并，并在每一行填写完整",
                )  # fmt: skip
            )
    for i, _key in mapped:
        formula = formulas.get((number, i))
        if formula is not None:
            cell = f"{reader.col_letter(i)}{number}"
            problems.append(
                RowProblem(
                    number,
                    layout.column_name(i),
                    f"单元格 {cell} 是公式（{formula[:60]}），但文件中没有计算结果；"
                    "请在 Excel 中打开并保存后再导入，或把公式改为数值",
                )  # fmt: skip
            )
    return problems


def run_plan(
    session: Session, wb: Any, layout: SheetLayout, report: ImportReport, path: Path, *,
    write: bool = False, only_valid: bool = False, progress: Progress | None = None,
    cancel: Cancel | None = None, rows: list[SourceRow] | None = None,
    keep: Kept | None = None,
) -> None:  # fmt: skip
    """Plan every row into ``report``; with ``write``, call the store commands.

    ``rows``: the rows read before (else read from the sheet); ``keep``: rows and plan kept
    for the writing pass.
    """
    mark = change_token(session) if keep is not None else None
    planner = planner_for(layout.kind)(session, columns=layout.columns(), quarter=report.quarter)
    report.notes.extend(planner.notes)
    if keep is not None:
        keep.planner, keep.mark = planner, mark
    if rows is None:
        source: Iterable[SourceRow] = source_rows(wb, layout, path, cancel=cancel,
                                                  progress=progress)  # fmt: skip
    else:
        source = _ticking(rows, cancel, progress)
    batch: list[Planned] = []
    for row in source:
        planned = planner.plan(row)
        if keep is not None:
            keep.rows.append(row)
            keep.planned.append(planned)
        if not write:
            report.add(planned)
            continue
        batch.append(planned)
        if len(batch) >= BATCH:
            _write_batch(session, planner, batch, report)
            batch = []
    if batch:
        _write_batch(session, planner, batch, report)
    if write and report.rejected and not only_valid:
        raise _Refused


def write_kept(
    session: Session, kept: Kept, report: ImportReport, *, only_valid: bool,
    progress: Progress | None = None, cancel: Cancel | None = None,
) -> None:  # fmt: skip
    """Write the dry run's plan (as ``run_plan`` with ``write`` would have planned it)."""
    report.notes.extend(kept.planner.notes)
    planned = kept.planned
    total = planned[-1].row if planned else 0
    for start in range(0, len(planned), BATCH):
        if cancel is not None and cancel():
            raise Cancelled("已取消导入，数据库未作任何修改")
        if progress is not None:
            progress(planned[start].row, total)
        _write_batch(session, kept.planner, planned[start : start + BATCH], report)
    if report.rejected and not only_valid:
        raise _Refused


def _ticking(rows: list[SourceRow], cancel: Cancel | None,
             progress: Progress | None) -> Iterator[SourceRow]:  # fmt: skip
    total = rows[-1].number if rows else 0
    for i, row in enumerate(rows, 1):
        if i % TICK == 0:
            if cancel is not None and cancel():
                raise Cancelled("已取消导入，数据库未作任何修改")
            if progress is not None:
                progress(row.number, total)
        yield row


def _write_batch(session: Session, planner: Any, batch: list[Planned],
                 report: ImportReport) -> None:  # fmt: skip
    """Write the batch's rows in order (a run of bulk-creatable rows in one call), then report."""
    i = 0
    while i < len(batch):
        write = batch[i].write
        if isinstance(write, Bulk):
            j = i + 1
            while j < len(batch) and _same_bulk(batch[j].write, write):
                j += 1
            batch[i:j] = _write_many(session, planner, batch[i:j])
            i = j
            continue
        if write is not None:
            batch[i] = _write(session, planner, batch[i])
        i += 1
    for planned in batch:
        report.add(planned)


def _same_bulk(write: Any, first: Bulk) -> bool:
    return isinstance(write, Bulk) and write.many is first.many


def _write_many(session: Session, planner: Any, run: list[Planned]) -> list[Planned]:
    if len(run) == 1:
        return [_write(session, planner, run[0])]
    writers: list[Bulk] = [p.write for p in run]  # type: ignore[misc]
    try:
        records = writers[0].many(session, [w.data for w in writers])
    except RuleViolation:  # nothing was written: row by row, so each refused row says why
        return [_write(session, planner, p) for p in run]
    for w, record in zip(writers, records, strict=True):
        w.done(record)
    return run


def _write(session: Session, planner: Any, planned: Planned) -> Planned:
    try:
        planned.write(session)
    except RuleViolation as exc:  # the store saw what the plan could not; nothing was changed
        planner._row = planned.row
        planner._problems = list(planned.problems)
        planner.domain([p for p in exc.problems if p.is_error])  # its warnings are planned
        return Planned(planned.row, REJECTED, planner._problems, None, planned.label)
    return planned


@contextlib.contextmanager
def _disk_full_as(needed: int, folder: Path) -> Iterator[None]:
    """SQLite's "disk is full" (the transaction rolled back) said with the room needed."""
    try:
        yield
    except Exception as exc:
        if access.is_disk_full(exc):
            raise access.DiskFull(needed, folder) from None
        raise


def apply_import(
    db: Any, wb: Any, layout: SheetLayout, report: ImportReport, path: Path, *,
    only_valid: bool, progress: Progress | None, cancel: Cancel | None, user: str | None,
    kept: Kept | None = None,
) -> ImportReport:  # fmt: skip
    """Back up, then write in one transaction; returns the report of the writing pass.

    ``kept``: what the dry run read and planned (else the sheet is read and planned again)."""
    if db.on_server:  # the server's disk is the server's; its dump goes to the data folder
        folder, needed = None, 0
    else:
        folder = Path(db.path).parent
        needed = access.database_size(Path(db.path)) + 2 * path.stat().st_size  # backup, rows
        access.ensure_free_space(folder, needed)
    report.backup = backup_before(db, "import")
    done = report.fresh()
    with db.session() as session:
        if user:  # else the signed-in user the session carries (never the OS account)
            set_user(session, user)
        try:
            with _disk_full_as(needed, folder), all_or_nothing(session):
                if kept is not None and kept.mark == change_token(session):
                    write_kept(session, kept, done, only_valid=only_valid, progress=progress,
                               cancel=cancel)  # fmt: skip
                else:
                    run_plan(session, wb, layout, done, path, write=True,
                             only_valid=only_valid, progress=progress, cancel=cancel,
                             rows=kept.rows if kept is not None else None)  # fmt: skip
                if cancel is not None and cancel():  # the last moment before the commit
                    raise Cancelled("已取消导入，数据库未作任何修改")
        except _Refused:
            done.written = False
            return done
        done.written = True
        if layout.mapping != match_columns(layout.header.texts, layout.kind, layout.header.groups):
            with contextlib.suppress(Exception):  # not remembering is no reason to fail
                set_setting(session, key=layout.mapping_key, value=layout.mapping)
    return done
