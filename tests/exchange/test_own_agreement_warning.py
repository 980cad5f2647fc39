"""Making a data package warns about the member's own agreements (DESIGN §7): an agreement
whose volumes the package carries but that no roster brought (the member typed it) may not be
in the lead's list, and then the lead refuses the package. The warning names exactly those
agreements, the day the package is made; the lead's own verdict on the same package agrees.

- a member-made agreement with volumes of the quarter: named (and the lead does refuse);
- roster-brought agreements (volumes typed at the member or filled in by the roster): none
  (and the lead accepts);
- once the lead enters the agreement and its roster brings it, no warning any more;
- a roster-brought agreement the member renumbered: named (the lead has no such number);
- a database set up before rosters remembered their agreements cannot tell: no warning (no
  false one), until its next roster remembers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.exchange.test_agreement_deletions import SECOND, _second_agreement
from tests.exchange.test_deletions import _open, _roster
from tests.exchange.test_refusals import refused
from tests.exchange.test_roster_agreement_attacks import OWN, _own_agreement
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
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.exchange import OwnAgreement, own_agreements, own_agreements_warning
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement


def _own_volume(member, quarter: str = str(Q), value: float = 42) -> None:  # noqa: ANN001
    with member.session() as s:
        ag = s.scalar(select(Agreement).where(Agreement.number == OWN))
        data = agreements.to_data(ag)
        data.volumes[(quarter, "影像诊断例数")] = value
        agreements.update_agreement(s, agreement_id=ag.id, data=data)


def _warned(member) -> tuple[list[OwnAgreement], str]:  # noqa: ANN001
    with member.session() as s:
        return own_agreements(s, quarter=Q), own_agreements_warning(s, quarter=Q)


def test_a_member_made_agreement_with_volumes_is_named(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 120)  # on the roster's YX-2026-01: the lead's
    _own_agreement(a)
    assert _warned(a) == ([], "")  # no volumes of its own agreement yet: nothing to say
    _own_volume(a, quarter=str(Q.prev()))
    assert _warned(a) == ([], "")  # volumes of another quarter: not in this package

    _own_volume(a)
    found, text = _warned(a)
    assert found == [OwnAgreement(OWN, "远程心电会诊")]
    assert f"“{OWN} 远程心电会诊”" in text and "YX-2026-01" not in text
    assert Q.label in text and "不是牵头单位的名册包带来的" in text
    assert "协议清单中可能没有" in text and "整个数据包" in text
    assert "协议编号相同" in text and f"参与方包括“{A}”" in text and "再接收" in text
    assert "重新生成" in text  # the other way: delete those volumes

    # The warning tells the truth: the lead refuses this very package, naming the agreement.
    package = make_package(a, tmp_path / "p1")
    assert package.exists()  # the warning holds nothing up
    refused(lead, [package], "不在牵头单位的协议清单中")

    # Doing what the warning says: the lead enters it with the same number and A as a party;
    # the same package is received, and the next roster brings it: no warning any more.
    with lead.session() as s:
        ids = unit_ids(s)
        agreements.create_agreement(
            s,
            data=AgreementData(
                number=OWN, title="远程心电会诊", kind="区域医学影像中心",
                provider_id=ids[A], recipient_ids=[ids[B]], signed=dt.date(2026, 2, 1),
                effective_from=dt.date(2026, 3, 1), effective_to=dt.date(2027, 2, 28),
            ),
        )  # fmt: skip
    _open(lead, package)
    _roster(lead, a, A, tmp_path / "r2")
    assert _warned(a) == ([], "")
    a.close()
    lead.close()


def test_roster_brought_agreements_raise_no_warning(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    _second_agreement(lead)  # the roster fills in its Q volume at A
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 120)  # typed at A on the roster's YX-2026-01
    assert _warned(a) == ([], "")
    package = make_package(a, tmp_path / "p1")
    _open(lead, package)  # and the lead takes both agreements' volumes
    with lead.session() as s:
        got = {
            (ag.number, v.quarter, float(v.value))
            for ag in s.scalars(select(Agreement))
            for v in ag.volumes
        }
    assert (("YX-2026-01", str(Q), 120.0)) in got and (SECOND, str(Q), 35.0) in got
    a.close()
    lead.close()


def test_a_roster_agreement_the_member_renumbered_is_named(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 120)
        ag = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(ag)
        data.number = "YX-2026-01A"
        # Refused now (store/member_agreements.py): the roster's agreements keep their fields
        # in a member's database. One renumbered by an older version is still named.
        with pytest.raises(RuleViolation, match="由牵头单位维护"):
            agreements.update_agreement(s, agreement_id=ag.id, data=data)
    with a.session() as s, s.begin():
        s.execute(
            update(Agreement).where(Agreement.number == "YX-2026-01").values(number=data.number)
        )
    found, text = _warned(a)
    assert found == [OwnAgreement("YX-2026-01A", "影像诊断中心")]
    assert "“YX-2026-01A 影像诊断中心”" in text
    refused(lead, [make_package(a, tmp_path / "p1")], "不在牵头单位的协议清单中")
    a.close()
    lead.close()


def test_an_older_member_database_says_nothing_until_its_next_roster(tmp_path) -> None:  # noqa: ANN001
    """Set up before rosters remembered their agreements: the lead's and the member's own
    cannot be told apart, so no warning (every agreement would be suspect: a false alarm on
    each package). The next roster remembers what it brings: from then on, the own one is
    named."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:
        _volume(s, 120)
    _own_agreement(a)
    _own_volume(a)
    _forget_brought_agreements(a)
    assert _warned(a) == ([], "")
    _roster(lead, a, A, tmp_path / "r2")
    found, text = _warned(a)
    assert found == [OwnAgreement(OWN, "远程心电会诊")] and OWN in text
    a.close()
    lead.close()


def test_the_lead_database_has_nothing_to_warn_about(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    with lead.session() as s:
        assert own_agreements(s, quarter=Q) == [] and own_agreements_warning(s, quarter=Q) == ""
    lead.close()
