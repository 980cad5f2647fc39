"""Return templates: the column layouts, titles and sheet names of a return, as data.

A template is a JSON file under ``resources/templates/`` (``default.json`` is DESIGN.md §4).
Each table names its columns by *source key*: a figure that ``rows.py`` computes for every row
(``SOURCES`` lists them). A province wanting other columns, other order or other headers
edits the JSON; ``load_template`` validates it and reports every mistake at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ylt_desktop.domain.figures import COUNTY_FIELDS, MEMBER_FIELDS
from ylt_desktop.paths import resource_path
from ylt_desktop.returns.member_template import MemberSpec, parse_member
from ylt_desktop.returns.model import KINDS, Column

# Every source key a table can show. 表4 also takes ``volume:<指标名称>`` (one column per measure).
SOURCES: dict[str, list[str]] = {
    "members": [
        "seq",
        "name",
        "uscc",
        "licence_no",
        "division",
        "category",
        "level",
        "ownership",
        "role",
        "joined",
        "left",
        "beds_authorised",
        "beds_actual",
        "staff_total",
        "health_tech_staff",
        "doctors",
        "nurses",
        "address",
        "contact",
        "phone",
    ],
    "rotations": [
        "seq",
        "staff_name",
        "sex",
        "id_type",
        "id_number",
        "licence_code",
        "title",
        "specialty",
        "home_name",
        "from_name",
        "to_name",
        "direction",
        "purpose",
        "form",
        "start",
        "end",
        "calendar_days",
        "days",
        "outpatient",
        "procedures",
        "trainees",
        "rounds",
        "lectures",
        "note",
    ],
    "rotation_summary": [
        "seq",
        "name",
        "down_persons",
        "down_posted",
        "down_mid_doctors",
        "down_senior",
        "down_senior_doctors",
        "down_senior_nurses",
        "down_senior_techs",
        "down_days",
        "down_outpatient",
        "down_procedures",
        "down_trainees",
        "down_rounds",
        "down_lectures",
        "up_persons",
        "up_days",
    ],
    "agreements": [
        "seq",
        "number",
        "title",
        "kind",
        "provider",
        "recipients",
        "signed",
        "effective_from",
        "effective_to",
        "terminated_on",
        "status",
        "share",
        "volumes_text",
    ],
    "agreement_summary": ["seq", "kind", "count", "measure", "value"],
    # 表6 and 表7 (returns/rows_figures.py)
    "figures": ["seq", "name", "category", *(f.key for f in MEMBER_FIELDS)],
    "county_figures": ["label", *(f.key for f in COUNTY_FIELDS)],
    "indicators": [
        "seq",
        "name",
        "unit",
        "quarter",
        "ytd",
        "last_year",
        "yoy",
        "target",
        "met",
        "basis",
    ],  # fmt: skip
}
VOLUME_PREFIX = "volume:"
NUMERIC = ("int", "float")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


class TemplateError(ValueError):
    """The template file is unreadable or breaks the rules; the message lists every problem."""


@dataclass(frozen=True)
class TableSpec:
    key: str
    sheet: str
    title: str
    columns: list[Column]
    totals: list[bool]  # per column: whether the 合计 row sums it
    total: bool = False
    unit: str = ""  # 计量单位 printed over the table
    total_rows: tuple[TotalRowSpec, ...] = ()  # several 合计 rows, each over some records


@dataclass(frozen=True)
class TotalRowSpec:
    """A 合计 row over the records whose ``source`` equals ``value`` (表2: per 流动性质)."""

    label: str
    source: str
    value: str


@dataclass(frozen=True)
class Template:
    name: str
    report_name: str
    cover_sheet: str
    notes_sheet: str
    tables: list[TableSpec]
    notes: list[str] = field(default_factory=list)
    id_note_masked: str = ""
    id_note_full: str = ""
    # The statistical form's marks (表号, 制定机关, …) in the cover's top-right block.
    marks: dict[str, str] = field(default_factory=dict)
    # Header text -> its pieces: a header breaks only between them (see layout.header_pieces).
    header_breaks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # A member unit's own return (exported from its 成员库, DESIGN §7): its report name, file
    # name and extra notes, with ``{report_name}``, ``{unit}``, ``{consortium}``, ``{quarter}``.
    member: MemberSpec = field(default_factory=lambda: MemberSpec())


MARK_LABELS = ("表号", "制定机关", "批准机关", "批准文号", "有效期至")
BREAK_MARK = "|"


def default_template_path() -> Path:
    return resource_path("templates", "default.json")


def load_template(path: str | Path | None = None) -> Template:
    """Read and validate a template file (the default one when ``path`` is None)."""
    path = Path(path) if path is not None else default_template_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"无法读取报表模板 {path}：{exc}") from exc
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"报表模板 {path.name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
        ) from exc
    return parse_template(raw, origin=path.name)


def parse_template(raw: Any, *, origin: str = "模板") -> Template:
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise TemplateError(f"报表模板 {origin} 的顶层须为对象")
    report_name = _text(raw, "report_name", "report_name", problems)
    cover = _text(raw, "cover_sheet", "cover_sheet", problems)
    notes_sheet = _text(raw, "notes_sheet", "notes_sheet", problems)
    tables = raw.get("tables")
    specs: list[TableSpec] = []
    if not isinstance(tables, list) or not tables:
        problems.append("tables：须为非空列表")
    else:
        specs = [s for i, t in enumerate(tables) if (s := _table(t, f"tables[{i}]", problems))]
    _check_sheet_names([cover, notes_sheet] + [s.sheet for s in specs], problems)
    keys = [s.key for s in specs]
    problems += [f"tables：表“{k}”出现了不止一次" for k in sorted(set(keys)) if keys.count(k) > 1]
    notes = raw.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        problems.append("notes：须为文字列表")
        notes = []
    id_notes = raw.get("id_notes", {})
    if not isinstance(id_notes, dict):
        problems.append("id_notes：须为对象（masked、full）")
        id_notes = {}
    marks = _marks(raw.get("marks", {}), problems)
    breaks = _header_breaks(raw.get("header_breaks", []), problems)
    member = parse_member(raw.get("member", {}), problems)
    if problems:
        raise TemplateError(f"报表模板 {origin} 有误：\n" + "\n".join(problems))
    return Template(
        name=str(raw.get("name", origin)),
        report_name=report_name,
        cover_sheet=cover,
        notes_sheet=notes_sheet,
        tables=specs,
        notes=list(notes),
        id_note_masked=str(id_notes.get("masked", "")),
        id_note_full=str(id_notes.get("full", "")),
        marks=marks,
        header_breaks=breaks,
        member=member,
    )


def _marks(raw: Any, problems: list[str]) -> dict[str, str]:
    """表号, 制定机关, 批准机关, 批准文号, 有效期至 (all five; a province may add more)."""
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
    ):
        problems.append("marks：须为对象（标志名称：内容，均为文字）")
        return {}
    if raw:
        missing = [m for m in MARK_LABELS if m not in raw]
        if missing:
            problems.append(f"marks：缺少{'、'.join(missing)}（封面右上角须列出）")
    return {k.strip(): v.strip() for k, v in raw.items()}


def _header_breaks(raw: Any, problems: list[str]) -> dict[str, tuple[str, ...]]:
    """Headers written with ``|`` where they may break: ``"本季度|工作天数"``."""
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        problems.append("header_breaks：须为文字列表，如“本季度|工作天数”")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for text in raw:
        pieces = tuple(p for p in text.split(BREAK_MARK) if p)
        if len(pieces) < 2 or any(p != p.strip() for p in pieces):
            problems.append(f"header_breaks：“{text}”须用“|”分成至少两段，两侧不留空格")
            continue
        out["".join(pieces)] = pieces
    return out


def _text(raw: dict, key: str, where: str, problems: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}：须为非空文字")
        return ""
    return value.strip()


def _table(raw: Any, where: str, problems: list[str]) -> TableSpec | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}：须为对象")
        return None
    key = raw.get("key")
    if key not in SOURCES:
        problems.append(f"{where}.key：“{key}”不是已知的表（应为 {', '.join(SOURCES)} 之一）")
        return None
    sheet = _text(raw, "sheet", f"{where}.sheet", problems)
    title = _text(raw, "title", f"{where}.title", problems)
    total = raw.get("total", False)
    if not isinstance(total, bool):
        problems.append(f"{where}.total：须为 true 或 false")
    unit = raw.get("unit", "")
    if not isinstance(unit, str):
        problems.append(f"{where}.unit：须为文字（计量单位，如“人、天、人次”）")
        unit = ""
    cols = raw.get("columns")
    if not isinstance(cols, list) or not cols:
        problems.append(f"{where}.columns：须为非空列表")
        return None
    parsed = [_column(c, key, f"{where}.columns[{i}]", problems) for i, c in enumerate(cols)]
    if any(p is None for p in parsed):
        return None
    columns = [p[0] for p in parsed if p]
    _check_groups(columns, where, problems)
    totals = [p[1] for p in parsed if p]
    groups = _total_rows(raw.get("total_rows", []), key, where, problems)
    return TableSpec(key, sheet, title, columns, totals, total is True, unit.strip(), groups)


def _total_rows(raw: Any, table: str, where: str, problems: list[str]) -> tuple[TotalRowSpec, ...]:
    """``total_rows``: [{"label": "合计（下沉）", "source": "purpose", "value": "下沉"}, …]."""
    if not isinstance(raw, list):
        problems.append(f"{where}.total_rows：须为列表")
        return ()
    found = []
    for i, item in enumerate(raw):
        here = f"{where}.total_rows[{i}]"
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("label", "source", "value")
        ):
            problems.append(f"{here}：须为对象，含非空文字 label、source、value")
            continue
        if item["source"] not in SOURCES[table]:
            problems.append(f"{here}.source：“{item['source']}”不是表 {table} 的数据项")
            continue
        found.append(TotalRowSpec(item["label"], item["source"], item["value"]))
    return tuple(found)


def _column(raw: Any, table: str, where: str, problems: list[str]) -> tuple[Column, bool] | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}：须为对象")
        return None
    unknown = set(raw) - {"source", "header", "group", "kind", "width", "total"}
    if unknown:
        problems.append(f"{where}：不认识的字段 {', '.join(sorted(unknown))}")
    source = raw.get("source")
    ok = isinstance(source, str) and (
        source in SOURCES[table]
        or (table == "agreements" and source.startswith(VOLUME_PREFIX) and len(source) > 7)
    )
    if not ok:
        problems.append(
            f"{where}.source：“{source}”不是表 {table} 的数据项（可选：{', '.join(SOURCES[table])}）"
        )
    header = raw.get("header")
    if not isinstance(header, str) or not header.strip():
        problems.append(f"{where}.header：须为非空文字")
    kind = raw.get("kind", "text")
    if kind not in KINDS:
        problems.append(f"{where}.kind：“{kind}”无效（应为 {', '.join(KINDS)} 之一）")
    width = raw.get("width", 10)
    if isinstance(width, bool) or not isinstance(width, int | float) or not 1 <= width <= 100:
        problems.append(f"{where}.width：须为 1 至 100 之间的数")
        width = 10
    group = raw.get("group", "")
    if not isinstance(group, str):
        problems.append(f"{where}.group：须为文字")
        group = ""
    total = raw.get("total", kind in NUMERIC and source != "seq")
    if not isinstance(total, bool) or (total and kind not in NUMERIC):
        problems.append(f"{where}.total：只有数值列（int、float）可以合计")
        total = False
    column = Column(str(source), str(header or "").strip(), kind, float(width), group.strip())
    return column, total


def _check_groups(columns: list[Column], where: str, problems: list[str]) -> None:
    """A group's columns must stand side by side, or its merged header cell would lie."""
    seen: set[str] = set()
    previous = ""
    for c in columns:
        if c.group and c.group != previous and c.group in seen:
            problems.append(f"{where}.columns：分组“{c.group}”的列须相邻")
        seen.add(c.group)
        previous = c.group


def _check_sheet_names(names: list[str], problems: list[str]) -> None:
    for name in names:
        if len(name) > 31 or _BAD_SHEET_CHARS.search(name):
            problems.append(f"工作表名“{name}”须不超过 31 个字符，且不含 [ ] : * ? / \\")
    problems += [f"工作表名“{n}”重复" for n in sorted(set(names)) if n and names.count(n) > 1]
