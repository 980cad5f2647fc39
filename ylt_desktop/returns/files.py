"""Writing return files safely, and the one call the UI and the CLI make: ``export_quarter``.

A file is written to a temporary name in the target folder, flushed to disk, then moved over
the target with ``os.replace`` (atomic on one volume). On an exception or a cancel the
temporary file is removed and an older file of that name stays as it was.

Temporary files (ours and openpyxl's sheet files) are hidden ``.ylt-tmp-<pid>-…`` files in
the output folder, readable by their owner only: an export removes those a killed one left
(its process is gone) before it writes. A full disk raises ``DiskFull``; a target another
program holds open (Excel on Windows) raises ``FileInUse`` and the new file stays beside it
under a visible name.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.durable import fsync_dir, fsync_file
from ylt_desktop.returns.check import CheckItem, check_quarter, cover_length_items, errors_in
from ylt_desktop.returns.model import Cancel, Cancelled, Progress, QuarterReturn
from ylt_desktop.returns.path_limits import PathTooLong, check_path_lengths  # noqa: F401
from ylt_desktop.returns.templates import Template
from ylt_desktop.returns.temps import (  # noqa: F401 - files' names, here too
    STALE_AFTER,
    TEMP_PREFIX,
    _redirect_openpyxl_temp_files,
    _remove_own_temps,
    _temp_folder,
    remove_stale_temps,
)
from ylt_desktop.store.access import DiskFull
from ylt_desktop.store.backup import DatabaseProblem

__all__ = [
    "Cancelled",
    "ExportBlocked",
    "FileInUse",
    "atomic_path",
    "export_quarter",
    "file_stem",
]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class ExportBlocked(Exception):
    """Errors stand in the pre-export check; ``items`` lists every problem found."""

    def __init__(self, items: list[CheckItem]):
        self.items = items
        errors = errors_in(items)
        super().__init__(
            f"有 {len(errors)} 个错误，不能导出：" + "；".join(e.message for e in errors[:5])
        )


class FileInUse(DatabaseProblem):
    """The target could not be replaced (open in Excel or a PDF reader on Windows)."""

    def __init__(self, target: Path, kept: Path) -> None:
        super().__init__(
            f"文件正被其他程序（如 Excel）打开，请关闭后重试：{target}；"
            f"新导出的文件已另存为：{kept}"
        )
        self.target = target
        self.kept = kept


def _temp_name(folder: Path, suffix: str) -> Path:
    return folder / f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{suffix}"


def _usual_mode() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _visible_name(target: Path) -> Path:
    for n in range(1, 100):
        mark = "（新）" if n == 1 else f"（新{n}）"
        candidate = target.with_name(f"{target.stem}{mark}{target.suffix}")
        if not candidate.exists():
            return candidate
    return target.with_name(f"{target.stem}（新{secrets.token_hex(3)}）{target.suffix}")


def _keep_beside(temp: Path, target: Path) -> Path:
    kept = _visible_name(target)
    os.replace(temp, kept)
    return kept


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``.

    The temporary file is owner-only until it is complete; the finished file gets the usual
    permissions. openpyxl's own temporary files go to the same folder while it is written.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_name(target.parent, target.suffix)
    os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    token = _temp_folder.set(target.parent)
    try:
        try:
            yield temp
        finally:
            _temp_folder.reset(token)
        fsync_file(temp)
        os.chmod(temp, _usual_mode())
        try:
            os.replace(temp, target)
        except PermissionError:
            if not target.exists():
                raise
            # Windows: Excel or a PDF reader holds the old file; the new one stays visible.
            raise FileInUse(target, _keep_beside(temp, target)) from None
    except OSError as exc:
        size = 0
        with contextlib.suppress(OSError):
            size = temp.stat().st_size
            temp.unlink()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(size + 4 * 1024 * 1024, target.parent) from None
        raise
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_dir(target.parent)


def file_stem(
    consortium_name: str,
    quarter: Quarter,
    *,
    member_unit: str = "",
    template: Template | None = None,
) -> str:
    """``示例县医共体_2026Q3_季度报表`` with characters Windows forbids in names replaced; a
    member unit's own return (``member_unit``) is named by the template's ``member.file_name``
    (``示例县医共体_示例县青山镇卫生院_2026Q3_成员单位报表``), never the consortium's name."""
    name = _safe(consortium_name) or "医联体"
    if not member_unit:
        return f"{name}_{quarter}_季度报表"
    from ylt_desktop.returns.templates import load_template

    pattern = (template or load_template()).member.file_name
    unit = _safe(member_unit) or "成员单位"
    return _safe(pattern.format(consortium=name, unit=unit, quarter=quarter)) or unit


