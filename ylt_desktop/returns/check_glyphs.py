"""The pre-export check's warnings about rare characters the PDF cannot draw (``glyphs.py``).

One warning per text, on the record the clerk can open: a person's name on their first
rotation of the quarter, a unit's name or contact on the unit, an agreement's texts on the
agreement, the cover's fields on the cover. A warning, not an error: the Excel workbook keeps
the characters, and the PDF marks each with "〓" to be written in by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ylt_desktop.domain.problems import Level
from ylt_desktop.returns.glyphs import PLACEHOLDER, missing_characters
from ylt_desktop.returns.load import QuarterData

COVER_LABELS = {
    "filler_unit": "填报单位",
    "unit_head": "单位负责人",
    "stats_head": "统计负责人",
    "preparer": "填表人",
    "phone": "联系电话",
}


def glyph_items(data: QuarterData, cover_fields: dict | None) -> list[Any]:
    from ylt_desktop.returns.check import CheckItem

    items = []
    for kind, record_id, field, what, text in _texts(data, cover_fields or {}):
        lacking = missing_characters(text)
        if lacking:
            chars = "”“".join(lacking)
            message = (
                f"{what}“{text}”含 PDF 字体没有的生僻字“{chars}”：PDF 中印作“{PLACEHOLDER}”"
                "（Excel 中正常），请在打印件上手写补正"
            )
            items.append(CheckItem(Level.WARNING, message, kind, record_id, field))
    return items


def _texts(data: QuarterData, cover: dict) -> Iterator[tuple[str, int | None, str, str, str]]:
    """(kind, record id, field, what the text is, the text) of what the PDF prints."""
    for key, label in COVER_LABELS.items():
        yield "cover", None, key, f"封面“{label}”", str(cover.get(key) or "")
    if data.consortium is not None:
        yield "consortium", None, "name", "医联体名称", data.consortium.name or ""
    units = {m.id: m for m in data.members}
    for r in data.rotations:
        units.setdefault(r.from_inst.id, r.from_inst)
        units.setdefault(r.to_inst.id, r.to_inst)
    for a in data.agreements:
        units.setdefault(a.provider.id, a.provider)
        for unit_id, _share in a.recipients:
            if unit_id in data.institutions:
                units.setdefault(unit_id, data.institutions[unit_id])
    for unit in units.values():
        yield "institution", unit.id, "name", "机构名称", unit.name or ""
        yield (
            "institution",
            unit.id,
            "contact",
            f"成员单位“{unit.name}”的联系人",
            unit.contact or "",
        )
    seen: set[int] = set()
    for r in data.rotations:
        if r.staff_id not in seen:
            seen.add(r.staff_id)
            yield "rotation", r.id, "staff_id", "人员姓名", r.staff.name or ""
            yield (
                "rotation",
                r.id,
                "staff_id",
                f"人员“{r.staff.name}”的专业",
                r.staff.specialty or "",
            )
        yield "rotation", r.id, "note", f"人员流动（{r.staff.name}）的备注", r.note or ""
    for a in data.agreements:
        for field, label in (("number", "协议编号"), ("title", "协议名称"),
                             ("other_measure", "服务量指标名称")):  # fmt: skip
            yield "agreement", a.id, field, label, getattr(a, field) or ""
