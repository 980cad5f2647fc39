"""Writing return files safely, and the one call the UI and the CLI make: ``export_quarter``.

A file is written to a temporary name in the target folder, flushed to disk, then moved over
the target with ``os.replace`` (atomic on one volume). On an exception or a cancel the
temporary file is removed and an older file of that name stays as it was.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.durable import fsync_dir, fsync_file
from ylt_desktop.returns.check import CheckItem, check_quarter, errors_in
from ylt_desktop.returns.model import Cancel, Cancelled, Progress, QuarterReturn
from ylt_desktop.returns.templates import Template

__all__ = ["Cancelled", "ExportBlocked", "atomic_path", "export_quarter", "file_stem"]

TEMP_PREFIX = ".ylt-tmp-"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class ExportBlocked(Exception):
    """Errors stand in the pre-export check; ``items`` lists every problem found."""

    def __init__(self, items: list[CheckItem]):
        self.items = items
        errors = errors_in(items)
        super().__init__(
            f"有 {len(errors)} 个错误，不能导出：" + "；".join(e.message for e in errors[:5])
        )


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its files are private (0600); this one gets the usual permissions.
    temp = target.parent / f"{TEMP_PREFIX}{secrets.token_hex(6)}{target.suffix}"
    temp.open("xb").close()
    try:
        yield temp
        fsync_file(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(target.parent)


STALE_AFTER = 600.0
"""Seconds after which a temporary export file is a leftover of a crash or a power cut."""


def remove_stale_temps(folder: Path, *, older_than: float | None = None) -> list[Path]:
    """Delete temporary files that an export killed midway left behind in ``folder``."""
    limit = time.time() - (STALE_AFTER if older_than is None else older_than)
    removed = []
    for leftover in folder.glob(f"{TEMP_PREFIX}*") if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime <= limit:
                leftover.unlink()
                removed.append(leftover)
    return removed


def file_stem(consortium_name: str, quarter: Quarter) -> str:
    """``示例县医共体_2026Q3_季度报表`` with characters Windows forbids in names replaced."""
    name = _UNSAFE.sub("_", consortium_name).strip(" .") or "医联体"
    return f"{name}_{quarter}_季度报表"


def _scaled(progress: Progress | None, start: int, share: int, whole: int) -> Progress | None:
    """Map one writer's (done, total) onto ``start .. start+share`` of ``whole``."""
    if progress is None:
        return None

    def report(done: int, total: int) -> None:
        progress(start + (share * done) // max(total, 1), whole)

    return report


def export_quarter(
    session: Session,
    quarter: Quarter,
    out_dir: str | Path,
    *,
    cover_fields: dict[str, Any],
    full_ids: bool = False,
    xlsx: bool = True,
    pdf: bool = True,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    template: Template | None = None,
    check: bool = True,
) -> list[Path]:
    """Check the quarter, assemble its return and write the chosen files; returns their paths.

    Raises ``ExportBlocked`` when the check finds errors (``check=False`` skips it),
    ``Cancelled`` when ``cancel()`` turns True; in both cases no file is written or changed.
    ``progress(done, total)`` runs on the calling thread; ``total`` is 100.

    A submitted quarter re-exports its frozen figures, which no later edit changes: the check,
    which reads today's records, is skipped for it, so an edit made since cannot block them.
    """
    from ylt_desktop.returns.rows import quarter_rows
    from ylt_desktop.store.models import QuarterSnapshot

    if check and session.get(QuarterSnapshot, str(quarter)) is None:
        items = check_quarter(session, quarter)
        if errors_in(items):
            raise ExportBlocked(items)
    ret = quarter_rows(
        session, quarter, cover_fields=cover_fields, full_ids=full_ids, template=template
    )
    if cancel is not None and cancel():
        raise Cancelled("已取消导出")
    stem = file_stem(ret.cover.consortium_name, quarter)
    remove_stale_temps(Path(out_dir))
    jobs = _jobs(xlsx, pdf)
    targets = [Path(out_dir) / f"{stem}{suffix}" for suffix, _ in jobs]
    share = 100 // max(len(jobs), 1)
    # All files are written to temporary names first and replace their targets only when
    # every one succeeded: a cancel during the PDF leaves the old workbook too.
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(atomic_path(t)) for t in targets]
        for n, ((_, writer), temp) in enumerate(zip(jobs, temps, strict=True)):
            writer(ret, temp, progress=_scaled(progress, n * share, share, 100), cancel=cancel)
    if progress is not None:
        progress(100, 100)
    return targets


def _jobs(xlsx: bool, pdf: bool) -> list[tuple[str, Callable[..., None]]]:
    jobs: list[tuple[str, Callable[..., None]]] = []
    if xlsx:
        from ylt_desktop.returns.xlsx import write_xlsx

        jobs.append((".xlsx", write_xlsx))
    if pdf:
        from ylt_desktop.returns.pdf import write_pdf

        jobs.append((".pdf", write_pdf))
    return jobs


def write_return(
    ret: QuarterReturn, path: str | Path, writer: Callable[..., None], **kw: Any
) -> Path:
    """Write one file atomically with ``writer`` (``write_xlsx`` or ``write_pdf``)."""
    with atomic_path(path) as temp:
        writer(ret, temp, **kw)
    return Path(path)
