"""The demo consortium's people and rotations, deterministic from a seed and a day.

About 150 staff: the county hospitals' doctors, nurses and technicians, each township centre's
team and some village doctors. About 600 rotations over the eight quarters before today's:
senior and attending staff from the county hospitals go down (下沉) to the township centres
and villages, township staff go up (上派进修) to study at the county hospitals, and township
doctors hold clinics in their villages (平级交流). Every rotation passes the store's checks.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import ric_check_char
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData, calendar_days
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.store import institutions as institution_store
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store import staff as staff_store
from ylt_desktop.store.models import Institution

REGIONS = ("360428", "360428", "360428", "360402", "360430", "360481")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗曹邓彭詹余江石熊"
GIVEN = {
    "男": "建国伟强磊军洋勇杰涛明超斌辉志刚平文华鹏",
    "女": "芳娜敏静丽艳娟秀英玲春燕红霞华文平婷",
}
CLINICAL = ("内科", "外科", "儿科", "妇产科", "全科", "急诊科", "眼科", "耳鼻咽喉科", "口腔科",
            "皮肤科", "康复医学科", "麻醉科")  # fmt: skip
SURGICAL = frozenset({"外科", "妇产科", "麻醉科", "眼科", "耳鼻咽喉科", "口腔科"})
TECHNICAL = ("影像", "检验", "病理", "药学")
COUNTY_TITLES = {
    "主任医师": 5, "副主任医师": 16, "主治医师": 28, "医师": 10, "主任护师": 2, "副主任护师": 6,
    "主管护师": 12, "护师": 8, "副主任技师": 3, "主管技师": 6, "技师": 4,
}  # fmt: skip
TOWNSHIP_TITLES = {
    "副主任医师": 4, "主治医师": 22, "医师": 34, "主管护师": 10, "护师": 14, "护士": 8, "主管技师": 3,
    "技师": 5,
}  # fmt: skip
AGES = {"主任": (46, 59), "副主任": (38, 55), "主治": (30, 46), "主管": (30, 48)}
DURATIONS = {
    "坐诊/巡诊": (30, 120), "带教/查房": (30, 90), "派驻": (60, 180), "多点执业": (90, 240),
    "晋升前基层服务": (180, 366), "进修学习": (90, 180),
}  # fmt: skip
# Share of the calendar days actually worked, for forms where the clerk enters days.
PART_TIME_SHARE = {"坐诊/巡诊": (0.12, 0.3), "带教/查房": (0.08, 0.2), "多点执业": (0.15, 0.35)}


@dataclass
class _Units:
    county: list[Institution]
    townships: list[Institution]
    villages: list[Institution]
    lead: Institution


def _units(session: Session) -> _Units:
    everyone = institution_store.list_institutions(session)
    county = [i for i in everyone if i.category not in lists.GRASSROOTS_CATEGORIES]
    return _Units(
        county=county,
        townships=[i for i in everyone if i.category == "乡镇卫生院"],
        villages=[i for i in everyone if i.category == "村卫生室"],
        lead=next(i for i in county if i.role == lists.ROLE_LEAD),
    )


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _birth(rng: random.Random, title: str, today: dt.date) -> dt.date:
    low, high = next((v for k, v in AGES.items() if title.startswith(k)), (23, 36))
    if title in ("护士", "技师", "其他"):
        low, high = (21, 32) if title != "其他" else (35, 62)
    return dt.date(today.year - rng.randint(low, high), 1, 1) + dt.timedelta(rng.randint(0, 364))


def _specialty(rng: random.Random, title: str, home: Institution) -> str:
    if "护" in title:
        return "护理"
    if "技师" in title:
        return rng.choice(TECHNICAL)
    if home.category == "中医医院":
        return rng.choice(("中医科", "中医科", "康复医学科", "内科"))
    if home.category == "妇幼保健院":
        return rng.choice(("妇产科", "儿科"))
    if home.category in lists.GRASSROOTS_CATEGORIES:
        return rng.choice(("全科", "全科", "中医科", "内科", "公共卫生", "儿科"))
    return rng.choice(CLINICAL)


def _id_number(rng: random.Random, n: int, sex: str, birth: dt.date) -> str:
    digit17 = 2 * rng.randint(0, 4) + (1 if sex == "男" else 0)
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{n % 100:02d}{digit17}"
    return first17 + ric_check_char(first17)


def _people(rng: random.Random, units: _Units, today: dt.date) -> list[StaffData]:
    homes = [units.lead] * 40
    homes += [i for i in units.county if i is not units.lead for _ in range(13)]
    homes += [t for t in units.townships for _ in range(6)]
    homes += units.villages[: max(0, 150 - len(homes))]
    people = []
    for n, home in enumerate(homes):
        if home.category == "村卫生室":
            title = rng.choice(("医师", "医师", "其他"))
        elif home.category == "乡镇卫生院":
            title = _weighted(rng, TOWNSHIP_TITLES)
        else:
            title = _weighted(rng, COUNTY_TITLES)
        nurse = "护" in title
        sex = "女" if rng.random() < (0.92 if nurse else 0.42) else "男"
        birth = _birth(rng, title, today)
        given = "".join(rng.choice(GIVEN[sex]) for _ in range(rng.choice((1, 2))))
        name = rng.choice(SURNAMES) + given
        people.append(
            StaffData(
                name=name,
                sex=sex,
                id_number=_id_number(rng, n, sex, birth),
                licence_code=f"{rng.randint(10, 99)}0360428{rng.randint(100000, 999999)}",
                title=title,
                specialty=_specialty(rng, title, home),
                home_id=home.id,
            )
        )
    return people


def _plan(
    rng: random.Random, person: StaffData, home: Institution, units: _Units
) -> tuple[str, list[Institution]] | None:
    """One rotation's form and candidate receiving institutions for this person."""
    if home.category == "村卫生室":
        return "进修学习", [t for t in units.townships if rng.random() < 0.3] + [units.lead]
    if home.category == "乡镇卫生院":
        if rng.random() < 0.6:
            return "进修学习", units.county
        near = [v for v in units.villages if v.division[:9] == home.division[:9]]
        return "坐诊/巡诊", near or units.villages
    if rng.random() < 0.1 and len(units.county) > 1:
        return "带教/查房", [i for i in units.county if i.id != home.id]
    forms = {"坐诊/巡诊": 35, "带教/查房": 18, "派驻": 22, "多点执业": 10}
    if person.title == "主治医师":
        forms["晋升前基层服务"] = 30
    form = _weighted(rng, forms)
    if form == "坐诊/巡诊" and rng.random() < 0.25:
        return form, units.villages
    return form, units.townships


