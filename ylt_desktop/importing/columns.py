"""Which source column holds which field: header texts matched exactly, then normalised
(full-width → half-width, no spaces or punctuation), then through synonyms; a mapping the
user fixed is remembered per set of headers (key: a hash of the normalised headers).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ylt_desktop.domain.text import clean

KINDS: dict[str, str] = {
    "institutions": "成员单位",
    "staff": "人员",
    "rotations": "人员流动",
    "agreements": "资源共享协议",
    "figures": "运行指标",
}


@dataclass(frozen=True)
class Target:
    """One field an import can fill: its key, its Chinese label, other names, its value type."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    kind: str = "text"  # text, code, int, float, date


def _t(key: str, label: str, kind: str = "text", *synonyms: str) -> Target:
    return Target(key, label, synonyms, kind)


_NAME_SYNONYMS = (
    "单位名称",
    "医疗机构名称",
    "机构",
    "单位",
    "成员单位",
    "成员单位名称",
    "医院名称",
)
_STAFF_FIELDS = (
    _t("name", "姓名", "text", "人员姓名", "名字", "人员"),
    _t("sex", "性别"),
    _t("id_type", "证件类型", "text", "证件种类"),
    _t(
        "id_number",
        "证件号码",
        "code",
        "身份证号",
        "身份证号码",
        "居民身份证号码",
        "证件号",
        "公民身份号码",
        "身份证",
    ),  # fmt: skip
    _t("licence_code", "执业证书编码", "code", "执业证书编号", "医师执业证书编码", "执业证号"),
    _t("title", "职称", "text", "专业技术职称", "技术职称", "职务职称"),
    _t("specialty", "专业", "text", "科室", "专业科室", "所在科室"),
    _t("home", "所属机构", "text", "所属单位", "工作单位", "人员所属单位"),
)

