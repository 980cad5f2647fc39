"""A small consortium around 2026Q3 with every boundary the return must get right.

Institutions go in through the store commands; staff, rotations and agreements as model rows
(their store commands belong to other modules). Names say what each record tests.
"""

from __future__ import annotations

import datetime as dt

from ylt_desktop.domain.codes import make_uscc, ric_check_char
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import derive_direction
from ylt_desktop.store import institutions as store
from ylt_desktop.store.db import Database
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    Institution,
    Rotation,
    RotationQuarter,
    Staff,
)

Q3 = Quarter(2026, 3)
D = dt.date
COUNTY = "360428"


def _inst(n: int, name: str, category: str, level: str, **kw) -> InstitutionData:  # noqa: ANN003
    uscc = "" if category == "村卫生室" else make_uscc("12", COUNTY, f"{n:08d}")
    base = dict(
        name=name,
        uscc=uscc,
        division=COUNTY,
        category=category,
        level=level,
        joined=D(2020, 1, 1),
        beds_authorised=10 * n,
        beds_actual=11 * n,
        staff_total=20 * n,
        health_tech_staff=15 * n,
        doctors=5 * n,
        nurses=6 * n,
        contact="王芳",
        phone="0792-1234567",
    )
    base.update(kw)
    return InstitutionData(**base)


def _person(n: int, name: str, title: str, home: Institution) -> Staff:
    first17 = f"36042819{70 + n:02d}0101{n:03d}"
    return Staff(
        name=name,
        sex="男" if n % 2 else "女",
        id_type="居民身份证",
        id_number=first17 + ric_check_char(first17),
        title=title,
        specialty="内科",
        home_id=home.id,
    )


def build(db: Database) -> dict[str, int]:
    """Fill ``db``; returns the ids by short name."""
    with db.session() as s:
        store.initialize(
            s,
            name="测试县医共体",
            kind="县域医共体",
            division=COUNTY,
            founded=D(2020, 1, 1),
            lead=_inst(1, "测试县人民医院", "综合医院", "二级甲等"),
        )
        specs = {
            "A": _inst(2, "大树镇卫生院", "乡镇卫生院", "一级"),
            "B": _inst(3, "青山镇卫生院（末日加入）", "乡镇卫生院", "一级", joined=D(2026, 9, 30)),
            "C": _inst(4, "南峰镇卫生院（首日退出）", "乡镇卫生院", "一级", left=D(2026, 7, 1)),
            "D": _inst(5, "北炎镇卫生院（次季加入）", "乡镇卫生院", "一级", joined=D(2026, 10, 1)),
            "E": _inst(6, "春桥镇卫生院（上季退出）", "乡镇卫生院", "一级", left=D(2026, 6, 30)),
            "F": _inst(7, "市第一人民医院", "综合医院", "三级甲等"),
            "V": _inst(8, '=A1&"x"村卫生室', "村卫生室", "未定级", contact="=1+1"),
        }
        ids = {"L": store.lead_institution(s).id}
        for key, data in specs.items():
            ids[key] = store.create_institution(s, data=data).id
    with db.session() as s, s.begin():
        inst = {k: s.get(Institution, v) for k, v in ids.items()}
        people = {
            "s1": _person(1, "张主任", "主任医师", inst["L"]),
            "s2": _person(2, "李主治", "主治医师", inst["L"]),
            "s3": _person(3, "王护师", "副主任护师", inst["L"]),
            "s4": _person(4, "赵医师", "医师", inst["A"]),
        }
        s.add_all(people.values())
        s.flush()
        ids.update({k: p.id for k, p in people.items()})

        def rot(key, who, frm, to, form, start, end, **quarters):  # noqa: ANN001, ANN003
            a, b = inst[frm], inst[to]
            r = Rotation(
                staff_id=people[who].id,
                from_id=a.id,
                to_id=b.id,
                form=form,
                direction=derive_direction(a.level, a.category, b.level, b.category),
                start=start,
                end=end,
                note="",
            )
            for q, figures in quarters.items():
                r.quarters.append(RotationQuarter(quarter=q, **figures))
            s.add(r)
            s.flush()
            ids[key] = r.id

        # Spans Q2 and Q3; full-time, days default to the calendar days (Q2 16, Q3 41).
        rot(
            "r1",
            "s1",
            "L",
            "A",
            "派驻",
            D(2026, 6, 15),
            D(2026, 8, 10),
            **{"2026Q3": dict(outpatient=300, procedures=5, trainees=20)},
        )
        rot(
            "r2",
            "s2",
            "L",
            "A",
            "坐诊/巡诊",
            D(2026, 7, 1),
            None,
            **{"2026Q3": dict(days=20, outpatient=150)},
        )
        rot(
            "r3",
            "s1",
            "L",
            "C",
            "坐诊/巡诊",
            D(2026, 6, 1),
            D(2026, 7, 1),
            **{"2026Q3": dict(days=1, outpatient=40), "2026Q2": dict(days=12)},
        )
        rot(
            "r4",
            "s3",
            "L",
            "A",
            "带教/查房",
            D(2026, 8, 1),
            D(2026, 12, 31),
            **{"2026Q3": dict(days=10, trainees=30, procedures=2)},
        )
        rot("r5", "s4", "A", "L", "进修学习", D(2026, 7, 15), D(2027, 1, 14))
        rot("r6", "s2", "L", "F", "进修学习", D(2026, 9, 20), D(2026, 12, 20))
        rot("r7", "s4", "A", "L", "进修学习", D(2026, 1, 1), D(2026, 3, 31))  # Q1 only

        def agr(
            key,
            kind,
            start,
            end=None,
            *,
            terminated=None,
            recipients=("A",),
            other="",
            volumes=None,
        ):  # noqa: ANN001
            a = Agreement(
                number=f"XY-{key}",
                title=f"{kind}协议{key}",
                kind=kind,
                other_measure=other,
                provider_id=inst["L"].id,
                effective_from=start,
                effective_to=end,
                terminated_on=terminated,
                termination_reason="双方协商" if terminated else "",
            )
            a.recipients = [AgreementRecipient(institution_id=inst[r].id) for r in recipients]
            for (q, m), v in (volumes or {}).items():
                a.volumes.append(AgreementVolume(quarter=q, measure=m, value=v))
            s.add(a)
            s.flush()
            ids[key] = a.id

        agr(
            "g1",
            "区域医学影像中心",
            D(2025, 1, 1),
            D(2027, 12, 31),
            recipients=("A", "C"),
            volumes={("2026Q3", "影像诊断例数"): 1200, ("2026Q2", "影像诊断例数"): 1000},
        )
        agr(
            "g2",
            "区域医学影像中心",
            D(2026, 9, 30),
            recipients=("B",),
            volumes={("2026Q3", "影像诊断例数"): 10},
        )
        agr(
            "g3",
            "双向转诊绿色通道",
            D(2024, 1, 1),
            terminated=D(2026, 7, 1),
            volumes={("2026Q2", "上转人次"): 99},
        )  # ended the day Q3 began: not in force
        agr(
            "g4",
            "双向转诊绿色通道",
            D(2026, 1, 1),
            D(2026, 7, 1),
            volumes={("2026Q3", "上转人次"): 30, ("2026Q3", "下转人次"): 45},
        )
        agr("g5", "远程会诊", None)  # 草拟
        agr("g6", "其他", D(2026, 1, 1), other="义诊次数", volumes={("2026Q3", "义诊次数"): 5})
        agr("g7", "药品统一采购配送", D(2026, 1, 1), volumes={("2026Q3", "配送金额(元)"): 12345.5})
    return ids
