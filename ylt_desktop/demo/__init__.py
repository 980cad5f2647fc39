"""A realistic demo consortium (示例县医共体), deterministic from a seed.

One county 县域医共体: the county general hospital as lead, a TCM hospital, a maternal-child
hospital, 12 township health centres and 30 village clinics, all with valid codes.
"""

from __future__ import annotations

import datetime as dt
import random

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.tx import all_or_nothing

COUNTY = "360428"
CONSORTIUM_NAME = "示例县医共体"
TOWNS = (
    "城关",
    "青山",
    "大树",
    "南峰",
    "北炎",
    "春桥",
    "和合",
    "万户",
    "苏山",
    "汪墩",
    "多宝",
    "左里",
)
VILLAGES = ("东湖", "西岭", "桃源", "杨柳", "石门", "长岗", "新塘", "白沙", "枫林", "龙口")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"


def _org_code(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(8))


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"0792-{rng.randint(2000000, 8999999)}"
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"


def _hospital(
    rng: random.Random, name: str, category: str, level: str, beds: int
) -> InstitutionData:
    staff = int(beds * rng.uniform(1.3, 1.6))
    tech = int(staff * 0.82)
    doctors = int(tech * 0.36)
    return InstitutionData(
        name=name,
        uscc=make_uscc("12", COUNTY, _org_code(rng)),
        licence_no=f"PDY{rng.randint(10000000, 99999999)}36042811A{rng.randint(1001, 9999)}",
        division=COUNTY,
        category=category,
        level=level,
        ownership="公立",
        joined=dt.date(2019, 1, 1),
        beds_authorised=beds,
        beds_actual=int(beds * rng.uniform(0.95, 1.3)),
        staff_total=staff,
        health_tech_staff=tech,
        doctors=doctors,
        nurses=int(tech * 0.45),
        address=f"江西省示例县{rng.choice(('迎宾大道', '建设路', '人民路'))}{rng.randint(1, 300)}号",
        contact=_person(rng),
        phone=_phone(rng),
    )


def _township(rng: random.Random, i: int, town: str) -> InstitutionData:
    beds = rng.choice((20, 30, 40, 50, 60, 80))
    staff = rng.randint(25, 90)
    tech = int(staff * rng.uniform(0.75, 0.9))
    division = f"{COUNTY}{100 + i:03d}"
    return InstitutionData(
        name=f"示例县{town}镇卫生院",
        uscc=make_uscc("12", COUNTY, _org_code(rng)),
        division=division,
        category="乡镇卫生院",
        level=rng.choice(("一级", "一级", "未定级")),
        ownership="公立",
        joined=dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 500)),
        beds_authorised=beds,
        beds_actual=int(beds * rng.uniform(0.8, 1.4)),
        staff_total=staff,
        health_tech_staff=tech,
        doctors=int(tech * 0.38),
        nurses=int(tech * 0.35),
        address=f"江西省示例县{town}镇{rng.choice(('中心街', '卫生路', '新街'))}{rng.randint(1, 99)}号",
        contact=_person(rng),
        phone=_phone(rng),
    )


def _village(rng: random.Random, town_index: int, v: int, town: str) -> InstitutionData:
    village = VILLAGES[v % len(VILLAGES)]
    staff = rng.randint(1, 4)
    return InstitutionData(
        name=f"示例县{town}镇{village}村卫生室",
        # Village clinics may leave the USCC empty; about a third have one.
        uscc=make_uscc("52", COUNTY, _org_code(rng)) if rng.random() < 0.35 else "",
        division=f"{COUNTY}{100 + town_index:03d}{200 + v:03d}",
        category="村卫生室",
        level="未定级",
        ownership=rng.choice(("公立", "公立", "社会办非营利")),
        joined=dt.date(2019, 7, 1) + dt.timedelta(days=rng.randint(0, 700)),
        staff_total=staff,
        health_tech_staff=staff,
        doctors=min(staff, rng.randint(1, 2)),
        nurses=0,
        contact=_person(rng),
        phone=_phone(rng),
    )


def demo_institutions(rng: random.Random) -> tuple[InstitutionData, list[InstitutionData]]:
    """The lead unit and the other members, in a stable order."""
    lead = _hospital(rng, "示例县人民医院", "综合医院", "二级甲等", 600)
    lead.role = lists.ROLE_LEAD
    members = [
        _hospital(rng, "示例县中医医院", "中医医院", "二级甲等", 300),
        _hospital(rng, "示例县妇幼保健院", "妇幼保健院", "二级", 120),
    ]
    members += [_township(rng, i, town) for i, town in enumerate(TOWNS)]
    # 30 village clinics, spread over the towns.
    members += [
        _village(rng, n % len(TOWNS), n // len(TOWNS), TOWNS[n % len(TOWNS)]) for n in range(30)
    ]
    return lead, members


def build_demo(db: Database, *, seed: int = 2026, today: dt.date | None = None) -> None:
    """Fill an empty database with the demo consortium and its users (one per role); the demo
    管理员 makes the records, then ``db`` acts as whoever it acted as before."""
    from ylt_desktop.demo.users import create_demo_users

    before = db.user
    db.sign_in(create_demo_users(db))
    try:
        _build(db, seed=seed, today=today)
    finally:
        db.sign_in(before)


def _build(db: Database, *, seed: int, today: dt.date | None) -> None:
    rng = random.Random(seed)
    lead, members = demo_institutions(rng)
    with db.session() as s:
        store.initialize(
            s,
            name=CONSORTIUM_NAME,
            kind="县域医共体",
            division=COUNTY,
            founded=dt.date(2019, 1, 1),
            lead=lead,
        )
    with db.session() as s, all_or_nothing(s):
        for data in members:
            store.create_institution(s, data=data)
        from ylt_desktop.demo.staff import build_staff_and_rotations

        build_staff_and_rotations(s, seed=seed, today=today or dt.date.today())
        from ylt_desktop.demo.figures import build_demo_figures

        build_demo_figures(s, seed=seed, today=today or dt.date.today())
    from ylt_desktop.demo.agreements import build_demo_agreements

    build_demo_agreements(db, seed=seed, today=today or dt.date.today())
