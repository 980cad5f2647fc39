"""Import test helpers: small workbooks written with openpyxl, and a dump of every table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, select

from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as inst_store

INST_HEADER = ["机构名称", "统一社会信用代码", "行政区划代码", "机构类别", "机构等级", "经济类型",
               "医联体角色", "加入日期", "编制床位", "实有床位"]  # fmt: skip


def write_book(path: Path, rows: list[list[Any]], *, title: str | None = None,
               sheet: str = "Sheet1") -> Path:  # fmt: skip
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def village(n: int, *, beds: int = 0) -> list[Any]:
    """An institutions row that needs no USCC (村卫生室)."""
    return [f"测试村{n}卫生室", "", "360428", "村卫生室", "未定级", "公立", "成员单位",
            dt.date(2024, 1, 1), beds, beds]  # fmt: skip


def dump(db: Any) -> dict[str, list]:
    """Every row of every table (audit log included), for before/after comparison."""
    meta = MetaData()
    meta.reflect(db.engine)
    out = {}
    with db.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            out[name] = sorted(map(tuple, conn.execute(select(table))), key=repr)
    return out


@pytest.fixture
def lead_db(db):  # noqa: ANN001, ANN201
    """A consortium with only its lead unit (示例县人民医院)."""
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=dt.date(2020, 1, 1))  # fmt: skip
    with db.session() as s:
        inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428",
                              lead=lead)  # fmt: skip
    return db
