"""Test records for staff and rotations: valid ID numbers and a small consortium."""

from __future__ import annotations

import datetime as dt
import zlib

from sqlalchemy.orm import Session

from ylt_desktop.domain.codes import make_uscc, ric_check_char
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.staff import StaffData
from ylt_desktop.store import institutions, staff


def ric(birth: dt.date, sex: str, seq: int = 1, region: str = "360428") -> str:
    """A valid 居民身份证号码 whose digit 17 agrees with ``sex``."""
    digit17 = (1 if sex == "男" else 0) + 2 * (seq % 5)
    first17 = f"{region}{birth:%Y%m%d}{seq // 5 % 100:02d}{digit17}"
    return first17 + ric_check_char(first17)


def institution(
    s: Session,
    name: str,
    *,
    category: str = "综合医院",
    level: str = "二级甲等",
    joined: dt.date = dt.date(2020, 1, 1),
    left: dt.date | None = None,
    body: str = "",
) -> int:
    body = body or f"{zlib.crc32(name.encode()) % 10**8:08d}"
    data = InstitutionData(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category=category,
        level=level,
        joined=joined,
        left=left,
    )
    return institutions.create_institution(s, data=data).id


def consortium(s: Session) -> dict[str, int]:
    """A county hospital, a TCM hospital and two township centres; ids by short name."""
    return {
        "县医院": institution(s, "示例县人民医院", body="10000001"),
        "中医院": institution(s, "示例县中医医院", body="10000002"),
        "大树": institution(
            s, "示例县大树镇卫生院", category="乡镇卫生院", level="一级", body="10000003"
        ),
        "青山": institution(
            s,
            "示例县青山镇卫生院",
            category="乡镇卫生院",
            level="一级",
            joined=dt.date(2024, 7, 1),
            body="10000004",
        ),
    }


def person(
    home_id: int,
    *,
    name: str = "王建国",
    sex: str = "男",
    seq: int = 1,
    title: str = "主治医师",
    birth: dt.date = dt.date(1985, 3, 14),
) -> StaffData:
    return StaffData(
        name=name,
        sex=sex,
        id_number=ric(birth, sex, seq),
        title=title,
        specialty="内科",
        home_id=home_id,
    )


def add_person(s: Session, home_id: int, **kw) -> int:  # noqa: ANN003
    return staff.create_staff(s, data=person(home_id, **kw)).id


def small_world(s: Session) -> dict[str, int]:
    """``consortium`` plus 王建国 (county hospital, "王") and 李秀英 (大树 centre, "李")."""
    ids = consortium(s)
    ids["王"] = add_person(s, ids["县医院"])
    ids["李"] = add_person(s, ids["大树"], name="李秀英", sex="女", seq=2, title="医师")
    return ids
