"""填报单位 on a member's own return (DESIGN §7): a member's database files for its own unit,
the lead's for the lead unit; a name the clerk typed wins in both."""

from __future__ import annotations

from tests.exchange.world import COVER, LEAD, A, Q, lead_database, member_database
from ylt_desktop.returns.rows import quarter_rows


def _filler(db, typed: str = "") -> tuple[str, str]:  # noqa: ANN001
    with db.session() as s:
        ret = quarter_rows(s, Q, cover_fields={**COVER, "filler_unit": typed})
    return ret.cover.filler_unit, ret.cover.lead_unit


def test_a_members_return_names_its_own_unit_unless_typed(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    try:
        assert _filler(member) == (A, LEAD)  # the lead stays named as the 牵头单位
        assert _filler(member, "青山镇卫生院（盖章）") == ("青山镇卫生院（盖章）", LEAD)
        assert _filler(lead) == (LEAD, LEAD)
        assert _filler(lead, "示例县卫健局") == ("示例县卫健局", LEAD)
    finally:
        member.close()
        lead.close()
