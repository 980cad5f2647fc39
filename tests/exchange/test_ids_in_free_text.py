"""A member's package with a whole identity number in free text written by an older program,
before the rule (a rotation's 备注; the title of an agreement the member made itself, which
the lead's refusal quotes) is refused by the lead's preview with a message that does not
repeat the number; nothing is written and nothing crashes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.exchange.test_refusals import dump
from tests.exchange.world import (
    PASSPHRASE,
    A,
    enter_a,
    lead_database,
    make_package,
    member_database,
)
from tests.helpers.people import ric
from ylt_desktop.exchange import PackageRefused, apply_packages, preview_packages
from ylt_desktop.store.models import Rotation, Staff
from ylt_desktop.store.tx import transaction

SOMEONE = ric(dt.date(1975, 3, 8), "男", 7)


def test_a_rotation_note_with_an_identity_number_is_refused_by_the_preview(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    with member.session() as s, transaction(s):  # an older program took it
        person = s.scalar(select(Staff.id).where(Staff.name == "钱小红"))
        s.execute(update(Rotation).where(Rotation.staff_id == person)
                  .values(note=f"钱小红 {SOMEONE}"))  # fmt: skip
    package = make_package(member, tmp_path)
    before = dump(lead.path)
    (preview,) = preview_packages(lead, [package], passphrase=PASSPHRASE)
    assert preview.refusal and "备注中含有居民身份证号码" in preview.refusal
    assert SOMEONE not in preview.refusal
    with pytest.raises(PackageRefused) as exc:
        apply_packages(lead, [preview])
    assert SOMEONE not in str(exc.value)
    assert dump(lead.path) == before
    member.close()
    lead.close()


def test_a_refusal_quoting_a_members_agreement_title_masks_the_number(tmp_path) -> None:  # noqa: ANN001
    from tests.exchange.world import LEAD, Q, unit_ids
    from ylt_desktop.domain.agreement import AgreementData
    from ylt_desktop.store import agreements
    from ylt_desktop.store.models import Agreement

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    with member.session() as s:
        ids = unit_ids(s)
        agreements.create_agreement(s, data=AgreementData(
            number="OWN-1", title="远程会诊", kind="远程会诊", provider_id=ids[A],
            recipient_ids=[ids[LEAD]], effective_from=dt.date(2026, 1, 1),
            volumes={(str(Q), "远程会诊例数"): 12.0}))  # fmt: skip
        with transaction(s):  # an older program took it
            s.execute(update(Agreement).where(Agreement.number == "OWN-1")
                      .values(title=f"远程会诊 联系人{SOMEONE}"))  # fmt: skip
    package = make_package(member, tmp_path)
    (preview,) = preview_packages(lead, [package], passphrase=PASSPHRASE)
    assert preview.refusal and "OWN-1" in preview.refusal and "远程会诊 联系人" in preview.refusal
    assert SOMEONE not in preview.refusal
    member.close()
    lead.close()
