"""Every field a member can edit reaches the lead: the member's profile (all but membership,
which is the lead's), its person, its rotation (form, end, note, days, every volume), its
agreement's volumes and its operating figures are all changed at the member after a first
accepted package; the lead returns the quarter, opens the new package, and sees every value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from tests.exchange.world import (
    PASSPHRASE,
    TODAY,
    A,
    Q,
    enter_a,
    lead_database,
    make_package,
    member_database,
)
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.rotation import VOLUME_LABELS, QuarterFigures
from ylt_desktop.exchange import apply_packages, preview_packages
from ylt_desktop.store import agreements, exchange, figures, institutions, rotations, staff
from ylt_desktop.store.models import (
    Agreement,
    Institution,
    MemberQuarterFigures,
    Rotation,
    Staff,
)

PROFILE = {
    "name": "示例县青山中心卫生院",
    "uscc": make_uscc("12", "360428", "10000009"),
    "licence_no": "PDY36042800001",
    "division": "360428101",
    "category": "社区卫生服务中心",
    "level": "一级",
    "ownership": "社会办非营利",
    "beds_authorised": 60,
    "beds_actual": 58,
    "staff_total": 70,
    "health_tech_staff": 55,
    "doctors": 20,
    "nurses": 25,
    "address": "青山镇中心街 8 号",
    "contact": "刘芳",
    "phone": "13912345678",
}
PERSON = {"name": "钱晓红", "licence_code": "110360428000123", "title": "主治医师",
          "specialty": "内科"}  # fmt: skip
ROTATION = {"form": "带教/查房", "end": dt.date(2026, 9, 30), "note": "每周二、四带教"}
DAYS = 24
VOLUMES = {v: 11 + i for i, v in enumerate(VOLUME_LABELS)}
IMAGING = 150.0
FIGURES = {name: 100 + i for i, name in enumerate(MemberFigures.__dataclass_fields__)}
FIGURES.update(tcm_visits=50, key_contracts=60, key_population=90, population=5000,
               contracts=900)  # fmt: skip


def _change_everything(member) -> None:  # noqa: ANN001
    with member.session() as s:
        inst = s.scalar(select(Institution).where(Institution.name == A))
        step = dataclasses.replace(institutions.to_data(inst), level="未定级")
        institutions.update_institution(  # two dated level changes between two packages
            s, institution_id=inst.id, data=step, level_since=dt.date(2026, 7, 15), today=TODAY
        )
        data = dataclasses.replace(institutions.to_data(inst), **PROFILE)
        institutions.update_institution(
            s, institution_id=inst.id, data=data, level_since=dt.date(2026, 8, 1), today=TODAY
        )
        person = s.scalar(select(Staff).where(Staff.name == "钱小红"))
        staff.update_staff(
            s, staff_id=person.id, data=dataclasses.replace(staff.to_data(person), **PERSON)
        )
        r = s.scalar(select(Rotation).where(Rotation.staff_id == person.id))
        data = rotations.to_data(r)
        data.form, data.end = ROTATION["form"], ROTATION["end"]
        data.quarters = {str(Q): QuarterFigures(days=DAYS, **VOLUMES)}  # ends in Q now
        rotations.update_rotation(s, rotation_id=r.id, data=data, note=ROTATION["note"],
                                  today=TODAY)  # fmt: skip
        a = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(a)
        data.volumes[(str(Q), "影像诊断例数")] = IMAGING
        agreements.update_agreement(s, agreement_id=a.id, data=data)
        figures.save_figures(s, quarter=Q, members={inst.id: MemberFigures(**FIGURES)})


def test_every_editable_field_reaches_the_lead(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    first = preview_packages(lead, [make_package(a, tmp_path)], passphrase=PASSPHRASE)
    apply_packages(lead, first)
    with lead.session() as s:
        member_id = s.scalar(select(Institution.id).where(Institution.name == A))
        exchange.return_quarter(s, member_id=member_id, quarter=Q, reason="请核对")
    with lead.session() as s:
        from ylt_desktop.exchange import make_roster, open_roster

        roster = make_roster(s, member_id=member_id, passphrase=PASSPHRASE,
                             out_dir=tmp_path / "roster2")  # fmt: skip
    with a.session() as s:
        open_roster(s, roster, passphrase=PASSPHRASE)
    _change_everything(a)

    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "2")], passphrase=PASSPHRASE)
    assert preview.refusal is None
    # The lead's values are what A itself reported last time: no conflict with the lead.
    assert preview.conflicts == []
    apply_packages(lead, [preview])

    with lead.session() as s:
        inst = s.get(Institution, member_id)
        assert {k: getattr(inst, k) for k in PROFILE} == PROFILE
        from ylt_desktop.store import levels

        assert [(e.since, e.level, e.category) for e in levels.entries_of(s, member_id)] == [
            (None, "一级", "乡镇卫生院"),
            (dt.date(2026, 7, 15), "未定级", "乡镇卫生院"),
            (dt.date(2026, 8, 1), "一级", "社区卫生服务中心"),
        ]
        person = s.scalar(select(Staff).where(Staff.name == PERSON["name"]))
        assert {k: getattr(person, k) for k in PERSON} == PERSON
        r = s.scalar(select(Rotation).where(Rotation.staff_id == person.id))
        assert (r.form, r.end, r.note) == (ROTATION["form"], ROTATION["end"], ROTATION["note"])
        q = next(x for x in r.quarters if x.quarter == str(Q))
        assert {"days": q.days, **{v: getattr(q, v) for v in VOLUMES}} == {"days": DAYS, **VOLUMES}
        a_row = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        assert {v.measure: float(v.value) for v in a_row.volumes if v.quarter == str(Q)} == {
            "影像诊断例数": IMAGING
        }
        row = s.scalar(
            select(MemberQuarterFigures).where(
                MemberQuarterFigures.institution_id == member_id,
                MemberQuarterFigures.quarter == str(Q),
            )
        )
        assert {k: getattr(row, k) for k in FIGURES} == FIGURES
    a.close()
    lead.close()
