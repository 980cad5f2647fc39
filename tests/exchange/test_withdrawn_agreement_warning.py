"""An agreement the lead deleted (or took this member out of) stays in the member's database
while it holds volumes the lead has not accepted, or the member's scan (roster_agreements.py).
A data package still carries its volumes of the quarter, and the lead refuses the whole
package (plan.py: "汇总库中已没有这个协议" / "已不是该协议的提供方或接收方"). Making that package
said nothing (736425e warns only of agreements no roster brought): the member heard of it days
later, from the lead. It is now said when the package is made, naming the agreement, saying
the lead will refuse the package and what to do; the lead's verdict on the very package agrees.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.exchange.test_agreement_deletions import SECOND, _delete, _second_agreement
from tests.exchange.test_deletions import _clear_imaging, _open, _roster
from tests.exchange.test_refusals import refused
from tests.exchange.test_roster_agreement_evidence import _forget_brought_agreements
from tests.exchange.world import (
    A,
    B,
    Q,
    _volume,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.exchange import (
    OwnAgreement,
    own_agreements,
    own_agreements_warning,
    withdrawn_agreements,
)
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement

IMAGING = OwnAgreement("YX-2026-01", "影像诊断中心")
ID_NUMBER = re.compile(r"\d{17}[\dXx]")


def _warned(member, quarter=Q) -> tuple[list[OwnAgreement], str]:  # noqa: ANN001
    with member.session() as s:
        return withdrawn_agreements(s, quarter=quarter), own_agreements_warning(s, quarter=quarter)


def _says_the_lead_refuses(text: str, agreement: OwnAgreement) -> None:
    assert f"协议“{agreement.number} {agreement.title}”" in text
    assert Q.label in text
    assert "牵头单位已删除" in text and "不再是其参与方" in text
    assert "拒收整个数据包" in text  # what will happen: not a "may"
    assert "删除" in text and "服务量" in text and "重新生成" in text  # what to do
    assert "恢复该协议" in text and "新的名册包" in text  # or the lead restores it
    assert not ID_NUMBER.search(text)


def test_a_deleted_agreement_kept_for_its_volumes_is_named_and_the_lead_refuses(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 120)  # A's own Q volume, not yet reported
    _delete(lead, "YX-2026-01")
    (kept,) = _roster(lead, a, A, tmp_path / "r2").kept_agreements
    assert "未删除" in kept

    found, text = _warned(a)
    assert found == [IMAGING]
    _says_the_lead_refuses(text, IMAGING)
    with a.session() as s:  # brought by a roster: not one of A's own
        assert own_agreements(s, quarter=Q) == []
    assert _warned(a, Q.prev()) == ([], "")  # no volume of that quarter: not in its package

    # The warning tells the truth: the lead refuses this very package.
    package = make_package(a, tmp_path / "p1")
    refused(lead, [package], "汇总库中已没有这个协议")

    # Doing what it says: the volumes deleted, nothing to say, the package is received.
    _clear_imaging(a)
    assert _warned(a) == ([], "")
    _open(lead, make_package(a, tmp_path / "p2"))
    a.close()
    lead.close()


def test_a_member_taken_out_of_an_agreement_is_warned_too(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 80)
    with lead.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.recipient_ids = [unit_ids(s)[B]]
        agreements.update_agreement(s, agreement_id=ag.id, data=data)
    assert _roster(lead, a, A, tmp_path / "r2").kept_agreements
    found, text = _warned(a)
    assert found == [IMAGING]
    _says_the_lead_refuses(text, IMAGING)
    refused(lead, [make_package(a, tmp_path / "p1")], "已不是该协议的提供方或接收方")
    a.close()
    lead.close()


def test_an_agreement_kept_for_its_scan_still_carries_the_rosters_volume(tmp_path) -> None:  # noqa: ANN001
    """Kept for the signed scan only: the Q volume the roster filled in is in the package all
    the same, and the lead refuses it."""
    from ylt_desktop.store.attachments import attach

    lead = lead_database(tmp_path)
    _second_agreement(lead)  # its Q volume (35) is filled into A's database by the roster
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == SECOND))
        attach(s, agreement_id=ag.id, file_name="协议.pdf", content=b"%PDF-1.4\n%%EOF\n")
    assert _warned(a) == ([], "")  # the lead still has it
    _delete(lead, SECOND)
    (kept,) = _roster(lead, a, A, tmp_path / "r2").kept_agreements
    assert "协议扫描件" in kept
    found, text = _warned(a)
    assert found == [OwnAgreement(SECOND, "心电诊断中心")]
    _says_the_lead_refuses(text, found[0])
    assert "YX-2026-01" not in text  # the lead still has that one
    refused(lead, [make_package(a, tmp_path / "p1")], "汇总库中已没有这个协议")
    a.close()
    lead.close()


def test_a_roster_the_lead_restored_the_agreement_in_ends_the_warning(tmp_path) -> None:  # noqa: ANN001
    """The other way out: the lead enters the agreement again; its next roster lists it."""
    from tests.exchange.test_agreement_deletions import _numbers

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with lead.session() as s:
        data = agreements.to_data(
            s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        )
    with a.session() as s:
        _volume(s, 120)
    _delete(lead, "YX-2026-01")
    _roster(lead, a, A, tmp_path / "r2")
    assert _warned(a)[0] == [IMAGING]
    with lead.session() as s:
        agreements.create_agreement(s, data=data)
    _roster(lead, a, A, tmp_path / "r3")
    assert _warned(a) == ([], "") and _numbers(a) == ["YX-2026-01"]
    _open(lead, make_package(a, tmp_path / "p1"))
    a.close()
    lead.close()


def test_a_database_that_cannot_tell_does_not_say_the_lead_deleted_it(tmp_path) -> None:  # noqa: ANN001
    """A roster opened before the member's database remembered what rosters brought cannot
    tell a deleted agreement from the member's own (roster_agreements: "无法判断"): no claim
    that the lead deleted it. The agreement is still named (as not brought by the roster,
    736425e), and the lead does refuse the package."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 120)
    _forget_brought_agreements(a)
    _delete(lead, "YX-2026-01")
    (kept,) = _roster(lead, a, A, tmp_path / "r2").kept_agreements
    assert "无法判断" in kept
    found, text = _warned(a)
    assert found == [] and "牵头单位已删除" not in text
    assert "“YX-2026-01 影像诊断中心”" in text and "整个数据包" in text
    refused(lead, [make_package(a, tmp_path / "p1")], "汇总库中已没有这个协议")
    a.close()
    lead.close()
