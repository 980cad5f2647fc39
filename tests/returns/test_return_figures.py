"""Every figure of one quarter's return against numbers worked out by hand from DESIGN.md §4.

The records go in through the store commands (as a clerk enters them); the expected figures
below are written out from the counting rules, not computed by the code under test. The
quarter is 2025Q4 (2025-10-01 to 2025-12-31, 92 days); Q3 and 2026Q1 have 92 and 90 days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.people import person
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.returns import snapshot
from ylt_desktop.returns.rows import TOTAL_LABEL, quarter_rows
from ylt_desktop.store import agreements, institutions, quarters, rotations, staff
from ylt_desktop.store.db import Database

D = dt.date
Q = Quarter(2025, 4)
TODAY = D(2026, 5, 20)
COUNTY = "360428"


def _inst(
    n: int, name: str, category: str, level: str, beds: tuple[int, ...], **kw
) -> InstitutionData:  # noqa: ANN003, E501
    authorised, actual, ht, doctors, nurses = beds
    values = dict(
        name=name,
        uscc=make_uscc("12", COUNTY, f"{n:08d}"),
        division=COUNTY,
        category=category,
        level=level,
        joined=D(2020, 1, 1),
        beds_authorised=authorised,
        beds_actual=actual,
        staff_total=ht + 10,
        health_tech_staff=ht,
        doctors=doctors,
        nurses=nurses,
    )
    values.update(kw)
    return InstitutionData(**values)


def _rot(ids, who, frm, to, form, start, end, **quarter_figures) -> RotationData:  # noqa: ANN001, ANN003, E501
    return RotationData(
        staff_id=ids[who],
        from_id=ids[frm],
        to_id=ids[to],
        form=form,
        start=start,
        end=end,
        quarters={q: QuarterFigures(**f) for q, f in quarter_figures.items()},
    )


def _agr(ids, n, kind, start, end=None, *, recipients=("A",), volumes=None, **kw) -> AgreementData:  # noqa: ANN001, ANN003, E501
    return AgreementData(
        number=f"XY-{n:02d}",
        title=f"协议{n:02d}",
        kind=kind,
        provider_id=ids["L"],
        recipient_ids=[ids[r] for r in recipients],
        effective_from=start,
        effective_to=end,
        volumes={("2025Q4", m): v for m, v in (volumes or {}).items()},
        **kw,
    )


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    ids: dict[str, int] = {}
    with db.session() as s:
        institutions.initialize(
            s,
            name="审计县医共体",
            kind="县域医共体",
            division=COUNTY,
            lead=_inst(1, "审计县人民医院", "综合医院", "二级甲等", (100, 120, 250, 80, 120)),
        )
        ids["L"] = institutions.lead_institution(s).id
        specs = {
            "A": _inst(2, "大树镇卫生院", "乡镇卫生院", "一级", (20, 25, 30, 10, 12)),
            # joined on Q's last day / left on Q's first day: both members of Q
            "B": _inst(3, "青山镇卫生院", "乡镇卫生院", "一级", (10, 10, 15, 5, 6),
                       joined=D(2025, 12, 31)),
            "C": _inst(4, "南峰镇卫生院", "乡镇卫生院", "一级", (8, 9, 11, 3, 4),
                       left=D(2025, 10, 1)),
            # joined the day after Q / left the day before Q: not members of Q
            "D": _inst(5, "北炎镇卫生院", "乡镇卫生院", "一级", (7, 7, 7, 7, 0),
                       joined=D(2026, 1, 1)),
            "E": _inst(6, "春桥镇卫生院", "乡镇卫生院", "一级", (6, 6, 6, 6, 0),
                       left=D(2025, 9, 30)),
            "M": _inst(7, "审计县中医医院", "中医医院", "二级甲等", (50, 60, 90, 30, 40)),
            "F": _inst(8, "市第一人民医院", "综合医院", "三级甲等", (500, 600, 900, 300, 400)),
        }  # fmt: skip
        for key, data in specs.items():
            ids[key] = institutions.create_institution(s, data=data).id
        people = {
            "p1": person(ids["L"], name="张主任", seq=1, title="主任医师"),
            "p2": person(ids["L"], name="王副主任", sex="女", seq=2, title="副主任护师"),
            "p3": person(ids["L"], name="李主治", seq=3, title="主治医师"),
            "p4": person(ids["A"], name="赵医师", seq=4, title="医师"),
            "p5": person(ids["A"], name="钱医师", sex="女", seq=5, title="医师"),
            "p6": person(ids["L"], name="孙主治", seq=6, title="主治医师"),
        }
        for key, data in people.items():
            ids[key] = staff.create_staff(s, data=data).id
        rows = {
            # 派驻 over Q3, Q4 and 2026Q1: Q4 days default to the whole quarter (92)
            "r1": _rot(ids, "p1", "L", "A", "派驻", D(2025, 8, 1), D(2026, 2, 28),
                       **{"2025Q4": dict(outpatient=500, procedures=10, trainees=30)}),
            # same person, same receiving unit, part-time: one person at A
            "r2": _rot(ids, "p1", "L", "A", "坐诊/巡诊", D(2025, 10, 1), D(2025, 12, 31),
                       **{"2025Q4": dict(days=12, outpatient=80)}),
            # ends on Q's first day: touches Q with one day
            "r3": _rot(ids, "p2", "L", "C", "带教/查房", D(2025, 9, 1), D(2025, 10, 1),
                       **{"2025Q3": dict(days=20), "2025Q4": dict(days=1, trainees=15)}),
            # starts on Q's last day, open end: one day in Q
            "r4": _rot(ids, "p3", "L", "B", "派驻", D(2025, 12, 31), None,
                       **{"2025Q4": dict(outpatient=7)}),
            # ends the day before Q: not in Q's return
            "r5": _rot(ids, "p2", "L", "A", "派驻", D(2025, 7, 1), D(2025, 9, 30),
                       **{"2025Q3": dict(outpatient=999)}),
            # 上派进修, open end started before Q: the whole quarter
            "r6": _rot(ids, "p4", "A", "L", "进修学习", D(2025, 6, 1), None),
            # 上派 in a part-time form: 上派（其他）, neither 下沉 nor 进修 (DESIGN.md §1)
            "r7": _rot(ids, "p5", "A", "L", "坐诊/巡诊", D(2025, 11, 10), D(2025, 11, 20),
                       **{"2025Q4": dict(days=5, outpatient=30)}),
            # 平级交流: in 表2, not in 表3
            "r8": _rot(ids, "p6", "L", "M", "多点执业", D(2025, 10, 15), D(2025, 12, 15),
                       **{"2025Q4": dict(days=8, outpatient=11)}),
            "r9": _rot(ids, "p3", "L", "A", "坐诊/巡诊", D(2025, 10, 8), D(2025, 10, 31),
                       **{"2025Q4": dict(days=6, outpatient=40)}),
            # starts the day after Q: not in Q's return
            "r10": _rot(ids, "p6", "L", "F", "进修学习", D(2026, 1, 1), D(2026, 3, 31)),
            # 上派进修 from the lead unit, inside Q: 30 days
            "r11": _rot(ids, "p2", "L", "F", "进修学习", D(2025, 11, 1), D(2025, 11, 30)),
        }  # fmt: skip
        for key, data in rows.items():
            ids[key] = rotations.create_rotation(s, data=data, today=TODAY).id
        img = "区域医学影像中心"
        deals = [
            # ends on Q's first day: in force one day; at the quarter's end 到期
            _agr(ids, 1, img, D(2025, 1, 1), D(2025, 10, 1), volumes={"影像诊断例数": 100}),
            # takes effect on Q's last day; three parties with shares
            _agr(ids, 2, img, D(2025, 12, 31), recipients=("A", "C"),
                 provider_share=50.0, recipient_shares={ids["A"]: 30.0, ids["C"]: 20.0},
                 volumes={"影像诊断例数": 5}),
            # terminated by hand on Q's first day: never 生效 in Q
            _agr(ids, 3, img, D(2024, 1, 1), terminated_on=D(2025, 10, 1),
                 termination_reason="合并"),
            # terminated on Q's second day: 生效 on 10-01 only, 终止 at the quarter's end
            _agr(ids, 4, img, D(2024, 1, 1), terminated_on=D(2025, 10, 2),
                 termination_reason="撤并", volumes={"影像诊断例数": 3}),
            _agr(ids, 5, img, D(2024, 1, 1), D(2025, 9, 30)),  # expired the day before Q
            _agr(ids, 6, img, D(2026, 1, 1)),  # takes effect the day after Q
            _agr(ids, 7, img, None),  # 草拟
            _agr(ids, 8, "药品统一采购配送", D(2025, 1, 1), volumes={"配送金额(元)": 1.1}),
            _agr(ids, 9, "药品统一采购配送", D(2025, 1, 1), volumes={"配送金额(元)": 2.2}),
            # three recipients: still one agreement
            _agr(ids, 10, "双向转诊绿色通道", D(2025, 1, 1), recipients=("A", "B", "C"),
                 volumes={"上转人次": 10, "下转人次": 20}),
            _agr(ids, 11, "其他", D(2025, 1, 1), other_measure="义诊次数",
                 volumes={"义诊次数": 4}),
            _agr(ids, 12, "其他", D(2025, 1, 1), other_measure="健康讲座次数",
                 volumes={"健康讲座次数": 6}),
        ]  # fmt: skip
        for data in deals:
            ids[data.number] = agreements.create_agreement(s, data=data).id
    return ids


def _ret(db: Database, quarter: Quarter = Q, **kw):  # noqa: ANN003, ANN202
    with db.session() as s:
        return quarter_rows(s, quarter, cover_fields={}, **kw)


def _rows(ret, key: str) -> tuple[list[dict], dict | None]:  # noqa: ANN001
    table = next(t for t in ret.tables if t.key == key)
    sources = [c.source for c in table.columns]
    rows = [dict(zip(sources, r, strict=True)) for r in table.rows]
    total = dict(zip(sources, table.total_row, strict=True)) if table.total_row else None
    return rows, total


# --- 表1 ---------------------------------------------------------------------------------


def test_members_and_their_totals(db, world) -> None:  # noqa: ANN001
    rows, total = _rows(_ret(db), "members")
    assert [r["name"] for r in rows] == [
        "审计县人民医院",
        "大树镇卫生院",
        "青山镇卫生院",
        "南峰镇卫生院",
        "审计县中医医院",
        "市第一人民医院",
    ]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5, 6]
    # L + A + B + C + M + F, by hand
    assert total["beds_authorised"] == 100 + 20 + 10 + 8 + 50 + 500
    assert total["beds_actual"] == 120 + 25 + 10 + 9 + 60 + 600
    assert total["health_tech_staff"] == 250 + 30 + 15 + 11 + 90 + 900
    assert total["doctors"] == 80 + 10 + 5 + 3 + 30 + 300
    assert total["nurses"] == 120 + 12 + 6 + 4 + 40 + 400
    assert total["seq"] == TOTAL_LABEL and total["name"] is None
    assert total["joined"] is None


# --- 表2 ---------------------------------------------------------------------------------


def test_rotation_rows_days_and_volumes(db, world) -> None:  # noqa: ANN001
    rows, total = _rows(_ret(db), "rotations")
    by_start = [
        (r["staff_name"], r["start"], r["direction"], r["days"], r["outpatient"]) for r in rows
    ]
    assert by_start == [
        ("赵医师", D(2025, 6, 1), "上派", 92, 0),  # r6
        ("张主任", D(2025, 8, 1), "下沉", 92, 500),  # r1
        ("王副主任", D(2025, 9, 1), "下沉", 1, 0),  # r3
        ("张主任", D(2025, 10, 1), "下沉", 12, 80),  # r2
        ("李主治", D(2025, 10, 8), "下沉", 6, 40),  # r9
        ("孙主治", D(2025, 10, 15), "平级交流", 8, 11),  # r8
        ("王副主任", D(2025, 11, 1), "上派", 30, 0),  # r11
        ("钱医师", D(2025, 11, 10), "上派", 5, 30),  # r7
        ("李主治", D(2025, 12, 31), "下沉", 1, 7),  # r4
    ]  # fmt: skip
    assert [r["seq"] for r in rows] == list(range(1, 10))
    assert [r["purpose"] for r in rows] == [
        "上派进修", "下沉", "下沉", "下沉", "下沉", "平级交流", "上派进修", "上派（其他）", "下沉",
    ]  # fmt: skip
    # two 合计 rows: only the 下沉 rotations' work (r1, r3, r2, r9, r4), then only 上派进修's
    # (r6, r11); r8 (平级交流) and r7 (上派（其他）) are in neither
    table = next(t for t in _ret(db).tables if t.key == "rotations")
    sources = [c.source for c in table.columns]
    down, training = (dict(zip(sources, row, strict=True)) for row in table.total_rows)
    assert (down["seq"], training["seq"]) == ("合计（下沉）", "合计（上派进修）")
    assert total == down
    assert down["days"] == 92 + 1 + 12 + 6 + 1
    assert down["outpatient"] == 500 + 80 + 40 + 7
    assert (down["procedures"], down["trainees"], down["rounds"]) == (10, 30 + 15, 0)
    assert training["days"] == 92 + 30
    assert (training["outpatient"], training["trainees"]) == (0, 0)
    assert rows[3]["end"] == D(2025, 12, 31) and rows[-1]["end"] is None


def test_rotation_spanning_three_quarters_has_each_quarters_days(db, world) -> None:  # noqa: ANN001
    expected = {Quarter(2025, 3): 61, Q: 92, Quarter(2026, 1): 59}  # 08-01..09-30, Q4, 01-01..02-28
    for quarter, days in expected.items():
        rows, _ = _rows(_ret(db, quarter), "rotations")
        mine = [r for r in rows if r["staff_name"] == "张主任" and r["form"] == "派驻"]
        assert [r["days"] for r in mine] == [days], quarter


def test_identity_numbers_masked_first_six_last_four(db, world) -> None:  # noqa: ANN001
    whole = person(0, name="张主任", seq=1, title="主任医师").id_number
    rows, _ = _rows(_ret(db), "rotations")
    shown = {r["id_number"] for r in rows if r["staff_name"] == "张主任"}
    assert shown == {whole[:6] + "********" + whole[-4:]}
    rows, _ = _rows(_ret(db, full_ids=True), "rotations")
    assert {r["id_number"] for r in rows if r["staff_name"] == "张主任"} == {whole}


# --- 表3 ---------------------------------------------------------------------------------

SUMMARY_KEYS = (
    "down_persons",
    "down_posted",
    "down_mid_doctors",
    "down_senior_doctors",
    "down_senior_nurses",
    "down_senior_techs",
    "down_days",
    "down_outpatient",
    "down_procedures",
    "down_trainees",
    "down_rounds",
    "up_persons",
    "up_days",
)


def test_rotation_summary_by_hand(db, world) -> None:  # noqa: ANN001
    rows, total = _rows(_ret(db), "rotation_summary")
    got = {r["name"]: tuple(r[k] for k in SUMMARY_KEYS) for r in rows}
    assert [r["name"] for r in rows] == [
        "审计县人民医院",
        "大树镇卫生院",
        "青山镇卫生院",
        "南峰镇卫生院",
    ]
    assert got == {
        # sends p2 to F for 进修 (r11, 30 days); receives no 下沉
        "审计县人民医院": (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 30),
        # receives p1 (主任医师) twice: r1 派驻 92 d + r2 12 d = 104 d, capped at Q's 92 days;
        # and p3 (主治医师, r9 6 d, not posted there). Sends p4 up to study (r6, 92 d); p5's
        # clinics at L (r7) are 上派（其他）, counted nowhere
        "大树镇卫生院": (2, 1, 1, 1, 0, 0, 92 + 6, 500 + 80 + 40, 10, 30, 0, 1, 92),
        # p3 (主治医师) posted (r4 派驻): one 中级及以上职称医师
        "青山镇卫生院": (1, 1, 1, 0, 0, 0, 1, 7, 0, 0, 0, 0, 0),
        # p2 (副主任护师), r3 带教/查房 on Q's first day: a senior nurse, not posted
        "南峰镇卫生院": (1, 0, 0, 0, 1, 0, 1, 0, 0, 15, 0, 0, 0),
    }  # fmt: skip
    # persons counted once over the consortium: p3 went to 大树 and 青山 (rows add up to 4)
    assert tuple(total[k] for k in SUMMARY_KEYS) == (
        3, 2, 2, 1, 1, 0, 98 + 1 + 1, 627, 10, 45, 0, 2, 122,
    )  # fmt: skip


def test_village_clinics_are_a_tier_below_townships(db, world) -> None:  # noqa: ANN001
    """乡→村 is 下沉 (县管乡用、乡管村用): p5 of 大树 (tier 3) visits its village clinic (tier 4)."""
    with db.session() as s:
        village = institutions.create_institution(
            s, data=_inst(9, "大树村卫生室", "村卫生室", "未定级", (0, 0, 3, 1, 1), uscc="")
        ).id
        rotations.create_rotation(
            s,
            data=RotationData(staff_id=world["p5"], from_id=world["A"], to_id=village,
                              form="坐诊/巡诊", start=D(2025, 12, 1), end=D(2025, 12, 20),
                              quarters={"2025Q4": QuarterFigures(4, outpatient=20, rounds=3)}),
            today=TODAY,
        )  # fmt: skip
    rows, total = _rows(_ret(db), "rotation_summary")
    row = next(r for r in rows if r["name"] == "大树村卫生室")
    assert tuple(row[k] for k in SUMMARY_KEYS) == (1, 0, 0, 0, 0, 0, 4, 20, 0, 0, 3, 0, 0)
    assert (total["down_persons"], total["down_days"], total["down_rounds"]) == (4, 104, 3)


def test_training_downwards_counts_as_level_and_is_warned(db, world) -> None:  # noqa: ANN001
    from ylt_desktop.returns.check import check_quarter

    with db.session() as s:
        rotations.create_rotation(
            s,
            data=RotationData(staff_id=world["p6"], from_id=world["L"], to_id=world["A"],
                              form="进修学习", start=D(2025, 12, 1), end=D(2025, 12, 10)),
            today=TODAY,
        )  # fmt: skip
        warned = [i for i in check_quarter(s, Q, today=TODAY) if "进修一般到上级单位" in i.message]
    assert len(warned) == 1 and not warned[0].is_error
    rows, _ = _rows(_ret(db), "rotations")
    mine = [r for r in rows if r["staff_name"] == "孙主治" and r["form"] == "进修学习"]
    assert [(r["direction"], r["purpose"]) for r in mine] == [("下沉", "平级交流")]
    _, total = _rows(_ret(db), "rotation_summary")
    assert (total["down_persons"], total["down_days"]) == (3, 100)  # unchanged


def test_the_day_cap_is_a_warning_in_the_check(db, world) -> None:  # noqa: ANN001
    from ylt_desktop.returns.check import check_quarter

    with db.session() as s:
        items = check_quarter(s, Q, today=TODAY)
    capped = [i for i in items if "超过本季度日历天数" in i.message]
    assert [(i.is_error, i.kind) for i in capped] == [(False, "rotation")]
    assert "张主任" in capped[0].message and "104 天" in capped[0].message
    assert "按 92 天计" in capped[0].message


def test_direction_follows_a_corrected_institution_level(db, world) -> None:  # noqa: ANN001
    """表3 counts by direction (下沉 = from a higher tier to a lower one, DESIGN.md §1). When the
    clerk corrects an institution's level, the rotations it takes part in follow."""
    with db.session() as s:
        data = institutions.to_data(s.get(institutions.Institution, world["M"]))
        data.level = "一级"  # 二级甲等 -> 一级: L (二级) to M is now 下沉
        institutions.update_institution(s, institution_id=world["M"], data=data)
    ret = _ret(db)
    rows, _ = _rows(ret, "rotations")
    assert [r["direction"] for r in rows if r["staff_name"] == "孙主治"] == ["下沉"]
    summary, total = _rows(ret, "rotation_summary")
    m = next(r for r in summary if r["name"] == "审计县中医医院")
    assert tuple(m[k] for k in SUMMARY_KEYS) == (1, 0, 0, 0, 0, 0, 8, 11, 0, 0, 0, 0, 0)
    assert (total["down_days"], total["down_persons"]) == (100 + 8, 4)


