"""The demo consortium's resource-sharing agreements, deterministic from the seed and today.

About forty agreements from the county hospitals to the township health centres and village
clinics, with eight quarters of volumes before today's quarter; a few drafts (草拟), two that
expired (到期), one terminated (终止), one pending (待生效) and two that expire within 30 days.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ylt_desktop.domain.agreement import AgreementData, in_force_days, measures_for
from ylt_desktop.domain.periods import Quarter, overlap_days
from ylt_desktop.store import agreements as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.institutions import list_institutions
from ylt_desktop.store.tx import all_or_nothing

QUARTERS_OF_VOLUMES = 8

# Quarterly volume per recipient, roughly, for each measure.
BASE = {
    "互认项目数": 45,
    "互认人次": 900,
    "影像诊断例数": 260,
    "检验标本数": 1400,
    "病理诊断例数": 35,
    "心电诊断例数": 320,
    "消毒包数": 600,
    "后勤服务次数": 40,
    "远程会诊例数": 28,
    "设备检查人次": 75,
    "配送金额(元)": 180000,
    "调剂制剂数量": 1500,
    "预留号源数": 120,
    "预留床位数": 6,
    "联合病房收治人次": 45,
    "床日数": 380,
    "工作室门诊人次": 420,
    "上转人次": 55,
    "下转人次": 38,
    "孕产妇随访人次": 90,
}


@dataclass(frozen=True)
class Plan:
    kind: str
    provider: str  # key into the provider names below
    title: str
    group: str  # "towns" or "villages"
    size: int  # recipients per agreement
    count: int  # how many such agreements
    shares: bool = False
    other_measure: str = ""


PLANS = (
    Plan("检查检验结果互认", "lead", "检查检验结果互认协议", "towns", 12, 1),
    Plan("区域医学影像中心", "lead", "区域医学影像中心共享协议", "towns", 4, 3, shares=True),
    Plan("区域检验中心", "lead", "区域检验中心共享协议", "towns", 4, 3, shares=True),
    Plan("区域心电诊断中心", "lead", "区域心电诊断中心共享协议", "towns", 4, 3, shares=True),
    Plan("区域病理诊断中心", "lead", "区域病理诊断中心共享协议", "towns", 12, 1, shares=True),
    Plan("远程会诊", "lead", "远程会诊服务协议", "towns", 3, 4),
    Plan("药品统一采购配送", "lead", "药品统一采购配送协议", "villages", 10, 3),
    Plan("中药饮片集中供应", "tcm", "中药饮片集中供应协议", "towns", 6, 2),
    Plan("双向转诊绿色通道", "lead", "双向转诊绿色通道协议", "towns", 2, 8),
    Plan("名医工作室/专科门诊", "tcm", "名中医工作室协议", "towns", 1, 2),
    Plan("区域消毒供应中心", "lead", "区域消毒供应中心服务协议", "towns", 4, 1, shares=True),
    Plan("联合病房", "mch", "妇产科联合病房协议", "towns", 1, 1, shares=True),
    Plan("门诊号源/床位共享", "lead", "专家号源与床位预留协议", "towns", 6, 1),
    Plan("大型设备共享", "lead", "CT/MRI 大型设备共享协议", "towns", 2, 1, shares=True),
    Plan("医院制剂调剂", "tcm", "院内中药制剂调剂使用协议", "towns", 6, 1),
    Plan(
        "其他", "mch", "孕产妇健康管理协作协议", "villages", 10, 1, other_measure="孕产妇随访人次"
    ),
    Plan("后勤服务中心", "lead", "后勤服务中心（被服洗涤）协议", "towns", 3, 1),
)
DRAFTS = (
    ("区域医学影像中心", "lead", "区域医学影像中心二期共享协议（草案）", "towns", 4),
    ("远程会诊", "mch", "妇幼远程会诊协议（草案）", "towns", 4),
    ("双向转诊绿色通道", "tcm", "中医双向转诊绿色通道协议（草案）", "towns", 3),
)


def _chunks(items: list, size: int, count: int, rng: random.Random) -> list[list]:
    """``count`` recipient groups of ``size``, cycling through ``items`` from a random start."""
    start = rng.randrange(len(items))
    rotated = items[start:] + items[:start]
    return [
        [rotated[(k * size + j) % len(rotated)] for j in range(min(size, len(items)))]
        for k in range(count)
    ]


def _shares(n: int, provider: float) -> tuple[float, list[float]]:
    each = round((100 - provider) / n, 2)
    rest = round(100 - provider - each * (n - 1), 2)
    return provider, [each] * (n - 1) + [rest]


def _volumes(
    rng: random.Random, d: AgreementData, n: int, quarters: list[Quarter]
) -> dict[tuple[str, str], float]:
    span = in_force_days(
        effective_from=d.effective_from, effective_to=d.effective_to, terminated_on=d.terminated_on
    )
    if span is None:
        return {}
    volumes = {}
    for k, q in enumerate(quarters):
        days = overlap_days(span[0], span[1], q.first_day, q.last_day)
        if not days:
            continue
        part = days / q.days
        growth = 1 + 0.03 * k  # services grow as the consortium settles in
        season = (0.92, 1.0, 1.04, 1.06)[q.q - 1]
        for m in measures_for(d.kind, d.other_measure):
            value = BASE[m] * n * part * growth * season * rng.uniform(0.85, 1.15)
            volumes[(str(q), m)] = round(value, -2) if m == "配送金额(元)" else round(value)
    return volumes


def _dates(
    rng: random.Random, first: Quarter, today: dt.date
) -> tuple[dt.date, dt.date, dt.date | None]:
    start = first.first_day - dt.timedelta(days=rng.randint(0, 400))
    signed = start - dt.timedelta(days=rng.randint(5, 40))
    # Ends well after today (or open-ended); the few that expire are set by ``_special``.
    years = rng.choice((1, 2, 2, 3, 0))
    end = None if years == 0 else dt.date(today.year + years, 12, 31)
    return signed, start, end


def _special(d: AgreementData, n: int, today: dt.date, quarters: list[Quarter]) -> None:
    """Give a few agreements the states the demo must show, by their place in the list."""
    if n in (3, 11):  # 到期 some quarters ago
        d.effective_to = quarters[3 if n == 3 else 5].last_day
    elif n == 7:  # 终止 by hand two quarters ago
        d.terminated_on = quarters[-2].first_day + dt.timedelta(days=40)
        d.termination_reason = "接收方业务调整，经双方协商提前终止"
    elif n in (5, 16):  # expires within 30 days of today
        d.effective_to = today + dt.timedelta(days=12 if n == 5 else 26)
    elif n == 20:  # signed, takes effect next month
        d.effective_from = today + dt.timedelta(days=35)
        d.signed = today - dt.timedelta(days=3)


def demo_agreement_data(
    ids: dict[str, object], *, seed: int, today: dt.date
) -> list[AgreementData]:
    """The demo agreements for the given institution ids (``lead``, ``tcm``, ``mch``,
    ``towns``, ``villages``), before they are stored."""
    rng = random.Random(f"{seed}-agreements")
    current = Quarter.containing(today)
    quarters = [current]
    for _ in range(QUARTERS_OF_VOLUMES):
        quarters.insert(0, quarters[0].prev())
    quarters = quarters[:-1]  # the eight quarters before today's
    result: list[AgreementData] = []
    for plan in PLANS:
        for group in _chunks(list(ids[plan.group]), plan.size, plan.count, rng):
            signed, start, end = _dates(rng, quarters[0], today)
            d = AgreementData(
                title=plan.title,
                kind=plan.kind,
                other_measure=plan.other_measure,
                provider_id=ids[plan.provider],
                recipient_ids=sorted(group),
                signed=signed,
                effective_from=start,
                effective_to=end,
            )
            if plan.shares:
                d.provider_share, rest = _shares(len(group), rng.choice((30.0, 40.0, 50.0)))
                d.recipient_shares = dict(zip(d.recipient_ids, rest, strict=True))
            _special(d, len(result), today, quarters)
            d.volumes = _volumes(rng, d, len(group), quarters)
            result.append(d)
    for kind, provider, title, group_name, size in DRAFTS:
        (group,) = _chunks(list(ids[group_name]), size, 1, rng)
        result.append(
            AgreementData(
                title=title, kind=kind, provider_id=ids[provider], recipient_ids=sorted(group)
            )
        )
    seq: dict[int, int] = {}
    for d in result:
        year = (d.effective_from or d.signed or today).year
        seq[year] = seq.get(year, 0) + 1
        d.number = f"YGT-{year}-{seq[year]:03d}"
    return result


def build_demo_agreements(db: Database, *, seed: int, today: dt.date) -> None:
    """Store the demo agreements, all or nothing."""
    with db.session() as s:
        insts = list_institutions(s)
    by_name = {i.name: i.id for i in insts}
    ids: dict[str, object] = {
        "lead": by_name["示例县人民医院"],
        "tcm": by_name["示例县中医医院"],
        "mch": by_name["示例县妇幼保健院"],
        "towns": [i.id for i in insts if i.category == "乡镇卫生院"],
        "villages": [i.id for i in insts if i.category == "村卫生室"],
    }
    terms = "双方按医联体章程开展资源共享，提供方负责技术支持与质量控制，接收方按季度报送服务量。"
    with db.session() as s, all_or_nothing(s):
        for data in demo_agreement_data(ids, seed=seed, today=today):
            store.create_agreement(s, data=data, terms=terms)
