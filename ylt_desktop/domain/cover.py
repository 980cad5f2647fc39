"""The 季度报表 cover's typed fields (封面与签字栏: 填报单位, the heads, 填表人, phone): what a
clerk may save there. They are printed on the cover as typed, so no whole identity number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ylt_desktop.domain.codes import ric_in_text_problems, unless_kept
from ylt_desktop.domain.problems import Problem

COVER_LABELS = {
    "filler_unit": "填报单位",
    "unit_head": "单位负责人",
    "stats_head": "统计负责人",
    "preparer": "填表人",
    "phone": "联系电话",
}


def cover_problems(
    fields: Mapping[str, Any], *, stored: Mapping[str, Any] | None = None
) -> list[Problem]:
    """An error for each typed field holding a whole identity number (the message names the
    field, never the number); a warning instead when ``stored`` (the cover as last saved)
    held the same text: saved before the rule, it does not stop the other fields' save."""
    problems = []
    for key, label in COVER_LABELS.items():
        value = str(fields.get(key) or "")
        before = (stored or {}).get(key)
        found = ric_in_text_problems(value, key, f"封面“{label}”")
        problems += unless_kept(found, value, None if before is None else str(before))
    return problems
