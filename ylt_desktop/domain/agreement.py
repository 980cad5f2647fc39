"""Resource-sharing agreement (资源共享协议) rules of DESIGN.md §1 and its status (§4).

Dates: ``effective_from`` is 生效日期, ``effective_to`` the agreed 终止日期 (after which the
agreement is 到期), ``terminated_on`` the date it was ended by hand (提前终止), from which day
on it is 终止. It is in force (生效) on the days between, never on its termination date.
Uniqueness of the number needs the database and is checked by the store.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import ric_in_text_problems, unless_kept
from ylt_desktop.domain.periods import Quarter, overlap_days
from ylt_desktop.domain.problems import Problem, error
from ylt_desktop.domain.text import break_message, has_break

OTHER_KIND = "其他"
SHARE_TOTAL = 100.0
SHARE_TOLERANCE = 0.01
# Upper bounds of one agreement's quarterly volume: far above any county (a county's drugs
# for a quarter cost well under ten billion yuan), low enough that every figure stays exact.
MONEY_MAX = 100_000_000_000.0  # 配送金额(元)
VOLUME_MAX = 100_000_000.0  # 人次, 例数, 台次 …

DRAFT = "草拟"
PENDING = "待生效"
IN_FORCE = "生效"
EXPIRED = "到期"
TERMINATED = "终止"


@dataclass
class AgreementData:
    """What a form or an import row holds for one agreement; volumes keyed (``2026Q3``, measure)."""

    number: str = ""
    title: str = ""
    kind: str = ""
    provider_id: int | None = None
    recipient_ids: list[int] = field(default_factory=list)
    signed: dt.date | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    terminated_on: dt.date | None = None
    termination_reason: str = ""
    provider_share: float | None = None
    recipient_shares: dict[int, float] = field(default_factory=dict)
    other_measure: str = ""
    volumes: dict[tuple[str, str], float] = field(default_factory=dict)


def status_on(
    day: dt.date,
    *,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    terminated_on: dt.date | None,
) -> str:
    """草拟 / 待生效 / 生效 / 到期 / 终止 on ``day``, per DESIGN.md §4."""
    if terminated_on is not None and day >= terminated_on:
        return TERMINATED
    if effective_from is None:
        return DRAFT
    if day < effective_from:
        return PENDING
    if effective_to is not None and day > effective_to:
        return EXPIRED
    return IN_FORCE


def in_force_days(
    *,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    terminated_on: dt.date | None,
) -> tuple[dt.date, dt.date | None] | None:
    """First and last day with status 生效 (last ``None`` = open-ended); ``None`` if never."""
    if effective_from is None:
        return None
    last = effective_to
    if terminated_on is not None:
        day_before = terminated_on - dt.timedelta(days=1)
        last = day_before if last is None else min(last, day_before)
    if last is not None and last < effective_from:
        return None
    return effective_from, last


def in_force_in(
    quarter: Quarter,
    *,
    effective_from: dt.date | None,
    effective_to: dt.date | None,
    terminated_on: dt.date | None,
) -> bool:
    """Whether the agreement is 生效 on at least one day of ``quarter``."""
    span = in_force_days(
        effective_from=effective_from, effective_to=effective_to, terminated_on=terminated_on
    )
    if span is None:
        return False
    return overlap_days(span[0], span[1], quarter.first_day, quarter.last_day) > 0


def measures_for(kind: str, other_measure: str = "") -> tuple[str, ...]:
    """The quarterly measures of ``kind``; 其他 takes the one the clerk named."""
    if kind == OTHER_KIND:
        name = (other_measure or "").strip()
        return (name,) if name else ()
    return lists.AGREEMENT_MEASURES.get(kind, ())


def expires_within(today: dt.date, effective_to: dt.date | None, days: int = 30) -> bool:
    """Whether the agreed end date falls between today and ``days`` days from now."""
    if effective_to is None:
        return False
    return today <= effective_to <= today + dt.timedelta(days=days)


def missing_volumes(d: AgreementData, quarter: Quarter) -> list[str]:
    """Measures without a figure for ``quarter``, when the agreement is in force in it."""
    if not in_force_in(quarter, **_dates(d)):
        return []
    return [m for m in measures_for(d.kind, d.other_measure) if (str(quarter), m) not in d.volumes]


def validate_agreement(d: AgreementData, *, stored: AgreementData | None = None) -> list[Problem]:
    """Every rule one agreement breaks; ``stored``: the agreement as saved, when it is one
    (a text saved before a rule existed is kept as a warning, ``codes.unless_kept``)."""
    problems = _check_required(d)
    problems += _check_parties(d)
    problems += _check_dates(d)
    problems += _check_shares(d)
    problems += _check_volumes(d)
    problems += _ids_in_text(d, stored)
    return problems


# Free texts shown as typed on 表4/表5, in the lists and in packages: never an identity number.
# 其他's measure name is one only for that kind (the store keeps it empty otherwise).
_TEXTS = (("title", "协议名称"), ("termination_reason", "终止原因"))
_OTHER_MEASURE = ("other_measure", "服务量指标名称")


def _ids_in_text(d: AgreementData, stored: AgreementData | None) -> list[Problem]:
    problems = []
    for field_name, label in (*_TEXTS, *((_OTHER_MEASURE,) if d.kind == OTHER_KIND else ())):
        value = getattr(d, field_name)
        before = getattr(stored, field_name) if stored is not None else None
        problems += unless_kept(ric_in_text_problems(value, field_name, label), value, before)
    return problems


def terms_problems(terms: str | None, *, stored: str | None = None) -> list[Problem]:
    """The rules of an agreement's 协议条款 (kept apart from ``AgreementData``)."""
    return unless_kept(ric_in_text_problems(terms, "terms", "协议条款"), terms, stored)


