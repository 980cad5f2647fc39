"""The quarterly return as plain data: what both writers (xlsx, pdf) lay out.

Nothing here queries or draws. ``rows.quarter_rows`` fills these classes from the database;
``xlsx.write_xlsx`` and ``pdf.write_pdf`` only read them (STYLE.md point 12).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ylt_desktop.domain.periods import Quarter

KINDS = ("text", "int", "float", "date")


@dataclass(frozen=True)
class Shown:
    """A number the Excel return stores as a number with its own number format and the PDF
    prints as ``text``: 表7's 59.0 % is the number 0.59 formatted ``0.0%`` (DESIGN.md §4:
    numbers are stored as numbers). ``value`` is exactly what ``text`` shows."""

    value: float
    number_format: str
    text: str

    def __str__(self) -> str:
        return self.text


Value = str | int | float | dt.date | Shown | None
Progress = Callable[[int, int], None]
"""Called with (units done, units in all); a unit is one table row or one cover/notes page."""
Cancel = Callable[[], bool]
"""Returns True when the user asked to stop; the writer then raises ``Cancelled``."""


class Cancelled(Exception):
    """The user cancelled an export; no file was written."""


def check_cancel(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise Cancelled("已取消导出")


@dataclass(frozen=True)
class Column:
    """One column of a table as the template describes it."""

    source: str  # key into the row records made by rows.py
    header: str
    kind: str = "text"  # text / int / float / date
    width: float = 10.0  # Excel character units (a CJK character counts as 2)
    group: str = ""  # the upper header row over consecutive columns sharing it


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the header block; ``row``/``col`` are 0-based inside the header block."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


def header_cells(columns: list[Column]) -> tuple[int, list[HeaderCell]]:
    """The header block of ``columns``: its height (1 or 2) and its cells with spans.

    With any group, the header has two rows: consecutive columns of one group share an upper
    cell spanning them, and an ungrouped column's header spans both rows.
    """
    if not any(c.group for c in columns):
        return 1, [HeaderCell(c.header, 0, i) for i, c in enumerate(columns)]
    cells: list[HeaderCell] = []
    i = 0
    while i < len(columns):
        group = columns[i].group
        if not group:
            cells.append(HeaderCell(columns[i].header, 0, i, rowspan=2))
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].group == group:
            cells.append(HeaderCell(columns[j].header, 1, j))
            j += 1
        cells.append(HeaderCell(group, 0, i, colspan=j - i))
        i = j
    cells.sort(key=lambda c: (c.row, c.col))
    return 2, cells


@dataclass
class Table:
    """One table of the return (表1 … 表5): one sheet in Excel, one section in the PDF."""

    key: str
    title: str
    sheet_name: str
    columns: list[Column]
    rows: list[list[Value]]
    total_rows: list[list[Value]] = field(default_factory=list)
    """The 合计 rows under the data (表2 has two: 下沉 and 上派进修)."""
    note: str = ""
    unit: str = ""  # 计量单位, printed over the table

    @property
    def header_height(self) -> int:
        return header_cells(self.columns)[0]

    @property
    def header(self) -> list[HeaderCell]:
        return header_cells(self.columns)[1]

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.columns]

    @property
    def total_row(self) -> list[Value] | None:
        """The first 合计 row, or None (most tables have one)."""
        return self.total_rows[0] if self.total_rows else None

    @total_row.setter
    def total_row(self, row: list[Value] | None) -> None:
        self.total_rows = [] if row is None else [row]

    def column_values(self, source: str) -> list[Any]:
        index = [c.source for c in self.columns].index(source)
        return [row[index] for row in self.rows]


COVER_LABELS: dict[str, str] = {
    "report_name": "报表名称",
    "consortium_name": "医联体名称",
    "consortium_kind": "医联体类型",
    "lead_unit": "牵头单位",
    "period": "报告期",
    "filler_unit": "填报单位(盖章)",
    "unit_head": "单位负责人",
    "stats_head": "统计负责人",
    "preparer": "填表人",
    "phone": "联系电话",
    "report_date": "报出日期",
}
# Fields the user types (the rest come from the database and the quarter).
TYPED_COVER_FIELDS = ("filler_unit", "unit_head", "stats_head", "preparer", "phone", "report_date")
SIGNATURE_FIELDS = ("unit_head", "stats_head", "preparer", "phone", "report_date")


@dataclass
class Cover:
    report_name: str = ""
    consortium_name: str = ""
    consortium_kind: str = ""
    lead_unit: str = ""
    period: str = ""
    filler_unit: str = ""
    unit_head: str = ""
    stats_head: str = ""
    preparer: str = ""
    phone: str = ""
    report_date: str = ""

    def items(self) -> list[tuple[str, str]]:
        """(Chinese label, value) in the order the cover shows them."""
        return [(label, getattr(self, key)) for key, label in COVER_LABELS.items()]


@dataclass
class ChartData:
    """One indicator over the last quarters, for the return's chart page (表7's charts)."""

    title: str
    unit: str
    labels: list[str]
    values: list[float | None]
    target: float | None = None
    target_label: str = ""


@dataclass
class QuarterReturn:
    quarter: Quarter
    cover: Cover
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    notes_title: str = "填报说明"
    cover_sheet_name: str = "封面"
    marks: list[tuple[str, str]] = field(default_factory=list)  # 表号, 制定机关, …
    header_breaks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    charts: list[ChartData] = field(default_factory=list)  # the chart page of 表7
    generated_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0)
    )

    def info_line(self, table: Table) -> str:
        """The line over every table: 填报单位：…　　报告期：…　　计量单位：…"""
        parts = [f"填报单位：{self.cover.filler_unit}", f"报告期：{self.cover.period}"]
        if table.unit:
            parts.append(f"计量单位：{table.unit}")
        return "\u3000\u3000".join(parts)

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) + len(t.total_rows) for t in self.tables)
