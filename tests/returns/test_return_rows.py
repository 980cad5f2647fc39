"""The figures of 表1–表5 on the sample consortium, recomputed here from the raw records."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tests.returns.sample import Q3
from ylt_desktop.domain.agreement import in_force_in
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.tiers import purpose
from ylt_desktop.returns.model import Table
from ylt_desktop.returns.rows import TOTAL_LABEL, quarter_rows, rotation_figures
from ylt_desktop.store.models import Agreement, Rotation, Staff


def _ret(db, quarter=Q3, **kw):  # noqa: ANN001, ANN003, ANN202
    with db.session() as s:
        return quarter_rows(s, quarter, cover_fields=kw.pop("cover_fields", {}), **kw)


def _table(ret, key: str) -> Table:  # noqa: ANN001
    return next(t for t in ret.tables if t.key == key)


def assert_totals(table: Table) -> None:
    assert table.total_row is not None
    assert table.total_row.count(TOTAL_LABEL) == 1
    summed = 0
    for i, col in enumerate(table.columns):
        total = table.total_row[i]
        if isinstance(total, int | float) and col.source != "seq":
            assert total == pytest.approx(sum(r[i] or 0 for r in table.rows)), col.header
            summed += 1
    assert summed > 0


def test_every_total_is_its_column_sum(sample_db):  # noqa: ANN001
    ret = _ret(sample_db)
    for key in ("members", "agreement_summary"):
        assert_totals(_table(ret, key))
    # 表2: one 合计 row per 流动性质 (下沉, 上派进修), each the sum of its own rows
    table = _table(ret, "rotations")
    purposes = table.column_values("purpose")
    for total in table.total_rows:
        kind = total[0].removeprefix("合计（").removesuffix("）")
        for i, col in enumerate(table.columns):
            if isinstance(total[i], int) and col.source != "seq":
                mine = [r[i] or 0 for r, p in zip(table.rows, purposes, strict=True) if p == kind]
                assert total[i] == sum(mine), (kind, col.header)
    # 表3: days and volumes summed; persons counted once (never more than the rows' sum)
    table = _table(ret, "rotation_summary")
    for i, col in enumerate(table.columns):
        if col.source.endswith(("_days", "_outpatient", "_procedures", "_trainees")):
            assert table.total_row[i] == sum(r[i] for r in table.rows), col.header
        elif col.source.endswith("persons"):
            assert 0 < table.total_row[i] <= sum(r[i] for r in table.rows), col.header
    assert _table(ret, "agreements").total_row is None


def test_members_boundaries(sample_db):  # noqa: ANN001
    names = _table(_ret(sample_db), "members").column_values("name")
    assert names[0] == "测试县人民医院"  # the lead first
    assert "青山镇卫生院（末日加入）" in names
    assert "南峰镇卫生院（首日退出）" in names
    assert "北炎镇卫生院（次季加入）" not in names
    assert "春桥镇卫生院（上季退出）" not in names
    assert len(names) == 6


def test_members_of_next_quarter(sample_db):  # noqa: ANN001
    names = _table(_ret(sample_db, Quarter(2026, 4)), "members").column_values("name")
    assert "北炎镇卫生院（次季加入）" in names
    assert "南峰镇卫生院（首日退出）" not in names


def test_rotation_spanning_two_quarters(sample_db):  # noqa: ANN001
    r1 = sample_db.ids["r1"]
    for quarter, days, outpatient in ((Q3, 41, 300), (Quarter(2026, 2), 16, 0)):
        table = _table(_ret(sample_db, quarter), "rotations")
        start = [c.source for c in table.columns].index("start")
        rows = [r for r in table.rows if r[start].isoformat() == "2026-06-15"]
        assert len(rows) == 1, quarter
        row = dict(zip([c.source for c in table.columns], rows[0], strict=True))
        assert (row["days"], row["outpatient"]) == (days, outpatient)
    assert r1


def test_rotations_touching_q_only(sample_db):  # noqa: ANN001
    table = _table(_ret(sample_db), "rotations")
    assert len(table.rows) == 6  # r7 (Q1 only) left out
    starts = table.column_values("start")
    assert min(starts).isoformat() == "2026-06-01"  # r3 ends on Q3's first day: included


def test_ids_masked_unless_full(sample_db):  # noqa: ANN001
    masked = _table(_ret(sample_db), "rotations").column_values("id_number")
    assert all("********" in v for v in masked)
    full = _table(_ret(sample_db, full_ids=True), "rotations").column_values("id_number")
    assert all("*" not in v and len(v) == 18 for v in full)


def _raw(db):  # noqa: ANN001, ANN202
    with db.session() as s:
        rotations = s.scalars(
            select(Rotation).options(
                selectinload(Rotation.staff).selectinload(Staff.home),
                selectinload(Rotation.from_inst),
                selectinload(Rotation.to_inst),
            )
        ).all()
        agreements = s.scalars(select(Agreement)).all()
        return rotations, agreements


def test_summary_of_rotations_matches_raw(sample_db):  # noqa: ANN001
    rotations, _ = _raw(sample_db)
    touching = [
        r for r in rotations if r.start <= Q3.last_day and (r.end is None or r.end >= Q3.first_day)
    ]
    expected: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    sums: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    per_person: dict[tuple, int] = defaultdict(int)
    for r in touching:
        f = rotation_figures(r, Q3)
        kind = purpose(r.direction, r.form)
        if kind == "下沉":
            expected[r.to_inst.name]["persons"].add(r.staff_id)
            if r.staff.title.startswith(("主任", "副主任")):
                expected[r.to_inst.name]["senior"].add(r.staff_id)
            per_person[(r.to_inst.name, r.staff_id)] += f.days
            sums[r.to_inst.name]["outpatient"] += f.outpatient
        elif kind == "上派进修":
            expected[r.from_inst.name]["up"].add(r.staff_id)
            sums[r.from_inst.name]["up_days"] += f.days
    for (name, _person), days in per_person.items():
        sums[name]["days"] += min(days, Q3.days)  # capped per person and unit
    table = _table(_ret(sample_db), "rotation_summary")
    got = {
        row[1]: dict(zip([c.source for c in table.columns], row, strict=True)) for row in table.rows
    }
    assert set(got) == set(expected)
    for name, e in expected.items():
        g = got[name]
        assert g["down_persons"] == len(e["persons"])
        assert sum(g[f"down_senior_{k}"] for k in ("doctors", "nurses", "techs")) <= len(
            e["senior"]
        )
        assert g["down_days"] == sums[name]["days"]
        assert g["down_outpatient"] == sums[name]["outpatient"]
        assert g["up_persons"] == len(e["up"])
        assert g["up_days"] == sums[name]["up_days"]
    # Spelled out: 大树镇卫生院 received s1, s2, s3 (s1 and s3 senior), 41 + 20 + 10 days.
    senior = sum(got["大树镇卫生院"][f"down_senior_{k}"] for k in ("doctors", "nurses", "techs"))
    assert (got["大树镇卫生院"]["down_persons"], senior) == (3, 2)
    assert got["大树镇卫生院"]["down_days"] == 71


def test_summary_of_agreements_matches_raw(sample_db):  # noqa: ANN001
    _, agreements = _raw(sample_db)
    count: dict[str, int] = defaultdict(int)
    volume: dict[tuple[str, str], float] = defaultdict(float)
    for a in agreements:
        dates = dict(
            effective_from=a.effective_from,
            effective_to=a.effective_to,
            terminated_on=a.terminated_on,
        )
        if not in_force_in(Q3, **dates):
            continue
        count[a.kind] += 1
        for v in a.volumes:
            if v.quarter == "2026Q3":
                volume[(a.kind, v.measure)] += v.value
    table = _table(_ret(sample_db), "agreement_summary")
    rows = [dict(zip([c.source for c in table.columns], r, strict=True)) for r in table.rows]
    got_count = {r["kind"]: r["count"] for r in rows if r["count"] is not None}
    assert {k: v for k, v in got_count.items() if v} == dict(count)
    got_volume = {(r["kind"], r["measure"]): r["value"] for r in rows if r["value"]}
    assert got_volume == pytest.approx(dict(volume))
    assert count["区域医学影像中心"] == 2 and "双向转诊绿色通道" in count  # g3 ended before Q3


def test_agreement_table(sample_db):  # noqa: ANN001
    table = _table(_ret(sample_db), "agreements")
    numbers = table.column_values("number")
    assert numbers == ["XY-g1", "XY-g2", "XY-g4", "XY-g6", "XY-g7"]
    status = dict(zip(numbers, table.column_values("status"), strict=True))
    assert status["XY-g4"] == "到期" and status["XY-g1"] == "生效"
    text = dict(zip(numbers, table.column_values("volumes_text"), strict=True))
    assert text["XY-g4"] == "上转人次：30；下转人次：45"


def test_cover(sample_db):  # noqa: ANN001
    import datetime as dt

    ret = _ret(sample_db, cover_fields={"unit_head": "刘院长", "report_date": dt.date(2026, 10, 9)})
    c = ret.cover
    assert (c.consortium_name, c.lead_unit, c.period) == (
        "测试县医共体",
        "测试县人民医院",
        "2026年第3季度",
    )
    assert (c.unit_head, c.report_date, c.filler_unit) == (
        "刘院长",
        "2026年10月9日",
        "测试县人民医院",
    )
    assert any("脱敏" in n for n in ret.notes)
    with pytest.raises(ValueError, match="未知的封面字段"):
        _ret(sample_db, cover_fields={"boss": "x"})


def test_demo_totals(demo_db):  # noqa: ANN001
    ret = _ret(demo_db)
    for table in ret.tables:
        if table.total_row is not None and table.rows and table.key in ("members", "figures"):
            assert_totals(table)
    assert len(_table(ret, "members").rows) >= 40
