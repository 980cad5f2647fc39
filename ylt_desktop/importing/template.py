"""导入模板: an empty workbook per record kind, to fill in and import back.

The data sheet has the column names the importer knows (``columns.TARGETS``), one example row
and pick lists for the columns with fixed values; a 说明 sheet says for each column whether it
is required and how to write it. An example row left as it was is skipped on import
(``is_example_row``), so a forgotten example never becomes a record.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

from ylt_desktop.domain import lists
from ylt_desktop.importing.columns import KINDS, targets

# One example row per kind: field key → value (codes as text, dates as dates).
EXAMPLES: dict[str, dict[str, Any]] = {
    "institutions": {
        "name": "示例县青山镇卫生院",
        "uscc": "12360428MB1234562A",
        "licence_no": "PDY00001336042817A1001",
        "division": "360428",
        "category": "乡镇卫生院",
        "level": "一级",
        "ownership": "公立",
        "role": "成员单位",
        "joined": dt.date(2024, 1, 1),
        "beds_authorised": 40,
        "beds_actual": 46,
        "staff_total": 52,
        "health_tech_staff": 45,
        "doctors": 15,
        "nurses": 18,
        "address": "示例县青山镇青山路1号",
        "contact": "李明",
        "phone": "0792-2623456",
    },
    "staff": {
        "name": "张伟",
        "sex": "女",
        "id_type": "居民身份证",
        "id_number": "11010519491231002X",
        "licence_code": "110360428000123",
        "title": "主治医师",
        "specialty": "内科",
        "home": "示例县人民医院",
    },
    "rotations": {
        "name": "张伟",
        "sex": "女",
        "id_type": "居民身份证",
        "id_number": "11010519491231002X",
        "title": "主治医师",
        "specialty": "内科",
        "from": "示例县人民医院",
        "to": "示例县青山镇卫生院",
        "form": "坐诊/巡诊",
        "start": dt.date(2026, 7, 1),
        "end": dt.date(2026, 9, 30),
        "days": 24,
        "outpatient": 420,
        "procedures": 0,
        "trainees": 12,
        "rounds": 8,
        "lectures": 2,
        "note": "每周二、四坐诊",
    },
    "agreements": {
        "number": "YGT-2026-001",
        "title": "区域医学影像中心共享协议",
        "kind": "区域医学影像中心",
        "provider": "示例县人民医院",
        "recipients": "示例县青山镇卫生院、示例县大树镇卫生院",
        "signed": dt.date(2026, 1, 10),
        "effective_from": dt.date(2026, 2, 1),
        "effective_to": dt.date(2028, 12, 31),
        "share": "示例县人民医院60%；示例县青山镇卫生院20%；示例县大树镇卫生院20%",
        "volumes": "影像诊断例数：1350",
    },
    "figures": {
        "name": "示例县青山镇卫生院",
        "visits": 12500,
        "tcm_visits": 1800,
        "discharges": 320,
        "up_outpatient": 45,
        "up_inpatient": 12,
        "down_outpatient": 0,
        "down_inpatient": 0,
        "received_up": 0,
        "received_down": 30,
        "contracts": 6200,
        "key_contracts": 2800,
        "population": 21000,
        "key_population": 4300,
    },
}

_CHOICES: dict[str, tuple[str, ...]] = {
    "category": lists.CATEGORIES,
    "level": lists.LEVELS,
    "ownership": lists.OWNERSHIPS,
    "role": lists.ROLES,
    "sex": lists.SEXES,
    "id_type": lists.ID_TYPES,
    "title": lists.TITLES,
    "form": lists.ROTATION_FORMS,
    "kind": lists.AGREEMENT_KINDS,
}
_NOTES: dict[str, str] = {
    "uscc": "18位，村卫生室、社区卫生服务站可不填；按文本填写",
    "licence_no": "可不填",
    "division": "6位县级行政区划代码（或9/12位乡镇、村级统计代码）",
    "joined": "日期，如 2026-07-01",
    "left": "仍是成员单位时不填",
    "id_number": "按文本填写（18位身份证号码的末位可以是 X）",
    "licence_code": "可不填",
    "specialty": "如 内科、外科、全科、护理",
    "home": "填写成员单位的机构名称",
    "from": "填写成员单位的机构名称（或统一社会信用代码）",
    "to": "填写成员单位的机构名称（或统一社会信用代码）",
    "end": "仍在进行时不填",
    "days": "所选季度内的工作天数；派驻、晋升前基层服务、进修学习不填时按日历天数计算",
    "recipients": "一个或多个成员单位，用顿号“、”分隔",
    "share": "可不填；写作“单位名称60%；单位名称40%”，合计100%",
    "volumes": "所选季度的服务量，写作“指标：数量”，多项用分号“；”分隔",
    "effective_to": "协议期限至",
    "note": "可不填",
}
_TYPE_NOTES = {"date": "日期，如 2026-07-01", "int": "整数，不小于 0", "float": "数字"}
_QUARTERLY = {"rotations", "agreements", "figures"}


def template_name(kind: str) -> str:
    """The file name offered for the template: 导入模板_人员流动.xlsx."""
    return f"导入模板_{KINDS[kind]}.xlsx"


NOTES_SHEET = "说明"  # skipped when looking for the quarter (importing.detect_quarter)


def _required(kind: str) -> set[str]:
    from ylt_desktop.importing import REQUIRED

    extra = {"institutions": {"category", "level", "joined"}, "agreements": {"title", "kind"}}
    return set(REQUIRED[kind]) | extra.get(kind, set())


def _notes_rows(kind: str) -> list[tuple[str, str, str]]:
    required = _required(kind)
    rows = []
    for t in targets(kind):
        choices = _CHOICES.get(t.key)
        text = _NOTES.get(t.key) or _TYPE_NOTES.get(t.kind, "")
        if choices:
            text = f"从下拉列表选择：{'、'.join(choices)}" + (f"。{text}" if text else "")
        rows.append((t.label, "必填" if t.key in required else "", text))
    return rows


def _general_notes(kind: str) -> list[str]:
    notes = [
        f"本模板用于导入{KINDS[kind]}：一行一条记录，第1行是列名，请不要修改列名。",
        "第2行是示例，请直接改写成您的数据；未改动的示例行在导入时会被跳过。",
        "代码、证件号码请按文本填写（本模板已把这些列设为文本格式），以免 Excel 丢掉开头的 0 "
        "或末尾的数字。",
        "日期写作 2026-07-01、2026/7/1 或 2026年7月1日均可。",
        "导入时先“试导入（检查）”，所有行都没有错误才会写入；任何一行有错都不写入。",
    ]
    if kind in _QUARTERLY:
        what = "运行指标" if kind == "figures" else "工作天数、服务量"
        notes.append(
            f"{what}是某一季度的数据：导入时在“季度”中选择，或在文件名中写明，"
            f"如“{KINDS[kind]}_2026Q3.xlsx”“2026年第三季度{KINDS[kind]}.xlsx”。"
        )
    return notes


def build_template(kind: str) -> Any:
    """The template workbook of ``kind`` (openpyxl ``Workbook``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fields = targets(kind)
    required = _required(kind)
    example = EXAMPLES[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = KINDS[kind]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for col, t in enumerate(fields, 1):
        letter = get_column_letter(col)
        head = ws.cell(1, col, t.label)
        head.font, head.fill = bold, fill
        if t.key in required:
            head.font = Font(bold=True, color="C00000")
        value = example.get(t.key)
        cell = ws.cell(2, col, value)
        cell.font = Font(italic=True, color="808080")
        if t.kind == "code":
            for row in range(2, 1002):
                ws.cell(row, col).number_format = "@"
        elif t.kind == "date":
            for row in range(2, 1002):
                ws.cell(row, col).number_format = "yyyy-mm-dd"
        width = max(len(t.label), len(str(value or ""))) * 2 + 2
        ws.column_dimensions[letter].width = min(max(width, 10), 48)
        choices = _CHOICES.get(t.key)
        if choices and len(",".join(choices)) < 250:
            dv = DataValidation(type="list", formula1=f'"{",".join(choices)}"', allow_blank=True)
            dv.showErrorMessage = False  # a pick list, not a lock: the importer says what is wrong
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1001")
    ws.freeze_panes = "A2"
    notes = wb.create_sheet(NOTES_SHEET)
    row = 1
    for line in _general_notes(kind):
        notes.cell(row, 1, line).alignment = Alignment(wrap_text=False)
        row += 1
    row += 1
    for col, text in enumerate(("列名", "是否必填", "填写说明"), 1):
        notes.cell(row, col, text).font = bold
    for label, must, text in _notes_rows(kind):
        row += 1
        notes.cell(row, 1, label)
        notes.cell(row, 2, must)
        notes.cell(row, 3, text)
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    wb.properties.creator = "YLT Desktop"
    wb.properties.title = f"{KINDS[kind]}导入模板"
    return wb


def write_template(kind: str, path: str | Path) -> Path:
    """Write the template of ``kind`` to ``path`` (through a temporary file; replaced whole)."""
    if kind not in KINDS:
        raise ValueError(f"未知的导入类型：{kind}（应为 {'、'.join(KINDS)}）")
    path = Path(path).expanduser()
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    wb = build_template(kind)
    fd, tmp = tempfile.mkstemp(prefix=".模板-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _same(value: Any, expected: Any) -> bool:
    from ylt_desktop.importing.parse import to_text

    try:
        return to_text(value) == to_text(expected)
    except ValueError:
        return False


def is_example_row(kind: str, values: dict[str, Any]) -> bool:
    """True for the template's example row left as it was (every mapped field unchanged)."""
    example = EXAMPLES.get(kind)
    if not example or not values:
        return False
    return all(_same(v, example.get(k)) for k, v in values.items())