def test_an_upgrade_after_the_quarter_keeps_its_figures(db, world) -> None:  # noqa: ANN001
    """M was 一级 when r8 started (2025-10-15) and became 二级甲等 on 2026-01-01 (等级变更记录):
    2025Q4 still counts r8 as 下沉; a correction instead (no date) rewrites the past."""
    with db.session() as s:
        data = institutions.to_data(s.get(institutions.Institution, world["M"]))
        data.level = "一级"  # a correction: M was entered wrong
        institutions.update_institution(s, institution_id=world["M"], data=data)
        data.level = "二级甲等"  # then upgraded from 2026-01-01
        institutions.update_institution(
            s, institution_id=world["M"], data=data, level_since=D(2026, 1, 1), today=TODAY
        )
    summary, total = _rows(_ret(db), "rotation_summary")
    m = next(r for r in summary if r["name"] == "审计县中医医院")
    assert (m["down_persons"], m["down_days"], m["down_outpatient"]) == (1, 8, 11)
    assert total["down_days"] == 100 + 8
    with db.session() as s:
        data = institutions.to_data(s.get(institutions.Institution, world["M"]))
        data.level = "三级乙等"  # a correction of the entry in force (from 2026-01-01) only
        institutions.update_institution(s, institution_id=world["M"], data=data)
    _, total = _rows(_ret(db), "rotation_summary")
    assert total["down_days"] == 100 + 8
    with db.session() as s:  # the stored direction (list, CLI) agrees
        assert s.get(rotations.Rotation, world["r8"]).direction == "下沉"


