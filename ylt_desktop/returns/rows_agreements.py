"""表4 (the resource-sharing agreements) and 表5 (their summary by kind) of the return.

Every figure follows DESIGN.md §4; the agreements are the records ``load.py`` reads (or ORM
``Agreement`` objects with provider, recipients and the quarter's volumes loaded).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import measures_for, status_on
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns import query
from ylt_desktop.returns.templates import VOLUME_PREFIX
from ylt_desktop.store.models import Agreement, Institution

Record = dict[str, Any]


# --- 表4 ---------------------------------------------------------------------------


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def exact_sum(values: Iterable[int | float | None]) -> int | float:
    """The sum a clerk gets on paper: each value taken as the decimal it shows (``None`` is 0).

    Binary floats would print 1.1 + 2.2 as 3.3000000000000003 on the signed return.
    """
    values = list(values)
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        return sum(v or 0 for v in values)  # refused as input (domain rules); never raises
    total = sum(
        (Decimal(repr(v)) if isinstance(v, float) else Decimal(v or 0) for v in values),
        Decimal(0),
    )
    return int(total) if total == total.to_integral_value() else float(total)


def agreement_measures(agreement: Agreement) -> tuple[str, ...]:
    return measures_for(agreement.kind, agreement.other_measure)


def volumes_text(agreement: Agreement, quarter: Quarter) -> str:
    """``指标：数量；…`` in the kind's measure order; measures not entered are left out."""
    volumes = query.quarter_volumes(agreement, quarter)
    order = list(agreement_measures(agreement))
    order += sorted(m for m in volumes if m not in order)
    return "；".join(f"{m}：{_number(volumes[m]):.15g}" for m in order if m in volumes)


def share_text(agreement: Agreement, names: dict[int, Institution]) -> str:
    parts = []
    if agreement.provider_share is not None:
        parts.append(f"提供方{agreement.provider_share:.15g}%")
    for rec in agreement.recipients:
        if rec.share is not None:
            parts.append(f"{names[rec.institution_id].name}{rec.share:.15g}%")
    return "；".join(parts)


def agreement_records(
    agreements: Iterable[Agreement], quarter: Quarter, institutions: dict[int, Institution]
) -> list[Record]:
    records = []
    for n, a in enumerate(agreements, 1):
        volumes = query.quarter_volumes(a, quarter)
        status = status_on(
            quarter.last_day,
            effective_from=a.effective_from,
            effective_to=a.effective_to,
            terminated_on=a.terminated_on,
        )
        record: Record = {
            "seq": n,
            "number": a.number,
            "title": a.title,
            "kind": a.kind
            if a.kind != "其他" or not a.other_measure
            else f"其他（{a.other_measure}）",
            "provider": a.provider.name,
            "recipients": "、".join(institutions[r.institution_id].name for r in a.recipients),
            "signed": a.signed,
            "effective_from": a.effective_from,
            "effective_to": a.effective_to,
            "status": status,
            # 实际终止日期: only for an agreement terminated by the quarter's end
            "terminated_on": a.terminated_on if status == "终止" else None,
            "share": share_text(a, institutions),
            "volumes_text": volumes_text(a, quarter),
        }
        record.update({VOLUME_PREFIX + m: _number(v) for m, v in volumes.items()})
        records.append(record)
    return records


# --- 表5 ---------------------------------------------------------------------------


def agreement_summary(agreements: Iterable[Agreement], quarter: Quarter) -> list[Record]:
    """One row per (共享类型, 指标), every kind listed; the count stands on a kind's first row."""
    by_kind: dict[str, list[Agreement]] = defaultdict(list)
    for a in agreements:
        by_kind[a.kind].append(a)
    records: list[Record] = []
    for n, kind in enumerate(lists.AGREEMENT_KINDS, 1):
        group = by_kind.get(kind, [])
        measures = list(lists.AGREEMENT_MEASURES[kind])
        if not measures:
            measures = sorted({m for a in group for m in agreement_measures(a)}) or [""]
        for i, measure in enumerate(measures):
            total = exact_sum(query.quarter_volumes(a, quarter).get(measure, 0) for a in group)
            records.append(
                {
                    "seq": n if i == 0 else None,
                    "kind": kind,
                    "count": len(group) if i == 0 else None,
                    "measure": measure,
                    "value": _number(total) if measure else None,
                }
            )
    return records
