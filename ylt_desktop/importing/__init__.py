"""Importing institutions, staff, rotations and agreements from .xlsx files (issue #6).

``read_layout`` finds the sheet, its header and a column mapping (remembered per header set);
``import_file`` plans every row (a dry run by default) and writes all valid rows or nothing in
one transaction. No Qt here: the UI (``ui/dialogs/importing.py``) and the CLI (``ylt import``)
call these two functions.
"""

from __future__ import annotations

import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.text import to_half_width
from ylt_desktop.importing import reader
from ylt_desktop.importing.columns import (
    KINDS,
    check_mapping,
    header_score,
    mapping_key,
    match_columns,
    targets,
)
from ylt_desktop.importing.reader import ImportFileError
from ylt_desktop.importing.template import NOTES_SHEET

REQUIRED: dict[str, tuple[str, ...]] = {
    "institutions": ("name",),
    "staff": ("id_number",),
    "rotations": ("id_number", "from", "to", "start"),
    "agreements": ("number",),
    "figures": ("name",),
}
_QUARTER_RE = re.compile(r"(\d{4})\s*[-_]?\s*[Qq]([1-4])")  # 2026Q3, 2026-Q3, 2026_q3
# 2026年第3季度, 2026年第三季度, 2026年三季度, 2026年度第3季度, 2026年3季度
_QUARTER_CN_RE = re.compile(r"(\d{4})\s*年度?\s*第?\s*([1-4一二三四])\s*季度")
_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}

__all__ = [
    "KINDS",
    "ImportFileError",
    "import_file",
    "quarter_in_text",
    "quarters_in_text",
    "read_layout",
    "several_quarters_text",
    "targets",
]


def _first_rows(wb: Any, name: str) -> list[tuple[int, tuple]]:
    rows = []
    for number, row in reader.iter_rows(wb, name):
        rows.append((number, row))
        if number >= reader.HEADER_SCAN_ROWS:
            break
    return rows


def _choose_sheet(wb: Any, kind: str, sheet: str | None) -> tuple[str, list]:
    if sheet is not None:
        if sheet not in wb.sheetnames:
            raise ImportFileError(f"工作簿中没有名为“{sheet}”的工作表")
        return sheet, _first_rows(wb, sheet)
    best: tuple[int, str, list] | None = None
    for name in wb.sheetnames:
        rows = _first_rows(wb, name)
        score = max((header_score([reader._text(v) for v in r], kind) for _n, r in rows), default=0)
        has_data = any(any(v is not None for v in r) for _n, r in rows)
        if has_data and (best is None or score > best[0]):
            best = (score, name, rows)
    if best is None:
        raise ImportFileError("工作簿是空的：没有任何工作表含有数据")
    return best[1], best[2]


def read_layout(
    db: Any, kind: str, path: str | Path, *, mapping: Any = None, sheet: str | None = None
) -> tuple[Any, reader.SheetLayout]:
    """Open the workbook and find the sheet, header and column mapping for ``kind``.

    ``mapping``: one field key (or None) per column, or {header text: field key}. Without it,
    the mapping remembered for this header set, else the one matched from the header texts.
    """
    from ylt_desktop.importing.report import SheetLayout

    targets(kind)  # an unknown kind fails here, with its message
    wb = reader.open_workbook(path)
    try:
        name, rows = _choose_sheet(wb, kind, sheet)
    except BaseException:
        wb.close()
        raise
    header = reader.detect_header(rows, kind)
    if header is None:
        wb.close()
        raise ImportFileError(
            f"在工作表“{name}”的前{reader.HEADER_SCAN_ROWS}行中未找到表头"
            "（应有一行列名，如“机构名称”“统一社会信用代码”）"
        )
    key = mapping_key(kind, header.texts)
    remembered = False
    if mapping is None:
        mapping = _remembered(db, key, len(header.texts))
        remembered = mapping is not None
    if isinstance(mapping, dict):
        mapping = [mapping.get(t) for t in header.texts]
    if mapping is None:
        mapping = match_columns(header.texts, kind, header.groups)
    mapping = list(mapping) + [None] * (len(header.texts) - len(mapping))
    layout = SheetLayout(kind, name, header, mapping[: len(header.texts)], key, remembered)
    return wb, layout


def _remembered(db: Any, key: str, width: int) -> list | None:
    from ylt_desktop.store.settings import get_setting

    with db.session() as s:
        value = get_setting(s, key)
    if isinstance(value, list) and len(value) == width:
        return value
    return None


def quarter_in_text(text: str, *, whole: bool = False) -> Quarter | None:
    """The quarter written in ``text`` (``whole``: ``text`` is nothing else): 2026Q3, 2026q3,
    2026年第3季度, 2026年第三季度, 2026年三季度. None when ``text`` names none, or more than one
    distinct quarter (…2025Q4修订_2026Q1: which one is meant cannot be told; see
    ``quarters_in_text``)."""
    text = to_half_width(text)  # ２０２６年第３季度, ２０２６Ｑ３ typed in full-width
    if whole:
        m = _QUARTER_RE.fullmatch(text) or _QUARTER_CN_RE.fullmatch(text)
        return _quarter(m) if m else None
    found = quarters_in_text(text)
    return found[0] if len(found) == 1 else None