# --- 表4 and 表5 -----------------------------------------------------------------------


def test_agreements_in_force_and_their_status(db, world) -> None:  # noqa: ANN001
    rows, total = _rows(_ret(db), "agreements")
    assert total is None
    got = {r["number"]: (r["status"], r["volumes_text"]) for r in rows}
    assert got == {
        "XY-01": ("到期", "影像诊断例数：100"),
        "XY-02": ("生效", "影像诊断例数：5"),
        "XY-04": ("终止", "影像诊断例数：3"),
        "XY-08": ("生效", "配送金额(元)：1.1"),
        "XY-09": ("生效", "配送金额(元)：2.2"),
        "XY-10": ("生效", "上转人次：10；下转人次：20"),
        "XY-11": ("生效", "义诊次数：4"),
        "XY-12": ("生效", "健康讲座次数：6"),
    }
    assert [r["number"] for r in rows] == sorted(got)
    two = next(r for r in rows if r["number"] == "XY-02")
    assert two["recipients"] == "大树镇卫生院、南峰镇卫生院"
    assert two["share"] == "提供方50%；大树镇卫生院30%；南峰镇卫生院20%"
    assert (two["effective_from"], two["effective_to"]) == (D(2025, 12, 31), None)
    # 实际终止日期 only for the one terminated by the quarter's end; 协议期限至 as agreed
    ended = {r["number"]: (r["effective_to"], r["terminated_on"]) for r in rows}
    assert ended["XY-04"] == (None, D(2025, 10, 2))
    assert ended["XY-01"] == (D(2025, 10, 1), None)  # 到期, not terminated
    assert {n for n, (_, t) in ended.items() if t is not None} == {"XY-04"}


