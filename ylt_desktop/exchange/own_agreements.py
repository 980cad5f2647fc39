"""The member's own agreements in its data package (DESIGN.md §7), said when it is made.

An agreement a member typed itself (no roster brought it) may not be in the lead's list; then
the lead refuses the whole package that carries its volumes (``plan.py``: "不在牵头单位的协议
清单中"), and the member learns it days later. ``own_agreements`` names, before the file is
written, each agreement whose volumes of the quarter the package carries and whose number no
roster brought (the roster memory's 'agreements', kept by ``roster.py``: the numbers rosters
brought and still here; one the member renumbered is no longer among them, nor at the lead);
``own_agreements_warning`` says it in plain Chinese. The package is made all the same (the
lead may have entered the agreement with the same number already, and can receive the same
file once it has): the UI lets the clerk cancel, the CLI prints it and writes.

A database set up before rosters remembered their agreements (00ba0dc; no 'agreements' in
the memory) cannot tell the lead's agreements from its own: it says nothing rather than
suspect every agreement on every package (a warning clerks would learn to click away). The
next roster it opens remembers what it brings, and from then on the own ones are named; the
lead's refusal, which says the same truly, stays the backstop meanwhile.

An agreement the lead deleted, or no longer counts this member in, stays here while it holds
volumes the lead has not accepted, or the member's scan (``roster_agreements``). The package
carries its volumes of the quarter all the same, and the lead refuses the whole package
(``plan.py``: "汇总库中已没有这个协议" / "已不是该协议的提供方或接收方"): not a may, a will.
``withdrawn_agreements`` names them, from the roster memory's ``WITHDRAWN`` (what the newest
roster no longer listed; written by a roster opened since it is kept, so a database whose
newest roster is older says nothing until its next one), and the warning says so first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.exchange.content import agreements_of
from ylt_desktop.exchange.roster import WITHDRAWN, _roster_seen
from ylt_desktop.store import exchange as store


@dataclass(frozen=True)
class OwnAgreement:
    """An agreement of the member's own whose volumes a data package carries."""

    number: str
    title: str


def own_agreements(session: Session, *, quarter: Quarter) -> list[OwnAgreement]:
    """The agreements whose ``quarter`` volumes this member's data package would carry and
    that no roster brought; empty at the lead and in a database that cannot tell."""
    from ylt_desktop.store.institutions import get_consortium

    c = get_consortium(session)
    if c is None or c.db_kind != store.MEMBER or c.member_id is None:
        return []
    remembered = _roster_seen(session).get("agreements")
    if not isinstance(remembered, list):
        return []  # set up before rosters remembered their agreements: cannot tell
    brought = {str(n) for n in remembered}
    key = str(quarter)
    return [
        OwnAgreement(a.number, a.title)
        for a in agreements_of(session, c.member_id)  # those the package carries, by number
        if a.number not in brought and any(v.quarter == key for v in a.volumes)
    ]


def withdrawn_agreements(session: Session, *, quarter: Quarter) -> list[OwnAgreement]:
    """The agreements whose ``quarter`` volumes this member's data package would carry and
    that the lead deleted, or no longer counts this member in, as its newest roster showed
    (kept here for volumes it has not accepted, or a scan): the lead refuses such a package."""
    from ylt_desktop.store.institutions import get_consortium

    c = get_consortium(session)
    if c is None or c.db_kind != store.MEMBER or c.member_id is None:
        return []
    withdrawn = _roster_seen(session).get(WITHDRAWN)
    if not isinstance(withdrawn, list) or not withdrawn:
        return []
    numbers = {str(n) for n in withdrawn}
    key = str(quarter)
    return [
        OwnAgreement(a.number, a.title)
        for a in agreements_of(session, c.member_id)
        if a.number in numbers and any(v.quarter == key for v in a.volumes)
    ]


def own_agreements_warning(session: Session, *, quarter: Quarter) -> str:
    """The warning for the clerk (Chinese; no identity number), or "" when there is none:
    first the agreements the lead no longer has for this member (``withdrawn_agreements``:
    the lead will refuse the package), then the member's own (``own_agreements``)."""
    parts = [
        _withdrawn_warning(withdrawn_agreements(session, quarter=quarter), quarter),
        _own_warning(session, own_agreements(session, quarter=quarter), quarter),
    ]
    return "\n\n".join(p for p in parts if p)


def _withdrawn_warning(found: list[OwnAgreement], quarter: Quarter) -> str:
    if not found:
        return ""
    names = "\n".join(f"  协议“{a.number} {a.title}”" for a in found)
    return (
        f"这个数据包含有以下协议{quarter.label}的服务量，但根据最新的名册包，牵头单位已删除"
        "这些协议（或本单位已不再是其参与方）；本库因仍有牵头单位尚未接收的服务量（或协议"
        f"扫描件）而保留了它们：\n{names}\n\n"
        "牵头单位将拒收整个数据包（其中的人员、流动、运行指标等其他数据也一并不能接收）。\n\n"
        f"请先在“资源共享协议”页删除上述协议{quarter.label}的服务量，再重新生成数据包。"
        "如这些服务量确应报送，请与牵头单位核实：协议改了编号的，请把服务量录入新编号的协议；"
        "协议不应删除的，请牵头单位恢复该协议并发来新的名册包，打开后再生成数据包。"
    )


def _own_warning(session: Session, found: list[OwnAgreement], quarter: Quarter) -> str:
    from ylt_desktop.store.institutions import get_consortium
    from ylt_desktop.store.models import Institution

    if not found:
        return ""
    c = get_consortium(session)
    unit = session.get(Institution, c.member_id).name
    names = "\n".join(f"  协议“{a.number} {a.title}”" for a in found)
    return (
        f"这个数据包含有以下协议{quarter.label}的服务量，这些协议不是牵头单位的名册包"
        f"带来的，而是本单位自行录入的：\n{names}\n\n"
        "牵头单位的协议清单中可能没有上述协议。如果没有，牵头单位将无法接收整个数据包"
        "（其中的其他数据也一并不能接收），直到牵头单位在汇总库中录入该协议"
        f"（协议编号相同，参与方包括“{unit}”）。\n\n"
        "请尽快把上述协议的编号和名称告知牵头单位，请其录入后再接收这个数据包"
        "（必要时再发送一次）；如这些服务量不应报送，请删除它们后重新生成数据包。"
    )
