"""The fixed lists of DESIGN.md §1. Values are the Chinese words stored in the database."""

from __future__ import annotations

CONSORTIUM_KINDS: tuple[str, ...] = ("城市医疗集团", "县域医共体", "专科联盟", "远程医疗协作网")

CATEGORIES: tuple[str, ...] = (
    "综合医院",
    "中医医院",
    "中西医结合医院",
    "民族医院",
    "专科医院",
    "妇幼保健院",
    "社区卫生服务中心",
    "社区卫生服务站",
    "乡镇卫生院",
    "村卫生室",
    "康复医院",
    "护理院",
    "专业公共卫生机构",
    "其他",
)
# Categories that may leave the USCC empty.
USCC_OPTIONAL_CATEGORIES: frozenset[str] = frozenset({"村卫生室", "社区卫生服务站"})
# Grassroots (基层) categories: township, community and village units (demo data, 表7 shares).
GRASSROOTS_CATEGORIES: frozenset[str] = frozenset(
    {"乡镇卫生院", "社区卫生服务中心", "社区卫生服务站", "村卫生室"}
)
# Tiers of DESIGN.md §1 that a category fixes whatever the level: village-level units (4) and
# county- or township-level units (3); other categories take their tier from the level.
VILLAGE_CATEGORIES: frozenset[str] = frozenset({"村卫生室", "社区卫生服务站"})
TOWNSHIP_CATEGORIES: frozenset[str] = frozenset(
    {"乡镇卫生院", "社区卫生服务中心", "专业公共卫生机构"}
)
TIER_NAMES: dict[int, str] = {1: "三级", 2: "二级", 3: "县乡级", 4: "村级"}

LEVELS: tuple[str, ...] = (
    "三级甲等",
    "三级乙等",
    "三级",
    "二级甲等",
    "二级乙等",
    "二级",
    "一级",
    "未定级",
)

OWNERSHIPS: tuple[str, ...] = ("公立", "社会办非营利", "社会办营利")

ROLE_LEAD = "牵头单位"
ROLE_MEMBER = "成员单位"
ROLES: tuple[str, ...] = (ROLE_LEAD, ROLE_MEMBER)

SEXES: tuple[str, ...] = ("男", "女")

ID_RIC = "居民身份证"
ID_TYPES: tuple[str, ...] = (ID_RIC, "港澳台居民居住证", "护照")

TITLES: tuple[str, ...] = (
    "主任医师",
    "副主任医师",
    "主治医师",
    "医师",
    "主任护师",
    "副主任护师",
    "主管护师",
    "护师",
    "护士",
    "主任技师",
    "副主任技师",
    "主管技师",
    "技师",
    "其他",
)

SPECIALTIES: tuple[str, ...] = (
    "内科",
    "外科",
    "儿科",
    "妇产科",
    "中医科",
    "全科",
    "急诊科",
    "眼科",
    "耳鼻咽喉科",
    "口腔科",
    "皮肤科",
    "康复医学科",
    "麻醉科",
    "影像",
    "检验",
    "病理",
    "药学",
    "护理",
    "公共卫生",
)

ROTATION_FORMS: tuple[str, ...] = (
    "派驻",
    "坐诊/巡诊",
    "带教/查房",
    "多点执业",
    "晋升前基层服务",
    "进修学习",
)
FULL_TIME_FORMS: frozenset[str] = frozenset({"派驻", "晋升前基层服务", "进修学习"})

# 流动方向, from the units' tiers on the rotation's start date (stored on the rotation).
DIRECTION_DOWN = "下沉"
DIRECTION_UP = "上派"
DIRECTION_LEVEL = "平级交流"
DIRECTIONS: tuple[str, ...] = (DIRECTION_DOWN, DIRECTION_UP, DIRECTION_LEVEL)
# 流动性质, from the direction and the form: what the return counts.
PURPOSE_DOWN = "下沉"
PURPOSE_TRAINING = "上派进修"
PURPOSE_LEVEL = "平级交流"
PURPOSE_UP_OTHER = "上派（其他）"
PURPOSES: tuple[str, ...] = (PURPOSE_DOWN, PURPOSE_TRAINING, PURPOSE_LEVEL, PURPOSE_UP_OTHER)
TRAINING_FORM = "进修学习"

AGREEMENT_STATUSES: tuple[str, ...] = ("草拟", "待生效", "生效", "到期", "终止")

# Agreement kinds and the quarterly measures that belong to each (DESIGN.md §1).
AGREEMENT_MEASURES: dict[str, tuple[str, ...]] = {
    "检查检验结果互认": ("互认项目数", "互认人次"),
    "区域医学影像中心": ("影像诊断例数",),
    "区域检验中心": ("检验标本数",),
    "区域病理诊断中心": ("病理诊断例数",),
    "区域心电诊断中心": ("心电诊断例数",),
    "区域消毒供应中心": ("消毒包数",),
    "后勤服务中心": ("后勤服务次数",),
    "远程会诊": ("远程会诊例数",),
    "大型设备共享": ("设备检查人次",),
    "药品统一采购配送": ("配送金额(元)",),
    "中药饮片集中供应": ("配送金额(元)",),
    "医院制剂调剂": ("调剂制剂数量",),
    "门诊号源/床位共享": ("预留号源数", "预留床位数"),
    "联合病房": ("联合病房收治人次", "床日数"),
    "名医工作室/专科门诊": ("工作室门诊人次",),
    "双向转诊绿色通道": ("上转人次", "下转人次"),
    "其他": (),  # takes a measure named by the clerk
}
AGREEMENT_KINDS: tuple[str, ...] = tuple(AGREEMENT_MEASURES)

ROTATION_VOLUMES: tuple[str, ...] = (
    "门急诊人次",
    "手术/操作台次",
    "带教培训人次",
    "查房次数",
    "讲座次数",
)

USER_ROLES: tuple[str, ...] = ("填表人", "审核人", "管理员")