def test_a_termination_after_the_quarter_is_not_shown(db, world) -> None:  # noqa: ANN001
    from ylt_desktop.store.agreement_terms import terminate_agreement

    with db.session() as s:
        terminate_agreement(s, agreement_id=world["XY-08"], on=D(2026, 2, 1), reason="合并")
    rows, _ = _rows(_ret(db), "agreements")
    mine = next(r for r in rows if r["number"] == "XY-08")
    assert (mine["status"], mine["terminated_on"]) == ("生效", None)
    rows, _ = _rows(_ret(db, Quarter(2026, 1)), "agreements")
    mine = next(r for r in rows if r["number"] == "XY-08")
    assert (mine["status"], mine["terminated_on"]) == ("终止", D(2026, 2, 1))


def test_agreement_summary_by_hand(db, world) -> None:  # noqa: ANN001
    rows, total = _rows(_ret(db), "agreement_summary")
    counts = {r["kind"]: r["count"] for r in rows if r["count"] is not None}
    assert {k: n for k, n in counts.items() if n} == {
        "区域医学影像中心": 3,  # XY-01, XY-02, XY-04
        "药品统一采购配送": 2,
        "双向转诊绿色通道": 1,  # three recipients, one agreement
        "其他": 2,
    }
    values = {(r["kind"], r["measure"]): r["value"] for r in rows if r["value"]}
    assert values == {
        ("区域医学影像中心", "影像诊断例数"): 100 + 5 + 3,
        # money in 元, summed exactly: 1.1 + 2.2 is 3.3, not 3.3000000000000003
        ("药品统一采购配送", "配送金额(元)"): 3.3,
        ("双向转诊绿色通道", "上转人次"): 10,
        ("双向转诊绿色通道", "下转人次"): 20,
        ("其他", "义诊次数"): 4,
        ("其他", "健康讲座次数"): 6,
    }
    assert total["count"] == 8 and total["value"] is None
    assert all(type(v) is int for (k, _), v in values.items() if k != "药品统一采购配送")