def _safe(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" .")


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
    id_reason: str = "",
    xlsx: bool = True,
    pdf: bool = True,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    template: Template | None = None,
    check: bool = True,
    parallel: bool | None = None,
    notes: list[str] | None = None,
) -> list[Path]:
    """Check the quarter, assemble its return and write the chosen files; returns their paths.

    ``notes`` (a list) gets what the clerk should know of the written files: each text with a
    character its font lacks, printed in the PDF as "〓" (``check_glyphs``), and each 备注
    the workbook cuts (longer than an Excel cell holds; the PDF prints it whole), so the
    exported box can say so even when 检查 was not run; a submitted quarter's from its
    frozen records (``export_notes.py``).

    Raises ``ExportBlocked`` when the check finds errors (``check=False`` skips it),
    ``Cancelled`` when ``cancel()`` turns True; in both cases no file is written or changed.
    ``progress(done, total)`` runs on the calling thread; ``total`` is 100.

    A submitted quarter re-exports its frozen figures, which no later edit changes: the check,
    which reads today's records, is skipped for it, so an edit made since cannot block them.

    ``full_ids`` (whole identity numbers) needs a 审核人 or 管理员 and a reason ``id_reason``;
    it is logged (``quarter_event`` ``full_ids``) before anything is written.

    Both files of a large return are written at once, the workbook by a helper process
    (``parallel.py``); ``parallel`` True or False forces or forbids it.
    """
    if full_ids:
        from ylt_desktop.store.quarters import log_full_id_export

        log_full_id_export(session, quarter=quarter, reason=id_reason)
    helper = None
    try:
        ret, helper, unit = _assemble(
            session, quarter, cover_fields, full_ids, template, check, parallel, xlsx and pdf,
            notes, (xlsx, pdf),
        )  # fmt: skip
        if cancel is not None and cancel():
            raise Cancelled("已取消导出")
        stem = file_stem(ret.cover.consortium_name, quarter, member_unit=unit, template=template)
        targets = _write(ret, stem, Path(out_dir), _jobs(xlsx, pdf), helper, progress, cancel)
    finally:
        if helper is not None:
            helper.stop()
    if progress is not None:
        progress(100, 100)
    return targets


