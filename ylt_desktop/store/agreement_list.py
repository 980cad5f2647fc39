"""The rows of the 资源共享协议 list, read as plain columns instead of ORM objects.

``list_agreements`` loads each agreement with its provider, recipients and every quarter's
volumes (what a return needs); the list shows none of the volumes. Three column queries
(agreements with the provider's name, recipients with their names, attachments elsewhere)
load 30,000 agreements in a fraction of the time (bench/lists.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from ylt_desktop.store.models import Agreement, AgreementRecipient, Institution, by_codepoint


@dataclass(slots=True, eq=False)
class AgreementListRow:
    """One agreement as the list shows it; the attributes are the ``Agreement`` columns'."""

    id: int
    number: str
    title: str
    kind: str
    provider_id: int
    provider_name: str
    provider_share: float | None
    signed: dt.date | None
    effective_from: dt.date | None
    effective_to: dt.date | None
    terminated_on: dt.date | None
    termination_reason: str
    recipients: list[tuple[int, str, float | None]] = field(default_factory=list)
    """(institution id, name, share) of each recipient, by institution id."""
    version: int = 0
    """The record's version when read: a delete from the list checks it."""

    def seen(self) -> dict:
        """The fields a refused delete compares with the values another saved."""
        names = (
            "number",
            "title",
            "kind",
            "provider_id",
            "provider_share",
            "signed",
            "effective_from",
            "effective_to",
            "terminated_on",
            "termination_reason",
        )
        values = {name: getattr(self, name) for name in names}
        values["recipient_ids"] = [iid for iid, _, _ in self.recipients]
        values["recipient_shares"] = {i: s for i, _, s in self.recipients if s is not None}
        return values  # fmt: skip


def list_agreement_rows(
    session: Session, *, after: str | None = None, limit: int | None = None
) -> list[AgreementListRow]:
    """Every agreement by number (the order of ``agreements.list_agreements``); a page reads
    a long list in parts: ``limit`` agreements at most, those numbered after ``after``."""
    a, provider = Agreement, Institution
    stmt = (
        select(a.id, a.number, a.title, a.kind, a.provider_id, provider.name, a.provider_share,
               a.signed, a.effective_from, a.effective_to, a.terminated_on, a.termination_reason,
               a.version)
        .join(provider, a.provider_id == provider.id)
        .order_by(by_codepoint(a.number))
    )  # fmt: skip
    if after is not None:
        stmt = stmt.where(by_codepoint(a.number) > after)  # the order's own collation
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = [AgreementListRow(*r[:-1], version=r[-1]) for r in session.execute(stmt)]
    by_id = {r.id: r for r in rows}
    recipients = (
        select(AgreementRecipient.agreement_id, AgreementRecipient.institution_id,
               Institution.name, AgreementRecipient.share)
        .join(Institution, AgreementRecipient.institution_id == Institution.id)
        .order_by(AgreementRecipient.agreement_id, AgreementRecipient.institution_id)
    )  # fmt: skip
    if limit is not None:
        if not rows:
            return rows
        recipients = recipients.where(AgreementRecipient.agreement_id.in_(list(by_id)))
    for agreement_id, institution_id, name, share in session.execute(recipients):
        row = by_id.get(agreement_id)
        if row is not None:
            row.recipients.append((institution_id, name, share))
    return rows


def count_agreements(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agreement)) or 0


def agreement_institutions(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every institution that provides or receives under an agreement, by id."""
    providers = select(Institution.id, Institution.name).where(
        Institution.id.in_(select(Agreement.provider_id))
    )
    receivers = select(Institution.id, Institution.name).where(
        Institution.id.in_(select(AgreementRecipient.institution_id))
    )
    return sorted(tuple(r) for r in session.execute(union(providers, receivers)))


def first_effective_from(session: Session) -> dt.date | None:
    """The earliest 生效日期 of any agreement (None when none has one)."""
    return session.scalar(select(func.min(Agreement.effective_from)))
