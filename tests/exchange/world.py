"""A small consortium spread over a lead database and member databases, for the package tests.

``Lead``: 县人民医院 (lead unit) with three members — 青山镇卫生院 (A), 大树镇卫生院 (B),
东湖村卫生室 (C) — an imaging agreement (lead → A, B), and one lead doctor posted to A.
``enter_*`` type each unit's quarter through the store commands, into whatever database
they are given: a member's own, or one database holding everything (the reference).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from tests.helpers.people import ric
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.store import agreements, figures, institutions, rotations, staff
from ylt_desktop.store.db import Database, open_database
from ylt_desktop.store.models import Agreement, Institution, Staff

Q = Quarter(2026, 3)
TODAY = dt.date(2026, 11, 30)
PASSPHRASE = "青山绿水-2026-交换"
LEAD, A, B, C = (
    "示例县人民医院",
    "示例县青山镇卫生院",
    "示例县大树镇卫生院",
    "示例县大树镇东湖村卫生室",
)
COVER = {"unit_head": "王建国", "stats_head": "李芳", "preparer": "张敏", "phone": "0792-2221234"}


def _unit(name: str, category: str, level: str, body: str) -> InstitutionData:
    return InstitutionData(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category=category,
        level=level,
        joined=dt.date(2020, 1, 1),
        beds_authorised=40,
        beds_actual=40,
        staff_total=50,
        health_tech_staff=40,
        doctors=12,
        nurses=15,
    )


def build_consortium(db: Database) -> None:
    """The consortium, its four units, the agreement and the lead's own posting to A."""
    with db.session() as s:
        institutions.initialize(
            s, name="示例县医共体", kind="县域医共体", division="360428",
            founded=dt.date(2019, 1, 1), lead=_unit(LEAD, "综合医院", "二级甲等", "10000001"),
        )  # fmt: skip
        for name, cat, level, body in (
            (A, "乡镇卫生院", "一级", "10000002"),
            (B, "乡镇卫生院", "一级", "10000003"),
            (C, "村卫生室", "未定级", "10000004"),
        ):
            institutions.create_institution(s, data=_unit(name, cat, level, body))
        ids = unit_ids(s)
        agreements.create_agreement(
            s,
            data=AgreementData(
                number="YX-2026-01", title="影像诊断中心", kind="区域医学影像中心",
                provider_id=ids[LEAD], recipient_ids=[ids[A], ids[B]],
                signed=dt.date(2025, 12, 1), effective_from=dt.date(2026, 1, 1),
                effective_to=dt.date(2028, 12, 31),
            ),
        )  # fmt: skip
        doctor = staff.create_staff(
            s,
            data=StaffData(name="赵建国", sex="男", id_number=ric(dt.date(1980, 5, 1), "男", 1),
                           title="主治医师", specialty="内科", home_id=ids[LEAD]),
        )  # fmt: skip
        rotations.create_rotation(
            s,
            data=RotationData(
                staff_id=doctor.id, from_id=ids[LEAD], to_id=ids[A], form="派驻",
                start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31),
                quarters={str(Q): QuarterFigures(days=None, outpatient=300, procedures=4)},
            ),
            today=TODAY,
        )  # fmt: skip


def unit_ids(s) -> dict[str, int]:  # noqa: ANN001
    return {i.name: i.id for i in s.scalars(select(Institution))}


def _person(s, name: str, sex: str, seq: int, title: str, home: str) -> int:  # noqa: ANN001
    ids = unit_ids(s)
    number = ric(dt.date(1985, 3, seq), sex, seq)
    found = s.scalar(select(Staff).where(Staff.id_number == number))
    if found is not None:
        return found.id
    data = StaffData(name=name, sex=sex, id_number=number, title=title, specialty="全科",
                     home_id=ids[home])  # fmt: skip
    return staff.create_staff(s, data=data).id


def _rotate(s, person: int, frm: str, to: str, form: str, start: dt.date, **q) -> None:  # noqa: ANN001
    ids = unit_ids(s)
    rotations.create_rotation(
        s,
        data=RotationData(staff_id=person, from_id=ids[frm], to_id=ids[to], form=form,
                          start=start, end=None, quarters={str(Q): QuarterFigures(**q)}),
        today=TODAY,
    )  # fmt: skip


def _volume(s, value: float) -> None:  # noqa: ANN001
    a = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
    data = agreements.to_data(a)
    data.volumes[(str(Q), "影像诊断例数")] = value
    agreements.update_agreement(s, agreement_id=a.id, data=data)


