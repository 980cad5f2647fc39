"""表4 (the resource-sharing agreements) and 表5 (their summary by kind) of the return.

Every figure follows DESIGN.md §4; the agreements are the records ``load.py`` reads, with
the quarter's status, measures and volumes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ylt_desktop.domain import lists
from ylt_desktop.returns.load import AgreementRecord
from ylt_desktop.returns.templates import VOLUME_PREFIX
from ylt_desktop.store.models import Institution

Record = dict[str, Any]


# --- 表4 ---------------------------------------------------------------------------


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def exact_sum(values: Iterable[int | float | None]) -> int | float:
    """The sum a clerk gets on paper: each value taken as the decimal it shows (``None`` is 0).

    Binary floats would print 1.1 + 2.2 as 3.3000000000000003 on the signed return.
    """
    values = list(values)
    whole = _whole_sum(values)
    if whole is not None:
        return whole
    if any(isinstance(v, float) and not math.isfinite(v) for v in values):
        return sum(v or 0 for v in values)  # refused as input (domain rules); never raises
    total = sum(
        (Decimal(repr(v)) if isinstance(v, float) else Decimal(v or 0) for v in values),
        Decimal(0),
    )
    return int(total) if total == total.to_integral_value() else float(total)


_EXACT = 2**53  # every whole float below it is exact, and so is its int


def _whole_sum(values: list[int | float | None]) -> int | None:
    """The sum when every value is whole (most counts): ints add exactly, as the decimals
    would; None when any is not."""
    total = 0
    for v in values:
        if v is None:
            continue
        if type(v) is int:
            total += v
        elif type(v) is float and v.is_integer() and -_EXACT < v < _EXACT:
            total += int(v)
        else:
            return None
    return total


def volumes_text(agreement: AgreementRecord) -> str:
    """``指标：数量；…`` in the kind's measure order; measures not entered are left out."""
    volumes = agreement.volumes
    order = list(agreement.measures)
    order += sorted(m for m in volumes if m not in order)
    return "；".join(f"{m}：{_number(volumes[m]):.15g}" for m in order if m in volumes)


def share_text(agreement: AgreementRecord, names: dict[int, Institution]) -> str:
    parts = []
    if agreement.provider_share is not None:
        parts.append(f"提供方{agreement.provider_share:.15g}%")
    for institution_id, share in agreement.recipients:
        if share is not None:
            parts.append(f"{names[institution_id].name}{share:.15g}%")
    return "；".join(parts)


def agreement_records(
    agreements: Iterable[AgreementRecord], institutions: dict[int, Institution]
) -> list[Record]:
    records = []
    for n, a in enumerate(agreements, 1):
        status = a.status
        record: Record = {
            "seq": n,
            "number": a.number,
            "title": a.title,
            "kind": a.kind
            if a.kind != "其他" or not a.other_measure
            else f"其他（{a.other_measure}）",
            "provider": a.provider.name,
            "recipients": "、".join(institutions[i].name for i, _share in a.recipients),
            "signed": a.signed,
            "effective_from": a.effective_from,
            "effective_to": a.effective_to,
            "status": status,
            # 实际终止日期: only for an agreement terminated by the quarter's end
            "terminated_on": a.terminated_on if status == "终止" else None,
            "share": share_text(a, institutions),
            "volumes_text": volumes_text(a),
        }
        for m, v in a.volumes.items():
            record[VOLUME_PREFIX + m] = _number(v)
        records.append(record)
    return records


# --- 表5 ---------------------------------------------------------------------------


def agreement_summary(agreements: Iterable[AgreementRecord]) -> list[Record]:
    """One row per (共享类型, 指标), every kind listed; the count stands on a kind's first row."""
    by_kind: dict[str, list[AgreementRecord]] = defaultdict(list)
    for a in agreements:
        by_kind[a.kind].append(a)
    records: list[Record] = []
    for n, kind in enumerate(lists.AGREEMENT_KINDS, 1):
        group = by_kind.get(kind, [])
        measures = list(lists.AGREEMENT_MEASURES[kind])
        if not measures:
            measures = sorted({m for a in group for m in a.measures}) or [""]
        for i, measure in enumerate(measures):
            total = exact_sum(a.volumes.get(measure, 0) for a in group)
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
