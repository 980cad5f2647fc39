"""Who has reported, the export warning naming the missing members, the database kinds, and
the roles: only a 审核人 or 管理员 receives and returns packages, only a 管理员 sets the
passphrase, a member database adds no units; the passphrase itself is stored nowhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.exchange.world import (
    PASSPHRASE,
    TODAY,
    A,
    B,
    C,
    Q,
    build_consortium,
    enter_a,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.roles import CLERK, REVIEWER, NotAllowed
from ylt_desktop.exchange import PackageRefused, apply_packages, make_roster, preview_packages
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.store import exchange, institutions
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import AuditEntry, Consortium
from ylt_desktop.store.users import Actor


def missing_warning(db) -> str | None:  # noqa: ANN001
    with db.session() as s:
        items = check_quarter(s, Q, today=TODAY)
    return next((i.message for i in items if "尚未报送" in i.message), None)


def test_status_and_the_export_warning_name_the_missing_members(tmp_path) -> None:  # noqa: ANN001
    plain = open_database(tmp_path / "plain.sqlite")
    build_consortium(plain)
    assert missing_warning(plain) is None  # a lead not using packages is not nagged
    plain.close()

    lead = lead_database(tmp_path)
    warning = missing_warning(lead)
    assert warning is not None and all(n in warning for n in (A, B, C))
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    apply_packages(lead, preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE))
    warning = missing_warning(lead)
    assert A not in warning and B in warning and C in warning and "2 个成员单位" in warning
    with lead.session() as s:
        status = {m.name: m for m in exchange.report_status(s, Q)}
        assert status[A].status == exchange.REPORTED and status[A].file_name.endswith(".ylt")
        assert status[A].made_by == "admin" and status[A].package_created is not None
        assert status[B].status == exchange.NOT_REPORTED
        exchange.return_quarter(s, member_id=unit_ids(s)[A], quarter=Q, reason="请补充运行指标")
        status = {m.name: m for m in exchange.report_status(s, Q)}
        assert status[A].status == exchange.RETURNED and status[A].reason == "请补充运行指标"
    assert A in missing_warning(lead)
    a.close()
    lead.close()


def test_kinds_and_the_passphrase_is_kept_only_as_a_hash(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with lead.session() as s:
        assert exchange.database_kind(s) == exchange.LEAD
    with a.session() as s:
        assert exchange.database_kind(s) == exchange.MEMBER
        assert exchange.own_member_id(s) == unit_ids(s)[A]
        with pytest.raises(RuleViolation, match="成员库"):
            institutions.create_institution(
                s, data=InstitutionData(name="新卫生院", division="360428", category="乡镇卫生院")
            )
    for db in (lead, a):
        raw = db.path.read_bytes()
        assert PASSPHRASE.encode() not in raw
        with db.session() as s:
            check = s.scalar(select(Consortium.exchange_check))
            assert check.startswith("scrypt$")
            logged = " ".join(e.new_values or "" for e in s.scalars(select(AuditEntry)))
            assert check not in logged and PASSPHRASE not in logged
    a.close()
    lead.close()


def test_a_clerk_may_not_receive_return_or_set_the_passphrase(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    package = make_package(a, tmp_path)  # a member's clerk may make its package
    lead.sign_in(Actor("小张", CLERK))
    with pytest.raises(NotAllowed, match="接收成员单位的数据包"):
        preview_packages(lead, [package], passphrase=PASSPHRASE)
    with lead.session() as s, pytest.raises(NotAllowed):
        make_roster(s, member_id=unit_ids(s)[B], passphrase=PASSPHRASE, out_dir=tmp_path / "x")
    with lead.session() as s, pytest.raises(NotAllowed, match="设置数据交换口令"):
        exchange.set_passphrase(s, passphrase="另一个口令-12345")
    lead.sign_in(Actor("老李", REVIEWER))
    previews = preview_packages(lead, [package], passphrase=PASSPHRASE)
    lead.sign_in(Actor("小张", CLERK))
    with pytest.raises(NotAllowed):
        apply_packages(lead, previews)
    with lead.session() as s:
        assert exchange.report_status(s, Q)[0].status == exchange.NOT_REPORTED
    lead.sign_in(Actor("老李", REVIEWER))
    apply_packages(lead, previews)
    lead.sign_in(Actor("小张", CLERK))
    with lead.session() as s, pytest.raises(NotAllowed):
        exchange.return_quarter(s, member_id=unit_ids(s)[A], quarter=Q, reason="x")
    a.close()
    lead.close()


def test_wrong_places_are_refused(tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.exchange import make_data_package, open_roster

    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    with lead.session() as s:
        with pytest.raises(PackageRefused, match="汇总库"):
            make_data_package(s, quarter=Q, passphrase=PASSPHRASE, out_dir=tmp_path)
        roster = make_roster(s, member_id=unit_ids(s)[B], passphrase=PASSPHRASE, out_dir=tmp_path)
        with pytest.raises(PackageRefused, match="汇总库"):
            open_roster(s, roster, passphrase=PASSPHRASE)
    with a.session() as s, pytest.raises(PackageRefused, match="发给"):
        open_roster(s, roster, passphrase=PASSPHRASE)  # B's roster in A's database
    with pytest.raises(PackageRefused, match="成员库"):
        preview_packages(a, [roster], passphrase=PASSPHRASE)
    a.close()
    lead.close()


def test_zero_is_not_the_same_as_not_entered(tmp_path) -> None:  # noqa: ANN001
    """在岗职工 not known at the lead, 0 at the member: a change the preview shows."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    for db, value in ((lead, None), (a, 0)):
        with db.session() as s:
            inst = s.get(institutions.Institution, unit_ids(s)[A])
            data = institutions.to_data(inst)
            data.staff_total = value
            data.health_tech_staff = data.doctors = data.nurses = 0
            institutions.update_institution(s, institution_id=inst.id, data=data)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE)
    (profile,) = [c for c in preview.changes if c.kind == "profile"]
    assert profile.action == "修改"
    assert ("在岗职工", "（空）", "0") in profile.fields
    a.close()
    lead.close()


def test_a_members_database_tells_only_its_own_status(tmp_path) -> None:  # noqa: ANN001
    # A member's database knows only its own packages (from its rosters): it listed the
    # other members as 未报送, which it cannot know.
    from tests.exchange.world import A, Q, lead_database, member_database
    from ylt_desktop.store import exchange as store_exchange

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    with member.session() as s:
        rows = store_exchange.report_status(s, Q)
    assert [r.name for r in rows] == [A]
    member.close()
    lead.close()
