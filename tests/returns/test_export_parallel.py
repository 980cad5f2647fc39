"""The workbook written by a helper process while the PDF is written here (returns/parallel.py):
the same files as one process writes, and every failure of either side leaves the old files
as they were, no temporary file, and the same message as a failure in one process."""

from __future__ import annotations

import os

import openpyxl
import pytest

from tests.returns import helper_writers
from tests.returns.sample import Q3
from ylt_desktop.returns import files, parallel
from ylt_desktop.returns.files import Cancelled, export_quarter
from ylt_desktop.store.access import DiskFull, explain
from ylt_desktop.store.backup import DatabaseProblem

STEM = "测试县医共体_2026Q3_季度报表"


def _export(db, out, **kw):  # noqa: ANN001, ANN003, ANN202
    out.mkdir(exist_ok=True)
    with db.session() as s:
        return export_quarter(s, Q3, out, cover_fields={"preparer": "陈"}, **kw)


def _old_files(out):  # noqa: ANN001, ANN202
    out.mkdir(exist_ok=True)
    old = {out / f"{STEM}.xlsx": b"old workbook", out / f"{STEM}.pdf": b"old pdf"}
    for path, data in old.items():
        path.write_bytes(data)
    return old


def _assert_untouched(out, old):  # noqa: ANN001
    assert sorted(out.iterdir()) == sorted(old)  # no temporary file, no openpyxl sheet file
    for path, data in old.items():
        assert path.read_bytes() == data


def _cells(path):  # noqa: ANN001, ANN202
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def _pdf_text(path):  # noqa: ANN001, ANN202
    """Each page's text, the footer's 生成时间 left out: two exports may straddle a minute."""
    import re

    from pypdf import PdfReader

    stamp = re.compile(r"生成时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
    texts = [page.extract_text() for page in PdfReader(path).pages]
    assert all(stamp.search(t) for t in texts)  # every page has its footer
    return [stamp.sub("生成时间：", t) for t in texts]


def test_the_helper_writes_the_same_return(sample_db, tmp_path) -> None:  # noqa: ANN001
    seen: list[tuple[int, int]] = []
    one = _export(sample_db, tmp_path / "one", parallel=False)
    two = _export(
        sample_db, tmp_path / "two", parallel=True, progress=lambda d, t: seen.append((d, t))
    )
    assert [p.name for p in two] == [p.name for p in one] == [f"{STEM}.xlsx", f"{STEM}.pdf"]
    assert _cells(two[0]) == _cells(one[0])
    assert _pdf_text(two[1]) == _pdf_text(one[1])
    assert seen[-1] == (100, 100) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert sorted(p.name for p in (tmp_path / "two").iterdir()) == sorted(p.name for p in two)


def test_a_large_return_uses_the_helper_a_small_one_does_not(
    sample_db, tmp_path, monkeypatch
) -> None:  # noqa: ANN001, E501
    started = []
    real = parallel.Helper

    def counting(*a, **k):  # noqa: ANN002, ANN003, ANN202
        started.append(1)
        return real(*a, **k)

    monkeypatch.setattr(parallel, "Helper", counting)
    _export(sample_db, tmp_path / "small")
    assert started == []  # the sample is far below PARALLEL_ROWS
    monkeypatch.setattr(parallel, "PARALLEL_ROWS", 1)
    _export(sample_db, tmp_path / "large")
    assert started == [1]
    _export(sample_db, tmp_path / "xlsx", pdf=False)  # one file: nothing to share
    assert started == [1]


def _helper_writes_with(monkeypatch, writer) -> None:  # noqa: ANN001
    real = files._jobs

    def jobs(xlsx, pdf):  # noqa: ANN001, ANN202
        found = dict(real(xlsx, pdf))
        return [(".xlsx", writer), (".pdf", found[".pdf"])]

    monkeypatch.setattr(files, "_jobs", jobs)


@pytest.mark.parametrize(
    ("writer", "error", "message"),
    [
        (helper_writers.full_disk, DiskFull, "磁盘空间不足"),
        (helper_writers.disk_full_problem, DatabaseProblem, "磁盘空间不足（需要约 5 MB）"),
        (helper_writers.program_error, ValueError, "第 3 张表的列数与模板不符"),  # travels whole
    ],
)
def test_a_failing_helper_leaves_the_old_files(sample_db, tmp_path, monkeypatch, writer, error,
                                                message) -> None:  # noqa: ANN001  # fmt: skip
    out = tmp_path / "out"
    old = _old_files(out)
    _helper_writes_with(monkeypatch, writer)
    with pytest.raises(error) as caught:
        _export(sample_db, out, parallel=True)
    assert message in str(caught.value)
    if error is not ValueError:  # what the clerk is told: the same line as in one process
        assert message in explain(caught.value)
    _assert_untouched(out, old)


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_killed_helper_is_a_clear_message_and_no_file(sample_db, tmp_path, monkeypatch) -> None:  # noqa: ANN001, E501
    out = tmp_path / "out"
    old = _old_files(out)
    _helper_writes_with(monkeypatch, helper_writers.killed)
    with pytest.raises(parallel.HelperDied) as caught:
        _export(sample_db, out, parallel=True)
    assert "后台进程意外退出" in explain(caught.value)
    _assert_untouched(out, old)


def test_a_cancel_stops_the_helper_and_leaves_the_old_files(
    sample_db, tmp_path, monkeypatch
) -> None:  # noqa: ANN001, E501
    out = tmp_path / "out"
    old = _old_files(out)
    _helper_writes_with(monkeypatch, helper_writers.slow_until_stopped)
    helpers = []
    real = parallel.Helper

    def keep(*a, **k):  # noqa: ANN002, ANN003, ANN202
        helpers.append(real(*a, **k))
        return helpers[-1]

    monkeypatch.setattr(parallel, "Helper", keep)
    calls = [0]

    def cancel() -> bool:
        calls[0] += 1
        return calls[0] > 5  # during the PDF, the helper still writing

    with pytest.raises(Cancelled):
        _export(sample_db, out, parallel=True, cancel=cancel)
    assert not helpers[0].proc.is_alive()
    assert helpers[0].proc.exitcode == 0  # it stopped when asked, not terminated
    _assert_untouched(out, old)


def test_a_failing_pdf_stops_the_helper(sample_db, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    old = _old_files(out)
    _helper_writes_with(monkeypatch, helper_writers.slow_until_stopped)

    def broken(ret, path, **_):  # noqa: ANN001, ANN003, ANN202
        path.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr("ylt_desktop.returns.pdf.write_pdf", broken)
    with pytest.raises(OSError, match="disk full"):
        _export(sample_db, out, parallel=True)
    _assert_untouched(out, old)