TARGETS: dict[str, tuple[Target, ...]] = {
    "institutions": (
        _t("name", "机构名称", "text", *_NAME_SYNONYMS),
        _t("uscc", "统一社会信用代码", "code", "社会信用代码", "信用代码", "统一代码", "USCC"),
        _t(
            "licence_no",
            "医疗机构执业许可证登记号",
            "code",
            "执业许可证登记号",
            "许可证登记号",
            "执业许可证号",
        ),  # fmt: skip
        _t("division", "行政区划代码", "code", "区划代码", "行政区划", "地区代码"),
        _t("category", "机构类别", "text", "机构类型", "单位类别", "医疗机构类别"),
        _t("level", "机构等级", "text", "医院等级", "等级", "级别"),
        _t("ownership", "经济类型", "text", "所有制", "所有制形式", "经济性质"),
        _t("role", "医联体角色", "text", "角色", "成员类型"),
        _t("joined", "加入日期", "date", "加入时间", "入联日期"),
        _t("left", "退出日期", "date", "退出时间"),
        _t("beds_authorised", "编制床位", "int", "编制床位数", "核定床位", "核定床位数"),
        _t("beds_actual", "实有床位", "int", "实有床位数", "实际开放床位", "开放床位"),
        _t("staff_total", "在岗职工", "int", "在岗职工数", "职工总数", "在岗人数"),
        _t("health_tech_staff", "卫生技术人员", "int", "卫生技术人员数", "卫技人员"),
        _t("doctors", "执业(助理)医师", "int", "执业助理医师", "执业医师", "医师数"),
        _t("nurses", "注册护士", "int", "护士", "注册护士数", "护士数"),
        _t("address", "地址", "text", "单位地址", "详细地址"),
        _t("contact", "联系人"),
        _t("phone", "联系电话", "text", "电话", "手机", "联系方式"),
    ),
    "staff": _STAFF_FIELDS,
    "rotations": (
        *(t for t in _STAFF_FIELDS if t.key != "home"),
        _t("from", "派出单位", "text", "派出机构", "原单位"),
        _t("to", "接收单位", "text", "接收机构", "下沉单位", "帮扶单位", "受援单位"),
        _t("form", "流动形式", "text", "形式", "下沉形式"),
        _t("start", "开始日期", "date", "开始时间", "起始日期", "下沉开始日期"),
        _t("end", "结束日期", "date", "结束时间", "截止日期", "下沉结束日期"),
        _t("days", "本季度工作天数", "int", "工作天数", "天数", "下沉天数"),
        _t("outpatient", "门急诊人次", "int", "门诊人次", "门急诊量"),
        _t("procedures", "手术/操作台次", "int", "手术台次", "手术操作台次"),
        _t("trainees", "带教培训人次", "int", "培训人次", "带教人次"),
        _t("rounds", "查房次数", "int", "查房"),
        _t("lectures", "讲座次数", "int", "讲座"),
        _t("note", "备注", "text", "说明"),
    ),
    "agreements": (
        _t("number", "协议编号", "code", "编号", "合同编号"),
        _t("title", "协议名称", "text", "名称", "合同名称"),
        _t("kind", "共享类型", "text", "类型", "协议类型", "资源共享类型"),
        _t("provider", "提供方", "text", "提供单位", "甲方"),
        _t("recipients", "接收方", "text", "接收单位", "乙方"),
        _t("signed", "签订日期", "date", "签署日期", "签约日期"),
        _t("effective_from", "生效日期", "date", "开始日期", "起始日期"),
        _t("effective_to", "终止日期", "date", "协议期限至", "到期日期", "截止日期", "结束日期"),
        _t("share", "利益分配比例", "text", "分配比例", "利益分配"),
        _t("volumes", "本季度服务量", "text", "服务量"),
    ),
    "figures": (
        _t("name", "机构名称", "text", *_NAME_SYNONYMS),
        _t("visits", "诊疗人次", "int", "总诊疗人次", "诊疗量"),
        _t(
            "tcm_visits",
            "其中中医类诊疗人次",
            "int",
            "中医类诊疗人次",
            "其中中医类",
            "中医诊疗人次",
        ),
        _t("discharges", "出院人次", "int", "出院人数"),
        _t("up_outpatient", "上转人次(门诊)", "int", "门诊上转人次", "上转门诊"),
        _t("up_inpatient", "上转人次(住院)", "int", "住院上转人次", "上转住院"),
        _t("down_outpatient", "下转人次(门诊)", "int", "门诊下转人次", "下转门诊"),
        _t("down_inpatient", "下转人次(住院)", "int", "住院下转人次", "下转住院"),
        _t("received_up", "接收上转人次", "int", "接收上转"),
        _t("received_down", "接收下转人次", "int", "接收下转"),
        _t("contracts", "家庭医生签约人数", "int", "签约人数", "家庭医生签约"),
        _t("key_contracts", "其中重点人群签约人数", "int", "重点人群签约人数"),
        _t("population", "服务常住人口", "int", "常住人口", "服务人口"),
        _t("key_population", "其中重点人群人数", "int", "重点人群人数"),
    ),
}
# Columns of the return that are derived on export and ignored on import.
IGNORED: frozenset[str] = frozenset({"序号", "流动方向", "流动性质", "状态", "实际终止日期"})
_BRACKETS = re.compile(r"[(（【\[][^)）】\]]*[)）】\]]")
_PUNCT = re.compile(r"[\s\-_/\\()（）【】\[\]<>《》「」:：,，.。;；、·*＊\"'“”‘’!！?？]+")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), no invisible characters, lower-case, without spaces or
    punctuation."""
    return _PUNCT.sub("", clean(text)).lower()


def targets(kind: str) -> tuple[Target, ...]:
    try:
        return TARGETS[kind]
    except KeyError:
        raise ValueError(f"未知的导入类型：{kind}（应为 {'、'.join(KINDS)}）") from None


def target_labels(kind: str) -> dict[str, str]:
    return {t.key: t.label for t in targets(kind)}


def _lookup(kind: str) -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for t in targets(kind):
        exact.setdefault(t.label, t.key)
        for name in (t.label, *t.synonyms):
            loose.setdefault(normalise(name), t.key)
    return exact, loose


def match_one(text: str, kind: str, group: str = "") -> str | None:
    """The field ``text`` names, or None: exact label, then normalised label or synonym."""
    text = (text or "").strip()
    if not text or text in IGNORED:
        return None
    exact, loose = _lookup(kind)
    if text in exact:
        return exact[text]
    key = normalise(text)
    if key in loose:
        return loose[key]
    bare = normalise(_BRACKETS.sub("", text))  # 统一社会信用代码（18位）
    if bare in loose:
        return loose[bare]
    if group:
        return loose.get(normalise(group + text))
    return None


def match_columns(texts: list[str], kind: str, groups: list[str] | None = None) -> list[str | None]:
    """One field (or None) per column. Two columns naming one field (two 机构名称 columns, or a
    header and its synonym) both get it, so ``check_mapping`` refuses the file naming both
    rather than silently importing one and dropping the other."""
    groups = groups or [""] * len(texts)
    out = [match_one(text, kind, group) for text, group in zip(texts, groups, strict=False)]
    return out + [None] * (len(texts) - len(out))


def header_score(texts: list[str], kind: str) -> int:
    """How many cells of a row are known headers of ``kind`` (0 for a title or data row)."""
    found = {match_one(t, kind) for t in texts if t}
    found.discard(None)
    return len(found) if len(found) >= 2 else 0


def mapping_key(kind: str, texts: list[str]) -> str:
    digest = hashlib.sha256("|".join(normalise(t) for t in texts).encode()).hexdigest()[:24]
    return f"import.mapping.{kind}.{digest}"


def check_mapping(
    mapping: list[str | None], kind: str, names: list[str] | None = None
) -> list[str]:
    """Messages for a mapping that cannot work: unknown fields, a field given to two or more
    columns (named from ``names``, one per column, such as ``B列（机构名称）``)."""
    known = target_labels(kind)
    messages = []
    columns: dict[str, list[int]] = {}
    for i, key in enumerate(mapping):
        if key is None:
            continue
        if key not in known:
            messages.append(f"未知的字段“{key}”")
        else:
            columns.setdefault(key, []).append(i)
    for key, found in columns.items():
        if len(found) < 2:
            continue
        listed = "、".join(names[i] if names and i < len(names) else f"第{i + 1}列" for i in found)
        messages.append(
            f"“{known[key]}”对应了多个列：{listed}；每个字段只能对应一列。请删除或改名多余的列"
            "（或在“列对应”中把不用的列设为“不导入”）后再导入"
        )
    return messages