def quarters_in_text(text: str) -> list[Quarter]:
    """Every distinct quarter written in ``text``, in the order they first appear."""
    text = to_half_width(text)
    matches = [*_QUARTER_RE.finditer(text), *_QUARTER_CN_RE.finditer(text)]
    found: list[Quarter] = []
    for m in sorted(matches, key=lambda m: m.start()):
        quarter = _quarter(m)
        if quarter is not None and quarter not in found:
            found.append(quarter)
    return found


def several_quarters_text(name: str) -> str:
    """A note saying that the file name ``name`` holds several quarters ("" when it does not)."""
    found = quarters_in_text(name)
    if len(found) < 2:
        return ""
    listed = "、".join(q.label for q in found)
    return f"文件名中写有多个季度（{listed}），未据文件名确定季度"


def _quarter(m: re.Match) -> Quarter | None:
    """The quarter a match of either pattern names; None for a year no calendar has (0000)."""
    try:
        return Quarter(int(m.group(1)), int(_CN_DIGITS.get(m.group(2), m.group(2))))
    except ValueError:
        return None


def detect_quarter(wb: Any, path: Path, layout: Any) -> Quarter | None:
    """The return's quarter: from the file name when it names one (…_2026Q3_…, 2026年第三季度…;
    a name with several, …2025Q4修订_2026Q1, names none), else a title or
    报告期 cell: on the data sheet only above and in its header (a 备注 "自2025年第四季度起…"
    of one row is no title), on the other first sheets (a cover) in their first rows."""
    found = quarter_in_text(path.stem)
    if found is not None:
        return found
    for name in [layout.sheet, *wb.sheetnames[:3]]:
        if name == NOTES_SHEET:  # the template's notes give examples of quarters
            continue
        for n, row in _first_rows(wb, name):
            if name == layout.sheet and n > layout.header.last_row:
                break
            for value in row:
                m = _QUARTER_CN_RE.search(to_half_width(value)) if isinstance(value, str) else None
                if m and _quarter(m) is not None:
                    return _quarter(m)
    return None


_GC_LOCK = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, ...] = ()
GC_THRESHOLD = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while importing.

    An import keeps tens of thousands of objects alive (rows, plan, records); at the default
    threshold (700 allocations) the collector runs so often, re-scanning that growing heap, that
    it took a sixth of a 10,000-row import. Imports make few cycles (~600 objects per 10,000
    rows), so collecting after 10,000 allocations instead costs no memory. Restored when the
    last import running ends.
    """
    global _gc_users, _gc_saved
    with _GC_LOCK:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(GC_THRESHOLD, _gc_saved[0]), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


@fewer_collections()
def import_file(
    db: Any,
    kind: str,
    path: str | Path,
    *,
    mapping: Any = None,
    dry_run: bool = True,
    only_valid: bool = False,
    progress: Any = None,
    cancel: Any = None,
    quarter: Quarter | None = None,
    sheet: str | None = None,
    user: str | None = None,
) -> Any:
    """Plan (and unless ``dry_run``, write) every row of ``path``; returns an ``ImportReport``.

    Not a dry run: when any row is rejected nothing is written unless ``only_valid``; the
    writing is one transaction after a backup. Raises ``ImportFileError`` for a file that
    cannot be read, ``apply.Cancelled`` when ``cancel()`` turns True (nothing written).
    """
    import time

    from ylt_desktop.importing.apply import Kept, apply_import, run_plan
    from ylt_desktop.importing.report import ImportReport

    start = time.perf_counter()
    path = Path(path)
    wb, layout = read_layout(db, kind, path, mapping=mapping, sheet=sheet)
    try:
        names = [layout.column_name(i) for i in range(len(layout.mapping))]
        problems = check_mapping(layout.mapping, kind, names)
        missing = layout.missing(REQUIRED[kind])
        if missing:
            problems.append(f"缺少必需的列：{'、'.join(missing)}（可在“列对应”中指定哪一列是它）")
        if problems:
            raise ImportFileError("；".join(problems))
        several = "" if quarter else several_quarters_text(path.stem)
        quarter = quarter or detect_quarter(wb, path, layout)
        if kind == "figures" and quarter is None:
            raise ImportFileError(
                (f"{several}。" if several else "")
                + "未能确定运行指标所属的季度：请指定季度（命令行 --quarter 2026Q3），"
                "或在文件名中写明季度（如 运行指标_2026Q3.xlsx）"
            )
        report = ImportReport(kind, path, layout, quarter, dry_run=True)
        if several:
            report.notes.append(f"{several}（请在导入时选择季度，命令行 --quarter 2026Q3）")
        kept = None if dry_run else Kept()  # rows and plan, for the writing pass
        with db.session() as session:
            run_plan(session, wb, layout, report, path, progress=progress, cancel=cancel,
                     keep=kept)  # fmt: skip
        if report.rows == 0:
            raise ImportFileError(
                f"文件中没有数据行：工作表“{layout.sheet}”的列名（第{layout.header.last_row}行）"
                "下面没有要导入的记录，未导入任何数据"
            )
        if not dry_run and (report.rejected == 0 or only_valid):
            report = apply_import(db, wb, layout, report, path, only_valid=only_valid,
                                  progress=progress, cancel=cancel, user=user, kept=kept)  # fmt: skip
        elif not dry_run:
            report.dry_run = False
    finally:
        wb.close()
    report.seconds = time.perf_counter() - start
    return report
