"""A member's database (成员库) checks its own unit's figures only: the rules across the
consortium's units (Σ sent up ≈ Σ received up, the county's visits ≥ the members' sum) are the
lead's, and rows of other units or the county stored before such figures were refused there
(edb5a48), which the clerk can neither see nor change any more, are not checked either."""

from __future__ import annotations

from tests.exchange.world import A, B, Q, unit_ids
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.returns.check_figures import figure_items
from ylt_desktop.store import figures
from ylt_desktop.store.models import CountyQuarterFigures, MemberQuarterFigures

# A township unit sends up and receives down: alone, its sums never match.
OWN = MemberFigures(visits=900, discharges=0, up_outpatient=100, up_inpatient=0,
                    down_outpatient=0, down_inpatient=0, received_up=0, received_down=40)  # fmt: skip


def test_a_members_check_does_not_sum_the_consortium_over_its_own_row(member) -> None:  # noqa: ANN001
    with member.session() as s:
        figures.save_figures(s, quarter=Q, members={unit_ids(s)[A]: OWN})
    with member.session() as s:
        texts = [i.message for i in figure_items(s, Q)]
    assert not [t for t in texts if "合计" in t], texts  # failed before: 上转/下转 合计 warned


def test_a_members_check_leaves_out_rows_it_no_longer_takes(member) -> None:  # noqa: ANN001
    """Another unit's row and the county's, typed before a member refused them."""
    with member.session() as s, s.begin():
        ids = unit_ids(s)
        s.add(MemberQuarterFigures(institution_id=ids[B], quarter=str(Q), visits=10,
                                   discharges=5, received_up=7, up_outpatient=1))  # fmt: skip
        s.add(CountyQuarterFigures(quarter=str(Q), resident_population=1000, county_visits=1))
    with member.session() as s:
        figures.save_figures(s, quarter=Q, members={ids[A]: MemberFigures(visits=900)})
    with member.session() as s:
        items = figure_items(s, Q)
    texts = [i.message for i in items]
    assert all(B not in t and "县域" not in t for t in texts), texts
    assert all(i.record_id in (None, ids[A]) for i in items), texts