def enter_a(db: Database) -> None:
    """青山镇卫生院: its profile's beds, a doctor on 巡诊 to 东湖村, the lead's posted doctor
    (as the lead typed it), the imaging volume, its operating figures."""
    with db.session() as s:
        ids = unit_ids(s)
        inst = s.get(Institution, ids[A])
        data = institutions.to_data(inst)
        data.beds_actual, data.phone = 46, "0792-2345678"
        institutions.update_institution(s, institution_id=inst.id, data=data)
        p = _person(s, "钱小红", "女", 2, "医师", A)
        _rotate(s, p, A, C, "坐诊/巡诊", dt.date(2026, 7, 6), days=20, outpatient=55)
        doctor = s.scalar(select(Staff).where(Staff.name == "赵建国"))
        _rotate_known(s, doctor.id, LEAD, A)
        _volume(s, 120)
        figures.save_figures(
            s, quarter=Q,
            members={ids[A]: MemberFigures(visits=21000, discharges=300, up_outpatient=40,
                                           down_outpatient=2, received_down=25)},
        )  # fmt: skip


def _rotate_known(s, person: int, frm: str, to: str) -> None:  # noqa: ANN001
    from ylt_desktop.store.models import Rotation

    ids = unit_ids(s)
    exists = s.scalar(
        select(Rotation).where(
            Rotation.staff_id == person, Rotation.from_id == ids[frm], Rotation.to_id == ids[to]
        )  # fmt: skip
    )
    if exists is None:
        rotations.create_rotation(
            s,
            data=RotationData(
                staff_id=person, from_id=ids[frm], to_id=ids[to], form="派驻",
                start=dt.date(2026, 7, 1), end=dt.date(2026, 12, 31),
                quarters={str(Q): QuarterFigures(days=None, outpatient=300, procedures=4)},
            ),
            today=TODAY,
        )  # fmt: skip


def enter_b(db: Database) -> None:
    """大树镇卫生院: a nurse teaching at 东湖村, a trainee sent to the county hospital."""
    with db.session() as s:
        ids = unit_ids(s)
        nurse = _person(s, "孙丽", "女", 3, "主管护师", B)
        _rotate(s, nurse, B, C, "带教/查房", dt.date(2026, 8, 3), days=10, trainees=12, rounds=6)
        trainee = _person(s, "李强", "男", 4, "医师", B)
        _rotate(s, trainee, B, LEAD, "进修学习", dt.date(2026, 9, 1), days=None)
        figures.save_figures(
            s, quarter=Q, members={ids[B]: MemberFigures(visits=15000, up_outpatient=22)}
        )


def enter_c(db: Database) -> None:
    """东湖村卫生室: its village doctor learning at 青山镇卫生院, its figures."""
    with db.session() as s:
        ids = unit_ids(s)
        p = _person(s, "周明", "男", 5, "其他", C)
        _rotate(s, p, C, A, "进修学习", dt.date(2026, 7, 15), days=None)
        figures.save_figures(
            s, quarter=Q,
            members={ids[C]: MemberFigures(visits=3000, contracts=400, population=1200)},
        )  # fmt: skip


ENTER = {A: enter_a, B: enter_b, C: enter_c}


def lead_database(folder: Path) -> Database:
    from ylt_desktop.store import exchange

    db = open_database(folder / "lead.sqlite")
    build_consortium(db)
    with db.session() as s:
        exchange.set_passphrase(s, passphrase=PASSPHRASE)
    return db


def member_database(lead: Database, name: str, folder: Path) -> Database:
    """A member's database set up from the roster the lead made for it."""
    from ylt_desktop.exchange import make_roster, open_roster

    with lead.session() as s:
        roster = make_roster(s, member_id=unit_ids(s)[name], passphrase=PASSPHRASE,
                             out_dir=folder / "rosters")  # fmt: skip
    db = open_database(folder / f"member-{unit_ids_name(name)}.sqlite")
    with db.session() as s:
        open_roster(s, roster, passphrase=PASSPHRASE)
    return db


def unit_ids_name(name: str) -> str:
    return {A: "a", B: "b", C: "c"}[name]


def make_package(member: Database, folder: Path) -> Path:
    from ylt_desktop.exchange import make_data_package

    with member.session() as s:
        return make_data_package(s, quarter=Q, passphrase=PASSPHRASE, out_dir=folder / "out")
