"""What a roster brings (DESIGN §7): the consortium, every unit with its codes and tiers, the
agreements the member takes part in (and no others), the persons of other units who rotate
to it (and no others); no identity number outside the encrypted body."""

from __future__ import annotations

from sqlalchemy import select

from tests.exchange.world import LEAD, PASSPHRASE, A, B, C, lead_database, member_database
from tests.helpers.people import ric
from ylt_desktop.exchange.sealed import read_file
from ylt_desktop.store.models import Agreement, Consortium, Institution, InstitutionLevel, Staff


def test_each_member_gets_its_own_share(tmp_path) -> None:  # noqa: ANN001
    import datetime as dt

    lead = lead_database(tmp_path)
    with lead.session() as s:
        units = {
            i.name: (i.id, i.uscc, i.level, i.category) for i in s.scalars(select(Institution))
        }
        exchange_id = s.scalar(select(Consortium.exchange_id))
    doctor = ric(dt.date(1980, 5, 1), "男", 1)
    for name, agreements, persons in ((A, ["YX-2026-01"], ["赵建国"]), (C, [], [])):
        member = member_database(lead, name, tmp_path)
        with member.session() as s:
            c = s.scalar(select(Consortium))
            assert (c.name, c.kind, c.db_kind, c.exchange_id) == (
                "示例县医共体", "县域医共体", "member", exchange_id,
            )  # fmt: skip
            got = {
                i.name: (i.id, i.uscc, i.level, i.category) for i in s.scalars(select(Institution))
            }
            assert got == units  # same ids, codes and tiers as the lead's
            assert s.scalar(select(InstitutionLevel).limit(1)) is not None
            assert [a.number for a in s.scalars(select(Agreement))] == agreements
            assert [p.name for p in s.scalars(select(Staff))] == persons
        member.close()
    for roster in (tmp_path / "rosters").glob("*.ylt"):
        sealed = read_file(roster)
        assert doctor.encode() not in roster.read_bytes()
        assert sealed.header["member"] in (A, C) and sealed.header["kind"] == "roster"
        assert LEAD not in roster.name and B not in roster.name
        assert PASSPHRASE.encode() not in roster.read_bytes()
    lead.close()
