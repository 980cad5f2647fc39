"""Power cuts during an import and an export: a child process is killed (SIGKILL) at seeded
random points, many times over. After each kill the database passes the integrity check and
holds all or none of the import, and no export file exists half-written under its real name.
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from pathlib import Path

from openpyxl import Workbook

from tests.store.test_crash_safety import integrity, query, run_and_kill
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.files import TEMP_PREFIX, export_quarter, remove_stale_temps
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import open_database

ROWS = 400
HEADERS = [
    "机构名称",
    "统一社会信用代码",
    "行政区划代码",
    "机构类别",
    "机构等级",
    "经济类型",
    "医联体角色",
    "加入日期",
]

IMPORT_CHILD = """
import sys
from ylt_desktop.importing import import_file
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1])
print("ready", flush=True)
report = import_file(db, "institutions", sys.argv[2], dry_run=False,
                     progress=lambda *a: print("progress", flush=True))
print("done", flush=True)
"""

EXPORT_CHILD = """
import sys
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.files import export_quarter
from ylt_desktop.store.db import open_database
db = open_database(sys.argv[1])
print("ready", flush=True)
with db.session() as s:
    export_quarter(s, Quarter.parse(sys.argv[3]), sys.argv[2], cover_fields={},
                   progress=lambda done, total: print("progress", done, flush=True))
print("done", flush=True)
"""


def sheet(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i in range(ROWS):
        ws.append(
            [
                f"导入卫生院{i:03d}",
                make_uscc("12", "360428", f"7{i:07d}"),
                "360428",
                "乡镇卫生院",
                "一级",
                "公立",
                "成员单位",
                dt.date(2021, 1, 1),
            ]
        )
    wb.save(path)


def test_killed_import_leaves_all_or_nothing(tmp_path) -> None:  # noqa: ANN001
    path, source = tmp_path / "ylt.sqlite", tmp_path / "成员单位.xlsx"
    db = open_database(path)
    with db.session() as s:
        store.initialize(
            s,
            name="示例县医共体",
            kind="县域医共体",
            division="360428",
            lead=InstitutionData(
                name="示例县人民医院",
                uscc=make_uscc("12", "360428", "00000001"),
                division="360428",
                category="综合医院",
                level="二级甲等",
                joined=dt.date(2020, 1, 1),
            ),
        )
    db.close()
    sheet(source)
    # "ready" is printed before the import starts; kills then land at spread-out moments of
    # reading, checking and writing (the whole import takes about a second here).
    rng = random.Random(20261127)
    delays = sorted(rng.uniform(0, 2.5) for _ in range(14))
    seen_counts = set()
    for delay in delays:
        run_and_kill(IMPORT_CHILD, [str(path), str(source)], lines=1, delay=delay)
        assert integrity(path) == [("ok",)]
        (count,) = query(path, "SELECT count(*) FROM institution WHERE name LIKE '导入卫生院%'")
        assert count[0] in (0, ROWS), f"{count[0]} of {ROWS} imported rows after a kill at {delay}s"
        seen_counts.add(count[0])
        if count[0] == ROWS:
            break
    assert 0 in seen_counts  # at least one kill landed before the commit


def complete(path: Path) -> bool:
    if path.suffix == ".pdf":
        return path.read_bytes().rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(path) as z:
        return z.testzip() is None


def test_killed_export_leaves_no_partial_file(tmp_path, demo_db) -> None:  # noqa: ANN001
    out = tmp_path / "out"
    out.mkdir()
    quarter = Quarter.last_finished(dt.date.today())
    demo_db.close()
    rng = random.Random(7)
    for _run in range(10):
        for f in out.iterdir():
            f.unlink()
        run_and_kill(
            EXPORT_CHILD,
            [demo_db.location, str(out), str(quarter)],
            lines=rng.randint(1, 30),
            delay=rng.uniform(0, 0.02),
        )
        finals = [f for f in out.iterdir() if not f.name.startswith(TEMP_PREFIX)]
        assert all(complete(f) for f in finals), [f.name for f in finals]
        assert len(finals) in (0, 2)  # both files replace their targets together, or neither
    # Leftover temporary files of a killed export are cleared by the next export. (The last
    # kill may have left its own temporary files: start from an empty folder.)
    for f in out.iterdir():
        f.unlink()
    leftover = out / f"{TEMP_PREFIX}killed.pdf"
    leftover.write_bytes(b"%PDF-1.4 half")
    assert leftover in remove_stale_temps(out, older_than=0)  # with the killed runs' own
    assert not list(out.glob(f"{TEMP_PREFIX}*"))
    db = open_database(demo_db.location)
    with db.session() as s:
        paths = export_quarter(s, quarter, out, cover_fields={})
    assert all(complete(p) for p in paths)
    db.close()
