"""The pre-export check's warnings about rare characters the PDF cannot draw (``glyphs.py``).

One warning per text, on the record the clerk can open: a person's name on their first
rotation of the quarter, a unit's name or contact on the unit, an agreement's texts on the
agreement, the cover's fields on the cover. A warning, not an error: the Excel workbook keeps
the characters, and the PDF marks each with "〓" to be written in by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ylt_desktop.domain.agreement import OTHER_KIND
from ylt_desktop.domain.codes import ric_in_text
from ylt_desktop.domain.cover import COVER_LABELS  # the typed fields
from ylt_desktop.domain.masking import mask_identity_numbers
from ylt_desktop.domain.problems import Level
from ylt_desktop.returns.glyphs import PLACEHOLDER, missing_characters
from ylt_desktop.returns.load import QuarterData


def glyph_items(data: QuarterData, cover_fields: dict | None) -> list[Any]:
    return _items(printed_texts(data, cover_fields or {}))


def id_items(data: QuarterData, cover_fields: dict | None) -> list[Any]:
    """A warning for each printed text holding a whole identity number (saved before the
    rules refused one, or typed on the cover): the return prints it as it is, unmasked."""
    from ylt_desktop.returns.check import CheckItem

    return [
        CheckItem(
            Level.WARNING,
            f"{mask_identity_numbers(what)}中含有居民身份证号码：报表会原样印出（不脱敏），"
            "请在导出前删去（身份证号码只能填在“证件号码”一栏）",
            kind,
            record_id,
            field,
        )
        for kind, record_id, field, what, text in printed_texts(data, cover_fields or {})
        if ric_in_text(text)
    ]


def frozen_glyph_messages(records: dict[str, Any], cover_fields: dict | None) -> list[str]:
    """The same warnings' texts for a submitted quarter's re-export, from its frozen records
    (``snapshot.py``: what the PDF prints then), in the same order as ``glyph_items``."""
    return [i.message for i in _items(_frozen_texts(records, cover_fields or {}))]


def _items(texts: Iterable[Text]) -> list[Any]:
    from ylt_desktop.returns.check import CheckItem

    items = []
    for kind, record_id, field, what, text in texts:
        lacking = missing_characters(text)
        if lacking:
            chars = "”“".join(lacking)
            # Masking keeps the length and the rare characters: no identity number quoted.
            what, text = mask_identity_numbers(what), mask_identity_numbers(text)
            message = (
                f"{what}“{_quoted(text, lacking)}”含 PDF 字体没有的生僻字“{chars}”："
                f"PDF 中印作“{PLACEHOLDER}”"
                "（Excel 中正常），请在打印件上手写补正"
            )
            items.append(CheckItem(Level.WARNING, message, kind, record_id, field))
    return items


QUOTE_MAX = 40  # characters of a text quoted whole; a longer one by an excerpt
QUOTE_BEFORE = 10  # characters of the excerpt before the first rare one


def _quoted(text: str, lacking: str) -> str:
    """``text`` as the warning quotes it: whole when short (a name, a title), else the part
    around its first rare character and its length. A long 备注 was quoted whole, and the
    boxes saying the warnings (打印's question, the exported box) grew past the screen."""
    if len(text) <= QUOTE_MAX:
        return text
    at = next(i for i, ch in enumerate(text) if ch in lacking)
    start = max(0, min(at - QUOTE_BEFORE, len(text) - QUOTE_MAX))
    end = start + QUOTE_MAX
    return (
        ("…" if start else "")
        + text[start:end]
        + ("…" if end < len(text) else "")
        + f"（共{len(text):,}字）"
    )


# (kind, record id, field, what the text is, the text) of what the PDF prints
Text = tuple[str, int | None, str, str, str]


def printed_texts(data: QuarterData, cover: dict) -> Iterator[Text]:
    """Every text the return prints, on the record that holds it."""
    yield from _heading(cover, data.consortium.name if data.consortium is not None else None)
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
        yield from _unit(unit.id, unit.name, unit.contact)
    seen: set[int] = set()
    for r in data.rotations:
        if r.staff_id not in seen:
            seen.add(r.staff_id)
            yield from _person(r.id, r.staff.name, r.staff.specialty)
        yield _note(r.id, r.staff.name, r.note)
    for a in data.agreements:
        yield from _agreement(a.id, a.number, a.title, a.other_measure)


def _frozen_texts(records: dict[str, Any], cover: dict) -> Iterator[Text]:
    """As ``printed_texts``, over a snapshot's records: units by name (a unit that is no member of
    the quarter has no contact there: the PDF prints none), persons by their identity."""
    yield from _heading(cover, records.get("cover", {}).get("consortium_name"))
    units = {m.get("name") or "": m.get("contact") for m in records.get("members", [])}
    for r in records.get("rotations", []):
        units.setdefault(r.get("from_name") or "", None)
        units.setdefault(r.get("to_name") or "", None)
    for a in records.get("agreements", []):
        units.setdefault(a.get("provider") or "", None)
        for name in (a.get("recipients") or "").split("、"):
            units.setdefault(name, None)
    for name, contact in units.items():
        if name:
            yield from _unit(None, name, contact)
    seen: set[tuple] = set()
    for r in records.get("rotations", []):
        who = (r.get("staff_name"), r.get("id_type"), r.get("id_number"))
        if who not in seen:
            seen.add(who)
            yield from _person(None, r.get("staff_name"), r.get("specialty"))
        yield _note(None, r.get("staff_name"), r.get("note"))
    for a in records.get("agreements", []):
        kind = a.get("kind") or ""  # 其他（指标）: the measure named for an "other" agreement
        other = kind[3:-1] if kind.startswith(f"{OTHER_KIND}（") and kind.endswith("）") else ""
        yield from _agreement(None, a.get("number"), a.get("title"), other)


def _heading(cover: dict, consortium_name: str | None) -> Iterator[Text]:
    for key, label in COVER_LABELS.items():
        yield "cover", None, key, f"封面“{label}”", str(cover.get(key) or "")
    if consortium_name is not None:
        yield "consortium", None, "name", "医联体名称", consortium_name or ""


def _unit(unit_id: int | None, name: str, contact: str | None) -> Iterator[Text]:
    yield "institution", unit_id, "name", "机构名称", name or ""
    yield "institution", unit_id, "contact", f"成员单位“{name}”的联系人", contact or ""


def _person(rotation_id: int | None, name: str | None, specialty: str | None) -> Iterator[Text]:
    yield "rotation", rotation_id, "staff_id", "人员姓名", name or ""
    yield "rotation", rotation_id, "staff_id", f"人员“{name}”的专业", specialty or ""


def _note(rotation_id: int | None, name: str | None, note: str | None) -> Text:
    return "rotation", rotation_id, "note", f"人员流动（{name}）的备注", note or ""


def _agreement(
    agreement_id: int | None, number: str | None, title: str | None, other: str | None
) -> Iterator[Text]:
    for field, label, text in (("number", "协议编号", number), ("title", "协议名称", title),
                               ("other_measure", "服务量指标名称", other)):  # fmt: skip
        yield "agreement", agreement_id, field, label, text or ""
