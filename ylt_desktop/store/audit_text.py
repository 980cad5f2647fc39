"""The audit log in words a clerk reads: Chinese field labels, values as the forms show them
(dates, 是/否, quarters), identity numbers masked, bookkeeping columns left out.

``describe(entry)`` is the one-line summary (lists, ``ylt audit``); ``details(entry)`` one line
per field for the detail view; ``masked_values`` masks the stored JSON for ``ylt audit --json``.
A unit, person, agreement or rotation referred to by its id is named (``read_names``): "协议：#40"
told a clerk nothing; a record deleted since keeps its number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.masking import mask_identity_numbers
from ylt_desktop.domain.periods import Quarter

_COMMON = {"id": "编号", "name": "名称", "quarter": "季度"}
FIELD_LABELS: dict[str, dict[str, str]] = {
    "consortium": {
        "kind": "医联体类型", "division": "所在地区", "founded": "成立日期",
        "db_kind": "数据库类型", "member_id": "本单位", "exchange_id": "交换编号",
        "exchange_check": "交换口令",
    },
    "package_event": {
        "member_id": "成员单位", "action": "操作", "at": "时间", "by": "操作人",
        "reason": "退回原因", "package_id": "数据包编号", "package_created": "数据包生成时间",
        "made_by": "制作人", "file_name": "文件名", "sha256": "SHA-256", "summary": "内容与选择",
    },
    "institution": {
        "name": "机构名称", "uscc": "统一社会信用代码", "licence_no": "执业许可证登记号",
        "division": "行政区划代码", "category": "机构类别", "level": "机构等级",
        "ownership": "经济类型", "role": "医联体角色", "joined": "加入日期", "left": "退出日期",
        "beds_authorised": "编制床位", "beds_actual": "实有床位", "staff_total": "在岗职工",
        "health_tech_staff": "卫生技术人员", "doctors": "执业(助理)医师", "nurses": "注册护士",
        "address": "地址", "contact": "联系人", "phone": "联系电话",
    },
    "staff": {
        "name": "姓名", "sex": "性别", "id_type": "证件类型", "id_number": "证件号码",
        "licence_code": "执业证书编码", "title": "职称", "specialty": "专业", "home_id": "所属机构",
    },
    "rotation": {
        "staff_id": "人员", "from_id": "派出单位", "to_id": "接收单位", "form": "流动形式",
        "direction": "流动方向", "start": "开始日期", "end": "结束日期", "note": "备注",
    },
    "rotation_quarter": {
        "rotation_id": "人员流动", "days": "工作天数", "outpatient": "门急诊人次",
        "procedures": "手术/操作台次", "trainees": "带教培训人次", "rounds": "查房次数",
        "lectures": "讲座次数",
    },
    "agreement": {
        "number": "协议编号", "title": "协议名称", "kind": "共享类型", "other_measure": "其他计量",
        "provider_id": "提供方", "provider_share": "提供方分配比例(%)", "signed": "签订日期",
        "effective_from": "生效日期", "effective_to": "终止日期", "terminated_on": "实际终止日期",
        "termination_reason": "终止原因", "terms": "协议条款",
    },
    "agreement_recipient": {
        "agreement_id": "协议", "institution_id": "接收方", "share": "分配比例(%)",
    },
    "agreement_volume": {"agreement_id": "协议", "measure": "服务量指标", "value": "数量"},
    "attachment": {
        "agreement_id": "协议", "file_name": "文件名", "sha256": "SHA-256", "size": "大小(字节)",
        "content": "扫描件", "added_at": "上传时间",
    },
    "institution_level": {
        "institution_id": "成员单位", "since": "生效日期", "level": "机构等级",
        "category": "机构类别", "recorded_at": "记录时间",
    },
    "quarter_lock": {"submitted_at": "报送时间", "submitted_by": "报送人"},
    "quarter_event": {"action": "操作", "at": "时间", "by": "操作人", "reason": "原因"},
    "quarter_snapshot": {"taken_at": "冻结时间", "records": "报表数据"},
    "setting": {"key": "设置项", "value": "值"},
    "app_user": {"name": "用户名", "role": "角色", "password_hash": "密码", "active": "启用"},
    "member_figures": {
        "institution_id": "成员单位", "visits": "诊疗人次", "tcm_visits": "中医类诊疗人次",
        "discharges": "出院人次", "up_outpatient": "上转人次(门诊)", "up_inpatient": "上转人次(住院)",
        "down_outpatient": "下转人次(门诊)", "down_inpatient": "下转人次(住院)",
        "received_up": "接收上转人次", "received_down": "接收下转人次",
        "contracts": "家庭医生签约人数", "key_contracts": "重点人群签约人数",
        "population": "服务常住人口", "key_population": "重点人群人数",
    },
    "county_figures": {
        "resident_population": "常住人口", "county_visits": "县域总诊疗人次",
        "inpatients_in": "县域内住院人次", "inpatients_out": "县外住院人次",
        "key_population": "重点人群人数",
    },
}  # fmt: skip
# Columns a clerk need not read: derived keys and timestamps.
HIDDEN = frozenset(
    {"id", "name_key", "created_at", "updated_at", "version", "failed_attempts", "locked_until"}
)
# Columns too long for one line: the summary says they changed, the detail view says how much.
LONG = frozenset({"records", "terms", "value", "summary"})
ROLE_WORDS = {"clerk": "填表人", "reviewer": "审核人", "admin": "管理员"}
EVENT_WORDS = {"submit": "报送", "reopen": "重新打开", "full_ids": "导出完整证件号码"}
PACKAGE_WORDS = {"accept": "接收数据包", "return": "退回"}
KIND_WORDS = {"lead": "汇总库", "member": "成员库"}


# Columns holding another record's id, and that record's table.
REFERENCES = {
    "member_id": "institution", "home_id": "institution", "from_id": "institution",
    "to_id": "institution", "provider_id": "institution", "institution_id": "institution",
    "staff_id": "staff", "agreement_id": "agreement", "rotation_id": "rotation",
}  # fmt: skip

Names = Mapping[str, Mapping[int, str]]
"""Table -> id -> the name shown for it (``read_names``)."""


_REFERENCE = re.compile(r'"(' + "|".join(REFERENCES) + r')": (\d+)')


def read_names(session: Any, entries: Iterable[Any]) -> dict[str, dict[int, str]]:
    """The names of the units, people, agreements (number and title) and rotations (the
    person, 派出单位→接收单位: a quarter row's entry names its rotation) ``entries`` refer to
    (found in their stored values), by id."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from ylt_desktop.store.models import Agreement, Institution, Rotation, Staff

    wanted: dict[str, set[int]] = {
        "institution": set(), "staff": set(), "agreement": set(), "rotation": set()
    }  # fmt: skip
    for entry in entries:
        for text in (entry.old_values, entry.new_values):
            for column, value in _REFERENCE.findall(text or ""):
                wanted[REFERENCES[column]].add(int(value))
    run = session.connection().execute
    names: dict[str, dict[int, str]] = {}
    for table, model, columns in (
        ("institution", Institution, (Institution.name,)),
        ("staff", Staff, (Staff.name,)),
        ("agreement", Agreement, (Agreement.number, Agreement.title)),
    ):
        ids = sorted(wanted[table])
        stmt = select(model.id, *columns)
        names[table] = {
            row[0]: " ".join(row[1:])
            for i in range(0, len(ids), 500)
            for row in run(stmt.where(model.id.in_(ids[i : i + 500]))).all()
        }
    giver, taker = aliased(Institution), aliased(Institution)
    stmt = (
        select(Rotation.id, Staff.name, giver.name, taker.name)
        .join(Staff, Rotation.staff_id == Staff.id)
        .join(giver, Rotation.from_id == giver.id)
        .join(taker, Rotation.to_id == taker.id)
    )
    ids = sorted(wanted["rotation"])
    names["rotation"] = {
        rid: f"{person} {a}→{b}"
        for i in range(0, len(ids), 500)
        for rid, person, a, b in run(stmt.where(Rotation.id.in_(ids[i : i + 500]))).all()
    }
    return names


def label(table: str, column: str) -> str:
    return FIELD_LABELS.get(table, {}).get(column) or _COMMON.get(column) or column


# Codes that are never an identity number, whatever their digits: shown whole.
UNMASKED = frozenset({"uscc"})


def mask_text(text: str) -> str:
    """Every identity number inside ``text`` masked (check character and birth date must
    hold: an all-digit 统一社会信用代码 is not one)."""
    return mask_identity_numbers(text)


def show(table: str, column: str, value: Any, names: Names | None = None) -> str:
    """One value as the forms show it; another record's id by its name when ``names`` has it."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict) and "sha256" in value:  # a stored file
        return f"{value.get('size', 0)} 字节，SHA-256 {str(value['sha256'])[:12]}…"
    if column == "id_number":
        return mask_id(str(value))
    if column in UNMASKED:
        return str(value)
    if column == "role" and table == "app_user":
        return ROLE_WORDS.get(value, str(value))
    if column == "action" and table == "quarter_event":
        return EVENT_WORDS.get(value, str(value))
    if column == "action" and table == "package_event":
        return PACKAGE_WORDS.get(value, str(value))
    if column == "db_kind" and table == "consortium":
        return KIND_WORDS.get(value, str(value))
    if column == "quarter" and re.fullmatch(r"\d{4}Q[1-4]", str(value)):
        return Quarter.parse(str(value)).label
    if column.endswith("_id") and isinstance(value, int):
        name = (names or {}).get(REFERENCES.get(column, ""), {}).get(value)
        return f"{mask_text(name)}（#{value}）" if name else f"#{value}"
    text = str(value)
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?", text):
        text = text[:16].replace("T", " ")
    return mask_text(text)


def _load(text: str | None) -> dict[str, Any]:
    return json.loads(text) if text else {}


# A part row's entry (a new or deleted quarter row, recipient, volume) starts with the record
# it belongs to and what it is of that record; the rest in the stored (alphabetical) order.
LEADING = {
    "rotation_quarter": ("rotation_id", "quarter"),
    "agreement_recipient": ("agreement_id", "institution_id"),
    "agreement_volume": ("agreement_id", "quarter", "measure"),
}


def _fields(entry: Any) -> list[tuple[str, Any, Any]]:
    old, new = _load(entry.old_values), _load(entry.new_values)
    keys = list(new) if entry.action == "update" else list(new or old)
    lead = [k for k in LEADING.get(entry.table_name, ()) if k in keys]
    keys = lead + [k for k in keys if k not in lead]
    return [(k, old.get(k), new.get(k)) for k in keys if k not in HIDDEN]


def details(entry: Any, names: Names | None = None) -> list[str]:
    """One line per field: ``实有床位：0 → 120`` (an update) or ``姓名：王芳``."""
    table, lines = entry.table_name, []
    for key, before, after in _fields(entry):
        name = label(table, key)
        if entry.action == "update":
            lines.append(
                f"{name}：{show(table, key, before, names)} → {show(table, key, after, names)}"
            )
        else:
            value = after if entry.action == "insert" else before
            lines.append(f"{name}：{show(table, key, value, names)}")
    return lines


def describe(entry: Any, *, width: int = 60, names: Names | None = None) -> str:
    """The one-line summary; a long value says only that it changed."""
    table, parts = entry.table_name, []
    for key, before, after in _fields(entry):
        name = label(table, key)
        if key in LONG and len(str(after if after is not None else before)) > width:
            parts.append(f"{name}（内容较长，见详情）")
        elif entry.action == "update":
            parts.append(
                f"{name}：{show(table, key, before, names)} → {show(table, key, after, names)}"
            )
        else:
            value = after if entry.action == "insert" else before
            parts.append(f"{name}：{show(table, key, value, names)}")
    return "；".join(parts)


def masked_values(text: str | None) -> Any:
    """The stored JSON with identity numbers masked (``ylt audit --json``)."""
    if not text:
        return None

    def walk(value: Any, key: object = None) -> Any:
        if isinstance(value, str):
            if key == "id_number":  # whatever its type and check character, as the list
                return mask_id(value)
            return value if key in UNMASKED else mask_text(value)
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        return value

    return walk(json.loads(text))
