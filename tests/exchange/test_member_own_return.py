"""A member unit's own return (DESIGN §7: a 成员库 exports that unit's part, never the
consortium's): 表1 and 表6 its own row, 表2/表3 the rotations it sends or receives, 表4/表5
the agreements it takes part in, no county line, 表7 from its own figures only, its name in
the file name and on the cover, and the pre-export check over its own data. The lead's files
are held to what they were by ``tests/returns/test_lead_files_unchanged.py``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.exchange.world import (
    COVER,
    LEAD,
    TODAY,
    A,
    B,
    C,
    Q,
    _person,
    _rotate,
    enter_a,
    lead_database,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.returns.files import export_quarter, file_stem
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.store import agreements, figures
from ylt_desktop.store.db import Database


def _others_typed_here(db: Database) -> None:
    """What a member's file may hold of other units' business (typed by mistake, imported):
    a rotation from B to C without days, an agreement between the lead and B."""
    with db.session() as s:
        ids = unit_ids(s)
        nurse = _person(s, "孙丽", "女", 3, "主管护师", B)
        _rotate(s, nurse, B, C, "带教/查房", dt.date(2026, 8, 3), days=None, trainees=12)
        agreements.create_agreement(
            s,
            data=AgreementData(
                number="JY-2026-09", title="检验中心", kind="区域检验中心",
                provider_id=ids[LEAD], recipient_ids=[ids[B]], signed=dt.date(2026, 1, 5),
                effective_from=dt.date(2026, 2, 1), effective_to=dt.date(2027, 1, 31),
                volumes={(str(Q), "检验标本数"): 900},
            ),
        )  # fmt: skip


@pytest.fixture
def world(tmp_path: Path):  # noqa: ANN201
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    _others_typed_here(member)
    with member.session() as s:  # A's family-doctor figures: 表7 can compute its own rate
        f = figures.member_figures(s, Q)[unit_ids(s)[A]]
        f.contracts, f.population = 3000, 10000
        figures.save_figures(s, quarter=Q, members={unit_ids(s)[A]: f})
    yield lead, member
    member.close()
    lead.close()


def _tables(db: Database) -> dict:
    with db.session() as s:
        ret = quarter_rows(s, Q, cover_fields=COVER)
    return ret, {t.key: t for t in ret.tables}


def _at(table, source: str) -> int:  # noqa: ANN001
    return [c.source for c in table.columns].index(source)


def _column(table, source: str) -> list:  # noqa: ANN001
    return [row[_at(table, source)] for row in table.rows]


def test_table1_holds_its_own_unit_and_its_total_is_its_own(world) -> None:  # noqa: ANN001
    lead, member = world
    _ret, tables = _tables(member)
    t1 = tables["members"]
    assert _column(t1, "name") == [A]
    beds = _at(t1, "beds_actual")
    assert t1.rows[0][beds] == 46 and t1.total_rows[0][beds] == 46
    _ret, at_lead = _tables(lead)  # the lead's return still lists every unit
    assert _column(at_lead["members"], "name") == [LEAD, A, B, C]


def test_table2_and_3_hold_only_the_rotations_it_sends_or_receives(world) -> None:  # noqa: ANN001
    _lead, member = world
    _ret, tables = _tables(member)
    t2 = tables["rotations"]
    assert sorted(_column(t2, "staff_name")) == sorted(["赵建国", "钱小红"])  # not 孙丽 (B → C)
    t3 = tables["rotation_summary"]
    assert _column(t3, "name") == [A, C]  # A receives 赵建国; C receives A's 钱小红
    assert t3.total_rows[0][_at(t3, "down_persons")] == 2


def test_table4_and_5_hold_only_the_agreements_it_takes_part_in(world) -> None:  # noqa: ANN001
    _lead, member = world
    _ret, tables = _tables(member)
    assert _column(tables["agreements"], "number") == ["YX-2026-01"]  # not JY-2026-09
    t5 = tables["agreement_summary"]
    counts = {
        k: n
        for k, n in zip(_column(t5, "kind"), _column(t5, "count"), strict=True)
        if n is not None
    }
    assert counts["区域检验中心"] == 0 and counts["区域医学影像中心"] == 1


def test_table6_is_its_own_row_without_the_county_and_the_notes_say_why(world) -> None:  # noqa: ANN001
    _lead, member = world
    ret, tables = _tables(member)
    assert _column(tables["figures"], "name") == [A]
    assert "county_figures" not in tables  # the consortium's and county's: the lead's
    notes = "".join(ret.notes)
    assert f"成员单位“{A}”的本单位报表" in notes
    assert "县域运行指标由牵头单位填报" in notes


def test_table7_is_computed_from_its_own_figures_or_left_out(world) -> None:  # noqa: ANN001
    _lead, member = world
    ret, tables = _tables(member)
    t7 = tables["indicators"]
    rows = {row[1]: row for row in t7.rows}
    quarter, basis = _at(t7, "quarter"), _at(t7, "basis")
    contract = rows["家庭医生签约覆盖率"]
    assert contract[quarter].text == "30.0%" and contract[basis] == "本单位口径"
    for name in ("基层诊疗量占比", "县域就诊率（住院）", "每万常住人口派驻中级及以上职称医师数"):
        assert rows[name][quarter] == "—", name  # A's 21000 of A's 21000 is no 100 %
        assert "由牵头单位填报" in rows[name][basis]
    charts = [c.title for c in ret.charts]  # the chart page draws only the unit's own
    assert "家庭医生签约覆盖率" in charts and "基层诊疗量占比" not in charts and len(charts) == 5


def test_the_files_carry_the_units_name_and_say_member(world, tmp_path) -> None:  # noqa: ANN001
    lead, member = world
    out = tmp_path / "out"
    with member.session() as s:
        paths = export_quarter(s, Q, out, cover_fields=COVER, check=False, parallel=False)
    with lead.session() as s:
        at_lead = export_quarter(s, Q, out, cover_fields=COVER, check=False, parallel=False)
    assert {p.name for p in paths}.isdisjoint({p.name for p in at_lead})  # never overwrites
    assert all(A in p.name and "成员单位" in p.name for p in paths)
    assert [p.stem for p in at_lead] == [file_stem("示例县医共体", Q)] * 2
    xlsx, pdf = paths
    book = load_workbook(xlsx)
    title = f"医联体建设情况季度报表（成员单位：{A}）"
    cover = [c.value for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert title in cover
    sheets = book.sheetnames
    assert "表6 县域运行指标" not in sheets and "表6 运行指标" in sheets
    names = [c.value for c in book["表1 成员单位"]["B"] if c.value]
    assert B not in names and A in names
    text = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    assert title in text and B not in text.split("表2")[0].split("表1")[-1]
    assert "运行指标（县域）" not in text and "本单位报表" in text
    # The chart page names the units of the charts it draws: no 人/万人 chart here.
    assert "计量单位：%" in text and "人/万人" not in text.split("主要监测指标趋势")[-1]
    units = {c.unit for c in _tables(member)[0].charts}
    assert "人/万人" not in units and units


def test_the_check_looks_at_its_own_data(world) -> None:  # noqa: ANN001
    lead, member = world
    with member.session() as s:
        items = check_quarter(s, Q, today=TODAY, cover_fields=COVER)
    text = "\n".join(i.message for i in items)
    assert "孙丽" not in text and "JY-2026-09" not in text
    assert not any("没有牵头单位" in i.message for i in items)  # the lead is still a member
    with lead.session() as s:  # the lead's own check is as before: every unit's problems
        assert check_quarter(s, Q, today=TODAY, cover_fields=COVER) is not None


def test_a_submitted_quarter_stays_its_own(world, tmp_path) -> None:  # noqa: ANN001
    from ylt_desktop.returns import snapshot

    _lead, member = world
    with member.session() as s:  # B's rotation without days is not A's to fix
        snapshot.submit(s, quarter=Q, today=TODAY)
    ret, tables = _tables(member)
    assert _column(tables["members"], "name") == [A]
    assert "county_figures" not in tables and A in ret.cover.report_name
    with member.session() as s:
        paths = export_quarter(s, Q, tmp_path / "frozen", cover_fields=COVER, parallel=False)
    assert all(A in p.name for p in paths)


def test_figures_of_the_lead_unit_do_not_show_up(world) -> None:  # noqa: ANN001
    lead, _member = world
    with lead.session() as s:  # at the lead, 表6 lists every member with their figures
        ids = unit_ids(s)
        figures.save_figures(s, quarter=Q, members={ids[B]: MemberFigures(visits=15000)})
    _ret, tables = _tables(lead)
    assert _column(tables["figures"], "name") == [LEAD, A, B, C]
    assert "county_figures" in tables


def test_ylt_checks_and_exports_its_own_return(world, tmp_path, capsys) -> None:  # noqa: ANN001
    from ylt_desktop.cli import main

    _lead, member = world
    db = str(member.location)
    # B's rotation without days is an error of B's, not A's: it no longer blocks A's export
    assert main(["check", "--quarter", str(Q), "--db", db]) == 0
    assert "孙丽" not in capsys.readouterr().out
    out = tmp_path / "cli"
    assert main(["export", "--quarter", str(Q), "--db", db, "--out", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    stem = file_stem("示例县医共体", Q, member_unit=A)
    assert names == [f"{stem}.pdf", f"{stem}.xlsx"]
    assert stem == f"示例县医共体_{A}_{Q}_成员单位报表"
