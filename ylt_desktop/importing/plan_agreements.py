"""The agreements planner: provider and recipients by name, shares and this quarter's
volumes from the return's text columns (表4)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from ylt_desktop.domain.agreement import AgreementData, validate_agreement
from ylt_desktop.importing import parse
from ylt_desktop.importing.plan import (
    CHANGED,
    NEW,
    REJECTED,
    UNCHANGED,
    Bulk,
    Planner,
    SourceRow,
    Writer,
    not_member,
)
from ylt_desktop.store import agreements as agreement_store
from ylt_desktop.store import agreements_bulk
from ylt_desktop.store.member_agreements import lead_agreement_problems

_OTHER_RE = re.compile(r"其他[（(](.+)[)）]")
_PART_RE = re.compile(r"(.+?)[:：]?\s*([+-]?[\d.,]+(?:[eE][+-]?\d+)?)\s*%?")


class AgreementPlanner(Planner):
    kind = "agreements"
    FIELD_TARGETS = {
        "provider_id": "provider",
        "recipient_ids": "recipients",
        "provider_share": "share",
        "recipient_shares": "share",
        "volumes": "volumes",
        "other_measure": "kind",
    }

    def __init__(self, session: Session, **kw: Any) -> None:
        super().__init__(session, **kw)
        self.existing = {a.number: a for a in agreement_store.list_agreements(session)}
        self.seen: dict[str, int] = {}
        if self.quarter is None and "volumes" in self.present:
            self.notes.append(
                "未能确定报表季度，本季度服务量未导入（请在导入时选择季度，或在文件名中写明，如 2026Q3）"
            )
        elif "volumes" in self.present:  # shown before writing: a wrong quarter is seen
            self.notes.append(f"本季度服务量记入{self.quarter.label}")

    def plan_row(self, row: SourceRow) -> tuple[str, Writer | None, str]:
        number = (self.value(row, "number", "") or "").strip()
        old = self.existing.get(number)
        d = agreement_store.to_data(old) if old is not None else AgreementData()
        d.number = number
        if number in self.seen:
            self.duplicate("number", self.seen[number], "协议（协议编号相同）")
        for key in ("title", "signed", "effective_from", "effective_to"):
            if key in self.present:
                setattr(d, key, self.value(row, key, getattr(d, key)) or _none_or_text(key))
        if "kind" in self.present:
            kind = self.value(row, "kind", "") or ""
            m = _OTHER_RE.fullmatch(kind)
            d.kind, d.other_measure = ("其他", m.group(1).strip()) if m else (kind, d.other_measure)
        if "provider" in self.present:
            d.provider_id = self._party(row, "provider", "提供方")
        if "recipients" in self.present:
            names = parse.split_names(row.values.get("recipients"))
            ids = [self._find(n, "recipients", "接收方") for n in names]
            d.recipient_ids = sorted({i for i in ids if i is not None})
        if "share" in self.present:
            self._shares(row, d)
        if "volumes" in self.present and self.quarter is not None:
            self._volumes(row, d)
        stored = agreement_store.to_data(old) if old is not None else None
        self.domain(validate_agreement(d, stored=stored))
        if any(p.is_error for p in self._problems):
            return REJECTED, None, number
        self.seen[number] = row.number
        if old is None:
            return NEW, Bulk(d, _create_agreement, _create_agreements, _agreement_id), number
        before = agreement_store.to_data(old)
        if before == d:
            return UNCHANGED, None, number
        refused = lead_agreement_problems(self.session, before, d)
        if refused:  # a roster's agreement in a member's database: its volumes only
            self.problem("number", refused[0].message)
            return REJECTED, None, number
        own = old.id
        return (
            CHANGED,
            Bulk((own, d), _update_agreement, _update_agreements, _agreement_id),
            number,
        )

    def _find(self, text: str, key: str, label: str) -> int | None:
        found = self.institutions.find(text)
        if found is None:
            self.problem(key, not_member(label, text))
        return found

    def _party(self, row: SourceRow, key: str, label: str) -> int | None:
        text = self.value(row, key, "") or ""
        return self._find(text, key, label) if text else None

    def _shares(self, row: SourceRow, d: AgreementData) -> None:
        """``提供方50%；某卫生院25%；…`` → provider and recipient shares."""
        d.provider_share, d.recipient_shares = None, {}
        for part in re.split(r"[；;\n]+", parse.to_text(row.values.get("share"))):
            part = part.strip()
            if not part:
                continue
            m = _PART_RE.fullmatch(part)
            if m is None:
                self.problem("share", f"利益分配比例“{part}”应写作“单位名称50%”")
                continue
            who, value = m.group(1).strip(), float(m.group(2).replace(",", ""))
            if who == "提供方" or self.institutions.find(who) == d.provider_id:
                d.provider_share = value
            elif (inst := self._find(who, "share", "分配比例所列单位")) is not None:
                d.recipient_shares[inst] = value

    def _volumes(self, row: SourceRow, d: AgreementData) -> None:
        """``影像诊断例数：1505；…`` → this quarter's volumes (other quarters kept)."""
        q = str(self.quarter)
        for part in re.split(r"[；;\n]+", parse.to_text(row.values.get("volumes"))):
            part = part.strip()
            m = _PART_RE.fullmatch(part) if part else None
            if part and m is None:
                self.problem("volumes", f"服务量“{part}”应写作“指标：数量”")
            elif m is not None:
                d.volumes[(q, m.group(1).strip())] = float(m.group(2).replace(",", ""))


def _create_agreement(session: Session, d: AgreementData) -> int:
    return agreement_store.create_agreement(session, data=d).id


def _create_agreements(session: Session, rows: list[AgreementData]) -> list[int]:
    return agreements_bulk.create_agreements(session, rows=rows)


def _update_agreement(session: Session, item: tuple[int, AgreementData]) -> int:
    return agreement_store.update_agreement(session, agreement_id=item[0], data=item[1]).id


def _update_agreements(session: Session, items: list) -> list[int]:
    rows = [(own, d, None) for own, d in items]
    return agreements_bulk.update_agreements(session, rows=rows)


def _agreement_id(agreement_id: int) -> int:
    return agreement_id


def _none_or_text(key: str) -> Any:
    return "" if key == "title" else None
