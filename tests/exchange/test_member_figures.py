"""A member's database takes the operating figures of its own unit only (DESIGN §7).

Its data package carries its own row (``exchange/content.py``); figures typed into another
unit's row or the county's stayed in the member's database and never reached the lead, while
its check asked the clerk to fill all the consortium's units and the county.
"""

from __future__ import annotations

import pytest

from tests.exchange.world import A, B, Q, lead_database, member_database, unit_ids
from ylt_desktop.domain.figures import CountyFigures, MemberFigures
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.returns.check_figures import figure_items
from ylt_desktop.store import figures


def test_a_member_saves_its_own_figures_and_not_another_units(member) -> None:  # noqa: ANN001
    with member.session() as s:
        ids = unit_ids(s)
        with pytest.raises(RuleViolation) as refused:
            figures.save_figures(s, quarter=Q, members={ids[B]: MemberFigures(visits=900)})
        assert f"“{B}”" in str(refused.value) and "成员库" in str(refused.value)
        with pytest.raises(RuleViolation) as refused:
            figures.save_figures(s, quarter=Q, county=CountyFigures(resident_population=1000))
        assert "县域运行指标" in str(refused.value) and "牵头单位" in str(refused.value)
        figures.save_figures(s, quarter=Q, members={ids[A]: MemberFigures(visits=900)})
    with member.session() as s:
        assert set(figures.member_figures(s, Q)) == {unit_ids(s)[A]}
        assert figures.county_figures(s, Q) is None
        assert [u.name for u in figures.figure_units(s, Q)] == [A]


def test_a_members_check_asks_only_for_its_own_figures(member) -> None:  # noqa: ANN001
    with member.session() as s:
        items = figure_items(s, Q)
    texts = [i.message for i in items]
    assert texts and all("县域" not in t for t in texts), texts
    assert all("4 家" not in t for t in texts), texts  # not the consortium's four units
    assert any("1 家" in t or A in t for t in texts), texts


def test_a_members_figures_import_rejects_another_units_row(member, tmp_path) -> None:  # noqa: ANN001
    from openpyxl import Workbook

    from ylt_desktop.importing import import_file

    wb = Workbook()
    ws = wb.active
    ws.append(["机构名称", "诊疗人次"])
    ws.append([A, 5000])
    ws.append([B, 6000])
    path = tmp_path / "运行指标.xlsx"
    wb.save(path)
    report = import_file(member, "figures", path, quarter=Q)  # the dry run says it first
    assert report.counts["rejected"] == 1 and report.counts["new"] == 1
    assert any(B in p.message and "成员库" in p.message for p in report.problems)


def test_a_quarter_the_lead_accepted_says_to_ask_the_lead(tmp_path) -> None:  # noqa: ANN001
    # The lock's advice was "请由审核人…重新打开该季度", which a member's database refuses
    # (only the lead's 退回 reopens it): the clerk was sent to a refusal.
    from tests.exchange.world import PASSPHRASE, enter_a, make_package
    from ylt_desktop.exchange import apply_packages, make_roster, open_roster, preview_packages

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    package = make_package(member, tmp_path)
    apply_packages(lead, preview_packages(lead, [package], passphrase=PASSPHRASE))
    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "again")  # fmt: skip
    with member.session() as s:
        assert str(Q) in open_roster(s, roster, passphrase=PASSPHRASE).locked
    with member.session() as s, pytest.raises(RuleViolation) as refused:
        figures.save_figures(s, quarter=Q, members={unit_ids(s)[A]: MemberFigures(visits=1)})
    assert "牵头单位退回" in str(refused.value), str(refused.value)
    member.close()
    lead.close()


def test_figures_typed_for_others_before_the_refusal_are_not_read(member) -> None:  # noqa: ANN001
    """A member's database written before ``save_figures`` refused them (edb5a48) holds
    figures of other units and the county: hidden from its page, never sent, yet its own
    return's 表6/表7 printed them. Every reader now takes the own unit's only."""
    from ylt_desktop.returns.rows_figures import figure_parts
    from ylt_desktop.store.models import CountyQuarterFigures, MemberQuarterFigures

    with member.session() as s:
        ids = unit_ids(s)
        figures.save_figures(s, quarter=Q, members={ids[A]: MemberFigures(visits=900)})
        s.add(MemberQuarterFigures(institution_id=ids[B], quarter=str(Q), visits=777_777))
        s.add(CountyQuarterFigures(quarter=str(Q), resident_population=555_555))
        s.commit()
    with member.session() as s:
        assert set(figures.member_figures(s, Q)) == {ids[A]}
        assert figures.county_figures(s, Q) is None
        members, county = figures.figures_by_quarter(s, [Q])
        assert set(members[str(Q)]) == {ids[A]} and county == {}
        parts = figure_parts(s, Q)
    shown = repr(parts)
    assert "777777" not in shown and "555555" not in shown, shown
    assert any(r["name"] == A and r["visits"] == 900 for r in parts["figures"])