def _figures(
    rng: random.Random, person: StaffData, form: str, quarter: Quarter, cal: int
) -> QuarterFigures:
    if form in lists.FULL_TIME_FORMS:
        days = cal - rng.randint(1, 6) if rng.random() < 0.1 and cal > 10 else None
    else:
        low, high = PART_TIME_SHARE[form]
        days = max(1, round(cal * rng.uniform(low, high)))
    worked = days if days is not None else cal
    senior = person.title.startswith(("主任", "副主任"))
    learner = form == "进修学习"

    def per_day(low: float, high: float) -> int:
        return round(worked * rng.uniform(low, high))

    if "护" in person.title:
        figures = QuarterFigures(
            days, per_day(0, 3), per_day(2, 6), per_day(0.5, 2), per_day(0.3, 0.8)
        )
    elif "技师" in person.title:
        figures = QuarterFigures(days, 0, per_day(8, 25), per_day(0.3, 1.5), 0)
    else:
        outpatient = per_day(3, 8) if learner else per_day(18, 32) if senior else per_day(9, 22)
        surgical = person.specialty in SURGICAL
        figures = QuarterFigures(
            days,
            outpatient,
            per_day(0.3, 1.2) if surgical else per_day(0, 0.15),
            0 if learner else per_day(2, 6) if form == "带教/查房" else per_day(0.2, 1.5),
            per_day(0.8, 1.5) if form == "带教/查房" else per_day(0, 0.6),
        )
    figures.lectures = 0 if learner else round(worked / rng.uniform(8, 14 if senior else 30))
    return figures


def _quarters(
    rng: random.Random, person: StaffData, data: RotationData, today: dt.date
) -> dict[str, QuarterFigures]:
    assert data.start is not None
    result = {}
    quarter = Quarter.containing(data.start)
    while quarter.last_day < today and quarter.first_day <= (data.end or today):
        cal = calendar_days(data.start, data.end, quarter)
        result[str(quarter)] = _figures(rng, person, data.form, quarter, cal)
        quarter = quarter.next()
    return result


def _timeline(
    rng: random.Random,
    person: StaffData,
    home: Institution,
    units: _Units,
    window: tuple[dt.date, dt.date],
    today: dt.date,
) -> list[RotationData]:
    first, last = window
    day = first + dt.timedelta(rng.randint(0, 45))
    result = []
    while day <= last:
        plan = _plan(rng, person, home, units)
        targets = [i for i in plan[1] if i.joined <= day and i.id != home.id] if plan else []
        if not targets:
            break
        form, to = plan[0], rng.choice(targets)
        low, high = DURATIONS[form]
        end: dt.date | None = day + dt.timedelta(rng.randint(low, high) - 1)
        if end > last:
            if form in lists.FULL_TIME_FORMS and rng.random() < 0.4:
                end = None  # still going on today
            elif (last - day).days + 1 >= low:
                end = last
            else:
                break
        data = RotationData(
            staff_id=None, from_id=home.id, to_id=to.id, form=form, start=day, end=end
        )
        data.quarters = _quarters(rng, person, data, today)
        result.append(data)
        if end is None:
            break
        grassroots = home.category in lists.GRASSROOTS_CATEGORIES
        day = end + dt.timedelta(rng.randint(50, 200) if grassroots else rng.randint(5, 35))
    return result


def build_staff_and_rotations(session: Session, *, seed: int, today: dt.date) -> None:
    """Add the demo people and rotations; run inside the demo's all-or-nothing transaction."""
    rng = random.Random(seed * 7919 + today.toordinal())
    units = _units(session)
    this_quarter = Quarter.containing(today)
    start_quarter = this_quarter
    for _ in range(8):
        start_quarter = start_quarter.prev()
    window = (start_quarter.first_day, this_quarter.prev().last_day)
    by_id = {i.id: i for i in [*units.county, *units.townships, *units.villages]}
    for data in _people(rng, units, today):
        staff_id = staff_store.create_staff(session, data=data).id
        home = by_id[data.home_id]
        if rng.random() < 0.08:
            continue  # not everyone rotates
        for rotation in _timeline(rng, data, home, units, window, today):
            rotation.staff_id = staff_id
            rotation_store.create_rotation(session, data=rotation, today=today)