# --- cover and the frozen quarter ------------------------------------------------------


def test_cover_facts(db, world) -> None:  # noqa: ANN001
    cover = _ret(db).cover
    assert (cover.consortium_name, cover.consortium_kind) == ("审计县医共体", "县域医共体")
    assert (cover.lead_unit, cover.filler_unit) == ("审计县人民医院", "审计县人民医院")
    assert (cover.period, cover.report_name) == ("2025年第4季度", "医联体建设情况季度报表")


def test_submitted_quarter_reexports_what_was_signed(db, world) -> None:  # noqa: ANN001
    before_masked, before_full = _ret(db), _ret(db, full_ids=True)
    with db.session() as s:
        snapshot.submit(s, quarter=Q, by="审核员")
        data = institutions.to_data(s.get(institutions.Institution, world["M"]))
        data.level, data.beds_actual = "一级", 61  # not locked: institutions are not dated
        institutions.update_institution(s, institution_id=world["M"], data=data)
    after_masked, after_full = _ret(db), _ret(db, full_ids=True)
    for before, after in ((before_masked, after_masked), (before_full, after_full)):
        assert [t.rows for t in after.tables] == [t.rows for t in before.tables]
        assert [t.total_row for t in after.tables] == [t.total_row for t in before.tables]
        assert after.cover == before.cover
    with db.session() as s:
        quarters.reopen_quarter(s, quarter=Q, by="审核员", reason="更正等级")
    _, total = _rows(_ret(db), "rotation_summary")
    assert total["down_days"] == 100 + 8  # the correction shows once reopened


def test_submitted_quarter_reexports_although_a_later_edit_fails_the_check(
    db, world, tmp_path
) -> None:  # noqa: ANN001
    """The check reads today's records; a submitted quarter exports its frozen ones."""
    import openpyxl

    from ylt_desktop.returns.files import ExportBlocked, export_quarter

    with db.session() as s:
        snapshot.submit(s, quarter=Q, by="审核员")
        data = institutions.to_data(s.get(institutions.Institution, world["L"]))
        data.role = "成员单位"  # no lead unit any more: an error in every open quarter
        institutions.update_institution(s, institution_id=world["L"], data=data)
    with db.session() as s:
        with pytest.raises(ExportBlocked, match="没有牵头单位"):
            export_quarter(s, Quarter(2025, 3), tmp_path, cover_fields={}, pdf=False)
        [path] = export_quarter(s, Q, tmp_path, cover_fields={}, pdf=False)
    cover = openpyxl.load_workbook(path)["封面"]
    cells = {c.value for row in cover.iter_rows() for c in row}
    assert "审计县人民医院" in cells  # the lead unit as signed
