"""Cell parsing (dates typed as text, separators, codes), and a 100,000-row sheet streamed."""

from __future__ import annotations

import datetime as dt

import pytest

from ylt_desktop.importing import parse

JULY_1 = dt.date(2026, 7, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2026.7.1",
        "2026/7/1",
        "2026年7月1日",
        "2026-07-01",
        46204,
        "20260701",
        "２０２６－７－１",
        dt.datetime(2026, 7, 1),
    ],  # fmt: skip
)
def test_dates(text):  # noqa: ANN001
    assert parse.to_date(text, "日期") == JULY_1


def test_numbers_and_codes():
    assert parse.to_int("1,234", "床位") == 1234
    assert parse.to_int("１２３", "床位") == 123
    assert parse.to_int(12.0, "床位") == 12
    assert parse.to_int("", "床位") is None
    with pytest.raises(parse.CellError, match="应为整数"):
        parse.to_int("1.5", "床位")
    assert parse.to_code(360428, "行政区划代码") == "360428"
    with pytest.raises(parse.CellError, match="内容过长"):
        parse.to_text("x" * 10_000)
    assert parse.split_names("甲、乙，丙;丁；戊,己") == ["甲", "乙", "丙", "丁", "戊", "己"]


_CHILD = """
import resource, sys, time
from ylt_desktop.importing import import_file
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1])
start = time.perf_counter()
report = import_file(db, "institutions", sys.argv[2])
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
try:  # this process's own peak: ru_maxrss keeps the forking parent's size from before exec
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmHWM"))
except (OSError, StopIteration):
    pass
print(report.new, report.rejected, f"{seconds:.1f}", peak)
"""


def test_100000_rows_stream_in_bounded_memory(tmp_path, lead_db):  # noqa: ANN001
    """Read-only streaming: the whole process (Python, SQLAlchemy, openpyxl) stays small.

    Measured in a child process by its peak resident size, since tracemalloc triples the time.
    """
    import subprocess
    import sys

    import openpyxl

    path = tmp_path / "big.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("成员单位")
    ws.append(["机构名称", "行政区划代码", "机构类别", "加入日期", "编制床位"])
    for n in range(100_000):
        ws.append([f"测试村{n}卫生室", "360428", "村卫生室", "2024-01-01", n % 50])
    wb.save(path)
    lead_db.close()
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, lead_db.location, str(path)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    new, rejected, seconds, peak_mb = out.stdout.split()
    print(f"\n100,000-row dry run: {seconds} s, peak resident size {peak_mb} MB")
    assert (int(new), int(rejected)) == (100_000, 0)
    assert int(peak_mb) < 300
