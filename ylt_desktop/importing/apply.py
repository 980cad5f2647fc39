"""One import: read the sheet, plan every row, and (unless a dry run) write in ONE transaction.

Writing re-reads the file and plans again inside ``all_or_nothing``, calling each row's store
command, which checks the row once more. Any error, exception or cancel rolls the whole
transaction back, so the database is exactly as before; a backup is taken first. "Import valid
rows only" skips rejected rows but is still that one transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.importing import reader
from ylt_desktop.importing.columns import match_columns
from ylt_desktop.importing.plan import REJECTED, Planned, RowProblem, SourceRow
from ylt_desktop.importing.plan_links import planner_for
from ylt_desktop.importing.report import ImportReport, SheetLayout
from ylt_desktop.store.audit import os_user, set_user
from ylt_desktop.store.backup import backup_before
from ylt_desktop.store.settings import set_setting
from ylt_desktop.store.tx import all_or_nothing

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
TICK = 200
TOTAL_WORDS = ("合计", "总计", "小计")


class Cancelled(Exception):
    """The user cancelled; nothing was written."""


class _Refused(Exception):
    """Rows were refused while writing and only valid rows were not asked for: roll back."""


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
    for number, row in reader.iter_rows(wb, layout.sheet):
        if number % TICK == 0:
            if cancel is not None and cancel():
                raise Cancelled("已取消导入，数据库未作任何修改")
            if progress is not None:
                progress(number, max(total, number))
        if number <= layout.header.last_row or _skip(row):
            continue
        values = {key: row[i] if i < len(row) else None for i, key in mapped}
        problems = _cell_problems(number, row, mapped, merged, formulas, layout)
        yield SourceRow(number, values, problems)


def _skip(row: tuple) -> bool:
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
        return True
    first = [str(v).replace(" ", "").replace("\u3000", "") for v in row[:3] if v is not None]
    return any(t in TOTAL_WORDS for t in first)


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
    cancel: Cancel | None = None,
) -> None:  # fmt: skip
    """Plan every row into ``report``; with ``write``, call each row's store command."""
    planner = planner_for(layout.kind)(session, columns=layout.columns(), quarter=report.quarter)
    report.notes.extend(planner.notes)
    for row in source_rows(wb, layout, path, cancel=cancel, progress=progress):
        planned = planner.plan(row)
        if write and planned.write is not None:
            planned = _write(session, planner, planned)
        report.add(planned)
    if write and report.rejected and not only_valid:
        raise _Refused


def _write(session: Session, planner: Any, planned: Planned) -> Planned:
    try:
        planned.write(session)
    except RuleViolation as exc:  # the store saw what the plan could not; nothing was changed
        planner._row = planned.row
        planner._problems = list(planned.problems)
        planner.domain(exc.problems)
        return Planned(planned.row, REJECTED, planner._problems, None, planned.label)
    return planned


def apply_import(
    db: Any, wb: Any, layout: SheetLayout, report: ImportReport, path: Path, *,
    only_valid: bool, progress: Progress | None, cancel: Cancel | None, user: str | None,
) -> ImportReport:  # fmt: skip
    """Back up, then write in one transaction; returns the report of the writing pass."""
    report.backup = backup_before(db, "import")
    done = report.fresh()
    with db.session() as session:
        set_user(session, user or os_user())
        try:
            with all_or_nothing(session):
                run_plan(session, wb, layout, done, path, write=True, only_valid=only_valid,
                         progress=progress, cancel=cancel)  # fmt: skip
        except _Refused:
            done.written = False
            return done
        done.written = True
        if layout.mapping != match_columns(layout.header.texts, layout.kind, layout.header.groups):
            with contextlib.suppress(Exception):  # not remembering is no reason to fail
                set_setting(session, key=layout.mapping_key, value=layout.mapping)
    return done