def _dates(d: AgreementData) -> dict[str, dt.date | None]:
    return {
        "effective_from": d.effective_from,
        "effective_to": d.effective_to,
        "terminated_on": d.terminated_on,
    }


def _check_required(d: AgreementData) -> list[Problem]:
    problems = []
    if not (d.number or "").strip():
        problems.append(error("number", "协议编号为必填项"))
    elif has_break(d.number):
        problems.append(error("number", break_message("协议编号")))
    if not (d.title or "").strip():
        problems.append(error("title", "协议名称为必填项"))
    elif has_break(d.title):
        problems.append(error("title", break_message("协议名称")))
    if not d.kind:
        problems.append(error("kind", "共享类型为必填项"))
    elif d.kind not in lists.AGREEMENT_MEASURES:
        problems.append(error("kind", f"共享类型“{d.kind}”不在规定的选项中"))
    elif d.kind == OTHER_KIND and not (d.other_measure or "").strip():
        problems.append(error("other_measure", "共享类型为“其他”时须填写服务量指标名称"))
    return problems


def _check_parties(d: AgreementData) -> list[Problem]:
    problems = []
    if d.provider_id is None:
        problems.append(error("provider_id", "提供方为必填项"))
    if not d.recipient_ids:
        problems.append(error("recipient_ids", "接收方至少选择一家成员单位"))
    elif d.provider_id is not None and d.provider_id in d.recipient_ids:
        problems.append(error("recipient_ids", "提供方不得同时作为接收方"))
    if len(set(d.recipient_ids)) != len(d.recipient_ids):
        problems.append(error("recipient_ids", "接收方有重复"))
    return problems


def _check_dates(d: AgreementData) -> list[Problem]:
    problems = []
    if d.effective_from and d.effective_to and d.effective_to < d.effective_from:
        problems.append(error("effective_to", "终止日期不得早于生效日期"))
    reason = (d.termination_reason or "").strip()
    if d.terminated_on is not None and not reason:
        problems.append(error("termination_reason", "提前终止协议须填写终止原因"))
    if reason and d.terminated_on is None:
        problems.append(error("terminated_on", "提前终止协议须填写提前终止日期"))
    return problems


def _check_shares(d: AgreementData) -> list[Problem]:
    """When any share is given, all must be ≥ 0, name recipients, and add up to 100%."""
    if d.provider_share is None and not d.recipient_shares:
        return []
    problems = []
    if d.provider_share is not None and not 0 <= d.provider_share <= SHARE_TOTAL:
        problems.append(error("provider_share", "提供方分配比例须为 0 到 100 之间的数"))
    for rid, share in d.recipient_shares.items():
        if rid not in d.recipient_ids:
            problems.append(error(f"recipient_shares.{rid}", "分配比例所列单位不是本协议的接收方"))
        elif not 0 <= share <= SHARE_TOTAL:  # NaN and inf fail this too
            problems.append(
                error(f"recipient_shares.{rid}", "接收方分配比例须为 0 到 100 之间的数")
            )
    total = (d.provider_share or 0.0) + sum(d.recipient_shares.values())
    if abs(total - SHARE_TOTAL) > SHARE_TOLERANCE:
        problems.append(
            error(
                "provider_share", f"利益分配比例合计须为 100%（提供方与各接收方合计为 {total:g}%）"
            )
        )
    return problems


def _validity_text(d: AgreementData) -> str:
    span = in_force_days(**_dates(d))
    if span is None:
        return "协议从未生效" if d.effective_from else "协议尚未填写生效日期"
    first, last = span
    return f"有效期 {first} 至 {last}" if last else f"有效期自 {first} 起"


def _check_volumes(d: AgreementData) -> list[Problem]:
    allowed = measures_for(d.kind, d.other_measure)
    # With the end before the start the validity is unknown; that date error says enough.
    dates_ok = not (d.effective_from and d.effective_to and d.effective_to < d.effective_from)
    problems = []
    for (key, measure), value in d.volumes.items():
        name = f"volumes.{key}.{measure}"
        try:
            quarter = Quarter.parse(key)
        except ValueError as exc:
            problems.append(error(name, str(exc)))
            continue
        if allowed and d.kind in lists.AGREEMENT_MEASURES and measure not in allowed:
            expected = "、".join(allowed)
            problems.append(
                error(name, f"“{measure}”不是“{d.kind}”协议的服务量指标（应为：{expected}）")
            )
        if value is None or not 0 <= value < math.inf:  # "inf" and "nan" parse as floats
            problems.append(error(name, f"{quarter.label}“{measure}”须为不小于 0 的数"))
        elif value > (top := MONEY_MAX if "金额" in measure else VOLUME_MAX):
            problems.append(error(name, f"{quarter.label}“{measure}”超过上限：不得大于{top:,.0f}"))
        if dates_ok and not in_force_in(quarter, **_dates(d)):
            problems.append(
                error(
                    name,
                    f"协议在{quarter.label}不在有效期内（{_validity_text(d)}），不能填写该季度服务量",
                )
            )
    return problems
