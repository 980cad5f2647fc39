"""A member unit's own return in the template (``member``): how it is told from the
consortium's (DESIGN §7; ``templates.parse_template`` reads it)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MemberSpec:
    """How a member unit's own return is told from the consortium's (``member`` in the JSON;
    a template without it gets these)."""

    report_name: str = "{report_name}（成员单位：{unit}）"
    file_name: str = "{consortium}_{unit}_{quarter}_成员单位报表"
    notes: tuple[str, ...] = ()


_MEMBER_FIELDS = {"report_name": ("report_name", "unit"),
                  "file_name": ("consortium", "unit", "quarter")}  # fmt: skip


def parse_member(raw: Any, problems: list[str]) -> MemberSpec:
    """``member``: {"report_name": …, "file_name": …, "notes": […]}; each text may name only
    its placeholders, and the report and file names must name ``{unit}`` (a member's return
    is never mistaken for, nor saved over, the consortium's)."""
    if not isinstance(raw, dict):
        problems.append("member：须为对象（report_name、file_name、notes）")
        return MemberSpec()
    unknown = set(raw) - {*_MEMBER_FIELDS, "notes"}
    if unknown:
        problems.append(f"member：不认识的字段 {', '.join(sorted(unknown))}")
    found: dict[str, Any] = {}
    for key, allowed in _MEMBER_FIELDS.items():
        if key not in raw:
            continue
        value = raw[key]
        if not isinstance(value, str) or "{unit}" not in value:
            problems.append(f"member.{key}：须为文字，且含“{{unit}}”（成员单位名称）")
        elif _bad_placeholders(value, allowed):
            problems.append(f"member.{key}：只能用 {'、'.join('{' + a + '}' for a in allowed)}")
        else:
            found[key] = value
    notes = raw.get("notes", [])
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        problems.append("member.notes：须为文字列表")
    elif any(_bad_placeholders(n, ("unit",)) for n in notes):
        problems.append("member.notes：只能用 {unit}")
    else:
        found["notes"] = tuple(notes)
    return MemberSpec(**found)


def _bad_placeholders(text: str, allowed: tuple[str, ...]) -> bool:
    try:
        names = [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name]
    except ValueError:  # an unmatched brace
        return True
    return any(name not in allowed for name in names)