def _assemble(
    session: Session,
    quarter: Quarter,
    cover_fields: dict[str, Any],
    full_ids: bool,
    template: Template | None,
    check: bool,
    parallel: bool | None,
    both: bool,
    notes: list[str] | None = None,
    files: tuple[bool, bool] = (True, True),
) -> tuple[QuarterReturn, Any, str]:
    """The checked, assembled return, the helper process when one pays, and the member unit
    whose own return it is ("" for the consortium's). The records read stay here: they are
    freed before the files are written (peak memory)."""
    from ylt_desktop.returns import snapshot
    from ylt_desktop.returns.export_notes import export_notes
    from ylt_desktop.returns.load import load_quarter
    from ylt_desktop.returns.rows import MEMBER_UNIT, quarter_rows

    too_long = cover_length_items(cover_fields)  # a submitted quarter's cover too
    if too_long:
        raise ExportBlocked(too_long)
    helper = None
    try:
        records = snapshot.load(session, quarter)  # a submitted quarter's frozen records
        frozen = records is not None
        data = None if frozen else load_quarter(session, quarter)  # read once: check and rows
        if data is not None:  # started now, it gets ready while the rows are assembled
            size = len(data.members) + len(data.rotations) + len(data.agreements)
            helper = _helper(parallel, both, size)
        if check and not frozen:
            items = check_quarter(session, quarter, data=data)
            if errors_in(items):
                raise ExportBlocked(items)
        if notes is not None:  # the PDF's 〓, 备注 the workbook cuts: from what is written
            notes += export_notes(
                data=data, frozen=records, cover_fields=cover_fields, xlsx=files[0], pdf=files[1]
            )
        ret = quarter_rows(
            session,
            quarter,
            cover_fields=cover_fields,
            full_ids=full_ids,
            template=template,
            data=data,
            frozen=records,
        )
        if helper is None and data is None:
            helper = _helper(parallel, both, ret.row_count)
    except BaseException:
        if helper is not None:
            helper.stop()
        raise
    if data is not None:
        unit = data.own_unit.name if data.own_unit is not None else ""
    else:
        unit = records["cover"].get(MEMBER_UNIT) or ""
    return ret, helper, unit


def _helper(parallel: bool | None, both: bool, size: int) -> Any:
    """A helper process for the workbook (``parallel.Helper``) when both files are written
    and the return is large enough to gain from it (``parallel`` True/False: always/never)."""
    from ylt_desktop.returns import parallel as par

    if not both or parallel is False or (parallel is None and size < par.PARALLEL_ROWS):
        return None
    return par.Helper()


def _write(
    ret: QuarterReturn,
    stem: str,
    out_dir: Path,
    jobs: list[tuple[str, Callable[..., None]]],
    helper: Any,
    progress: Progress | None,
    cancel: Cancel | None,
) -> list[Path]:
    targets = [out_dir / f"{stem}{suffix}" for suffix, _ in jobs]
    check_path_lengths(targets)
    remove_stale_temps(out_dir)
    share = 100 // max(len(jobs), 1)
    # All files are written to temporary names first and replace their targets only when
    # every one succeeded: a cancel during the PDF leaves the old workbook too.
    try:
        with contextlib.ExitStack() as stack:
            temps = [stack.enter_context(atomic_path(t)) for t in targets]
            if helper is not None:
                stack.callback(helper.stop)  # before the temporary files are removed
                _write_both(helper, jobs, temps, ret, progress, cancel)
                return targets
            for n, ((suffix, writer), temp) in enumerate(zip(jobs, temps, strict=True)):
                if suffix == ".xlsx":  # openpyxl here (the helper redirects its own)
                    _redirect_openpyxl_temp_files()
                writer(ret, temp, progress=_scaled(progress, n * share, share, 100), cancel=cancel)
    except BaseException:
        _remove_own_temps(out_dir)  # openpyxl's sheet files of this failed export
        raise
    return targets


def _write_both(
    helper: Any,
    jobs: list[tuple[str, Callable[..., None]]],
    temps: list[Path],
    ret: QuarterReturn,
    progress: Progress | None,
    cancel: Cancel | None,
) -> None:
    """The workbook by the helper, the PDF here, at the same time; progress is the sum of
    both halves; a failure of either stops the other."""
    (_, book_writer), (_, pdf_writer) = jobs
    helper.write(book_writer, ret, temps[0])
    pdf_done = [0.0]

    def report() -> None:
        if progress is not None:
            progress(int(50 * helper.done) + int(50 * pdf_done[0]), 100)

    def pdf_progress(done: int, total: int) -> None:
        pdf_done[0] = done / max(total, 1)
        helper.drain()
        report()

    def pdf_cancel() -> bool:
        helper.raise_error()  # the workbook failed: the PDF need not go on
        return cancel is not None and cancel()

    pdf_writer(ret, temps[1], progress=pdf_progress, cancel=pdf_cancel)
    helper.wait(cancel, report)


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
