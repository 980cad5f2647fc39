"""The agreements of a roster at the member (``roster.open_roster``): the roster's agreements
added or updated (a member's own volumes never overwritten: a roster only fills in those not
entered here), and those an earlier roster brought that this one no longer lists removed,
unless records the lead has not seen still need them (then kept, and the result says why)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.exchange.content import day
from ylt_desktop.store import exchange as store
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    Attachment,
    AuditEntry,
    PackageEvent,
)

if TYPE_CHECKING:
    from ylt_desktop.exchange.roster import RosterResult


def _volume_key(number: str, quarter: str, measure: str, value: float) -> str:
    return json.dumps([number, quarter, measure, float(value)], ensure_ascii=False)


def write_agreements(session: Session, rows: list[dict], filled: set[str]) -> int:
    """Add or update the roster's agreements; ``filled`` gets the volumes filled in here."""
    found = {a.number: a for a in session.scalars(select(Agreement))}
    for row in rows:
        a = found.get(row["number"])
        if a is None:
            a = Agreement(number=row["number"], recipients=[], volumes=[])
            session.add(a)
        a.title, a.kind = row["title"], row["kind"]
        a.other_measure = row["other_measure"]
        a.provider_id, a.provider_share = row["provider_id"], row["provider_share"]
        for k in ("signed", "effective_from", "effective_to", "terminated_on"):
            setattr(a, k, day(row[k]))
        a.termination_reason, a.terms = row["termination_reason"], row["terms"]
        wanted = {inst_id: share for inst_id, share in row["recipients"]}
        for r in list(a.recipients):
            if r.institution_id not in wanted:
                a.recipients.remove(r)
            elif r.share != wanted[r.institution_id]:
                r.share = wanted[r.institution_id]
        have = {r.institution_id for r in a.recipients}
        for inst_id, share in wanted.items():
            if inst_id not in have:
                a.recipients.append(AgreementRecipient(institution_id=inst_id, share=share))
        # Volumes are the members' own: a roster only fills in those not entered here.
        entered = {(v.quarter, v.measure) for v in a.volumes}
        for quarter, measure, value in row["volumes"]:
            if (quarter, measure) not in entered:
                a.volumes.append(AgreementVolume(quarter=quarter, measure=measure, value=value))
                filled.add(_volume_key(a.number, quarter, measure, value))
    return len(rows)


def remove_agreements(
    session: Session,
    rows: list[dict],
    own_id: int,
    filled: set[str],
    brought: set[str] | None,
    result: RosterResult,
    *,
    stated_count: int | None = None,
) -> set[str]:
    """Agreements an earlier roster brought (``brought``) that this one no longer lists (the
    lead deleted them, or this member no longer takes part): deleted here too, unless this
    database holds volumes of them that the member entered for a quarter the lead has not
    accepted, or changed after the accepted package was made (never dropped silently: kept,
    and the result says so), or their signed scan (kept only here).

    Nothing is deleted, and the result names each agreement and why, when the roster is no
    evidence: its list disagrees with ``stated_count`` (counted apart at the lead: a faulty
    list), or it lists no agreement at all and states no count (an older lead program: an
    empty list is not "the lead deleted them all"), or ``brought`` is ``None`` (a
    database set up before rosters remembered what they brought: the lead's and the member's
    own cannot be told apart; said by this roster only, the next ones remember).

    Returns the numbers of those kept although the roster shows the lead no longer has them
    for this member (``own_agreements.withdrawn_agreements``: a package carrying their
    volumes is refused by the lead); empty when the roster is no evidence."""
    listed = {str(r["number"]) for r in rows}
    unlisted = [
        a
        for a in session.scalars(select(Agreement).order_by(Agreement.number))
        if a.number not in listed
    ]
    if brought is None:
        for a in unlisted:
            result.kept_agreements.append(
                f"协议“{a.number} {a.title}”：名册包中没有该协议，但本库建立时的程序版本较早，"
                "没有记录哪些协议是名册包带来的，无法判断它是牵头单位已删除（或本单位已不是"
                "其参与方）的协议，还是本单位自行录入的协议，未删除；如不是本单位录入的，"
                "请向牵头单位核实后在“资源共享协议”页手动删除（此提示只出现这一次）"
            )
        return set()
    shown = f"列出{len(rows)}份协议" if rows else "没有列出任何协议"
    if stated_count is None:
        why = "" if rows else f"{shown}，也没有说明本单位已不参与任何协议（由较早版本的程序生成）"
    else:
        why = (
            ""
            if stated_count == len(rows)
            else f"{shown}，却说明本单位参与{stated_count}份（有误）"
        )
    if why and any(a.number in brought for a in unlisted):
        for a in unlisted:
            if a.number in brought:
                result.kept_agreements.append(
                    f"协议“{a.number} {a.title}”：这个名册包{why}，不能据此认定牵头单位已删除"
                    "该协议，未删除；如牵头单位确已删除该协议（或本单位已不是其参与方），"
                    "请牵头单位重新生成名册包发来，打开新的名册包后即删除该协议"
                    "（牵头单位的协议不能在本库删除）"
                )
        return set()
    latest: dict[str, PackageEvent] = {}
    for e in store.events(session, member_id=own_id):
        latest[e.quarter] = e
    # Accepted quarters: when the accepted package was made (None: not known).
    accepted = {q: e.package_created for q, e in latest.items() if e.action == store.ACCEPT}

    def seen_by_lead(v: AgreementVolume) -> bool:
        """The volume is in an accepted quarter and unchanged here since the accepted package
        was made (the audit log's times, to the second): the lead has it as it is here."""
        if v.quarter not in accepted:
            return False
        made = accepted[v.quarter]
        if made is None:
            return False  # an older lead's roster: not known, so the member's own
        later = select(AuditEntry.id).where(
            AuditEntry.table_name == AgreementVolume.__tablename__,
            AuditEntry.record_id == str(v.id),
            AuditEntry.at > made.replace(microsecond=0),
        )
        return session.scalar(later.limit(1)) is None

    withdrawn: set[str] = set()
    for a in unlisted:
        if a.number not in brought:
            continue  # the member's own agreement (never the lead's)
        own = sorted(
            {
                v.quarter
                for v in a.volumes
                if not seen_by_lead(v)
                and _volume_key(a.number, v.quarter, v.measure, v.value) not in filled
            }
        )
        scan = session.scalar(select(Attachment.id).where(Attachment.agreement_id == a.id))
        label = f"协议“{a.number} {a.title}”"
        if own or scan is not None:
            withdrawn.add(a.number)
        if own:
            quarters = "、".join(Quarter.parse(q).label for q in own)
            result.kept_agreements.append(
                f"{label}：牵头单位已删除该协议（或本单位已不是其参与方），"
                f"但本库仍有{quarters}的服务量（牵头单位尚未接收），未删除；"
                "请核对后删除这些服务量，或请牵头单位恢复该协议"
            )
        elif scan is not None:
            result.kept_agreements.append(
                f"{label}：牵头单位已删除该协议（或本单位已不是其参与方），"
                "但本库有其协议扫描件，未删除"
            )
        else:
            result.removed_agreements.append(f"{a.number} {a.title}")
            session.delete(a)
    session.flush()
    return withdrawn
