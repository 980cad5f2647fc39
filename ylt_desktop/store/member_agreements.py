"""A member's database (成员库) changes no agreement the lead's roster brought, but its volumes.

The roster brings the agreements the member takes part in (DESIGN.md §7) and the member's data
package carries only their volumes of the quarter: a change made here to the agreement itself
(its title, kind, parties, dates, shares, terms, a termination) or its deletion never reached
the lead, and the next roster put the lead's version back (``exchange/roster_agreements.py``
writes every field but the volumes), without a word. The store commands refuse them, the form
and an import's check say why. The agreements the member typed itself (no roster brought
them) stay its own to change, and the lead's database is not concerned.
"""

from __future__ import annotations

import dataclasses
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.problems import Problem, error
from ylt_desktop.store.models import Consortium, Institution, Setting

ROSTER_SETTING = "exchange.roster"
"""The roster memory (``exchange/roster.py``): a JSON object; its ``agreements`` are the
numbers the rosters brought that are still here."""
WITHDRAWN = "withdrawn"
"""The roster memory's agreements the newest roster no longer lists, kept here (a list of
numbers; missing in a memory written before it was kept: nothing known)."""


def brought_by_roster(session: Session, number: str) -> str | None:
    """The member unit's name when this is a member's database and a roster brought the
    agreement numbered ``number``; else None."""
    c = session.scalars(select(Consortium).limit(1)).first()
    if c is None or c.db_kind != "member" or not number:
        return None
    row = session.get(Setting, ROSTER_SETTING)
    try:
        seen = json.loads(row.value) if row is not None else {}
    except ValueError:
        return None
    numbers = seen.get("agreements") if isinstance(seen, dict) else None
    if not isinstance(numbers, list) or number not in {str(n) for n in numbers}:
        return None
    # One the newest roster no longer lists (the lead deleted it, or this member is no longer
    # a party), kept here for its volumes or scan: the lead has no version of it to put back,
    # so it is the member's to clear up and delete (what the roster and the package say).
    if number in {str(n) for n in seen.get(WITHDRAWN) or []}:
        return None
    own = session.get(Institution, c.member_id) if c.member_id is not None else None
    return own.name if own is not None else "本单位"


def _own_fields(d: AgreementData) -> AgreementData:
    """Everything of the agreement but its volumes, in one order."""
    return dataclasses.replace(
        d,
        recipient_ids=sorted(d.recipient_ids),
        recipient_shares=dict(sorted(d.recipient_shares.items())),
        volumes={},
    )


def lead_agreement_problems(
    session: Session, before: AgreementData, after: AgreementData, *, terms_changed: bool = False
) -> list[Problem]:
    """Why ``before`` may not become ``after`` here: a roster's agreement changed beyond its
    volumes in a member's database. Empty when it may."""
    if not terms_changed and _own_fields(before) == _own_fields(after):
        return []
    own = brought_by_roster(session, before.number)
    if own is None:
        return []
    return [
        error(
            "number",
            f"本数据库是“{own}”的成员库：协议“{before.number}”由牵头单位维护（随名册包带来），"
            "协议本身（编号、名称、类型、提供方与接收方、日期、分配比例、条款、终止）在这里修改"
            "不会报送给牵头单位，下次打开名册包还会被改回；本单位只填写它的服务量。"
            "如需更正，请联系牵头单位",
        )
    ]


def lead_agreement_delete_problems(session: Session, number: str) -> list[Problem]:
    """Why the agreement numbered ``number`` may not be deleted here (a roster's agreement in
    a member's database). Empty when it may."""
    own = brought_by_roster(session, number)
    if own is None:
        return []
    return [
        error(
            "number",
            f"本数据库是“{own}”的成员库：协议“{number}”由牵头单位维护（随名册包带来），"
            "不能在这里删除（下次打开名册包还会带回）；如协议已不再执行，请联系牵头单位",
        )
    ]
