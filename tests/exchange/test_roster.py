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


def test_a_newer_roster_keeps_the_members_profile_but_brings_its_membership(tmp_path) -> None:  # noqa: ANN001
    import datetime as dt

    from tests.exchange.world import unit_ids
    from ylt_desktop.exchange import make_roster, open_roster
    from ylt_desktop.store import institutions

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with a.session() as s:  # the member corrects its beds
        inst = s.get(Institution, unit_ids(s)[A])
        data = institutions.to_data(inst)
        data.beds_actual = 77
        institutions.update_institution(s, institution_id=inst.id, data=data)
    with lead.session() as s:  # the lead records that A leaves, and renames B
        for name, change in ((A, {"left": dt.date(2027, 6, 30)}), (B, {"phone": "0792-7654321"})):
            inst = s.get(Institution, unit_ids(s)[name])
            data = institutions.to_data(inst)
            for k, v in change.items():
                setattr(data, k, v)
            institutions.update_institution(s, institution_id=inst.id, data=data)
        roster = make_roster(s, member_id=unit_ids(s)[A], passphrase=PASSPHRASE,
                             out_dir=tmp_path / "r2")  # fmt: skip
    with a.session() as s:
        open_roster(s, roster, passphrase=PASSPHRASE)
        own = s.get(Institution, unit_ids(s)[A])
        assert own.beds_actual == 77 and own.left == dt.date(2027, 6, 30)
        assert s.get(Institution, unit_ids(s)[B]).phone == "0792-7654321"
    a.close()
    lead.close()
