"""表6 运行指标 and 表7 主要监测指标 of the return for a hand-made consortium: every indicator
(本季度, 本年累计, 上年同期, 同比, 目标, 达标) against numbers worked out here, "—" where a
figure is missing, the pre-export check, the Excel sheets, the PDF chart page and the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.helpers.people import consortium, person
from ylt_desktop.cli import main
from ylt_desktop.domain.figures import CountyFigures, MemberFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.returns.layout import display_text
from ylt_desktop.returns.model import Shown
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.store import figures as store
from ylt_desktop.store import rotations, staff
from ylt_desktop.store.targets import set_target

Q = Quarter(2026, 2)
D = dt.date
COVER = {"unit_head": "王建国", "stats_head": "李芳", "preparer": "张敏", "phone": "0792-2221234"}
# quarter: (county hospital visits, down out, down in), (second hospital visits, tcm, down out),
#          大树 visits, 青山 visits, (county visits, inpatients in, out, population)
QUARTERS = {
    Quarter(2025, 1): ((10000, 100, 20), (5000, 3000, 30), 4000, 2000, (30000, 900, 100, 200000)),
    Quarter(2025, 2): ((9000, 80, 20), (4000, 2000, 50), 3000, 2000, (28000, 850, 150, 200000)),
    Quarter(2026, 1): ((11000, 120, 30), (5000, 3000, 30), 5000, 3000, (32000, 950, 50, 250000)),
    Quarter(2026, 2): ((10000, 140, 30), (6000, 4000, 40), 4000, 3000, (30000, 920, 80, 250000)),
}
# 大树 and 青山's contracts (all, key) and population (all, key): 2025 and 2026.
CONTRACTS = {2025: ((1000, 250, 5000, 1000), (400, 250, 2000, 400)),
             2026: ((1500, 600, 5000, 1000), (600, 200, 2000, 400))}  # fmt: skip


def referrals(**kw: int) -> dict:
    base = dict(discharges=0, up_outpatient=0, up_inpatient=0, down_outpatient=0,
                down_inpatient=0, received_up=0, received_down=0)  # fmt: skip
    return {**base, **kw}


def enter_quarter(s, ids: dict, q: Quarter) -> None:  # noqa: ANN001
    (hv, hdo, hdi), (tv, tcm, tdo), dashu, qingshan, (cv, inn, out, pop) = QUARTERS[q]
    (dc, dk, dp, dkp), (qc, qk, qp, qkp) = CONTRACTS[q.year]
    members = {
        ids["县医院"]: MemberFigures(visits=hv, **referrals(down_outpatient=hdo, down_inpatient=hdi)),
        ids["中医院"]: MemberFigures(visits=tv, tcm_visits=tcm, **referrals(down_outpatient=tdo)),
        ids["大树"]: MemberFigures(visits=dashu, contracts=dc, key_contracts=dk, population=dp,
                                   key_population=dkp, **referrals()),
        ids["青山"]: MemberFigures(visits=qingshan, contracts=qc, key_contracts=qk, population=qp,
                                   key_population=qkp, **referrals()),
    }  # fmt: skip
    county = CountyFigures(resident_population=pop, county_visits=cv, inpatients_in=inn,
                           inpatients_out=out)  # fmt: skip
    store.save_figures(s, quarter=q, members=members, county=county)


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        ids = consortium(s)
        for q in QUARTERS:
            enter_quarter(s, ids, q)
        # 派驻 doctors of 中级及以上 title sent down: one in 2026's first half, one in 2025's.
        for n, (title, start, end) in enumerate(
            [
                ("主治医师", D(2026, 3, 1), D(2026, 5, 31)),
                ("主任医师", D(2025, 4, 1), D(2025, 5, 31)),
            ]
        ):
            who = staff.create_staff(s, data=person(ids["县医院"], name=f"医生{n}", seq=n + 1,
                                                    title=title)).id  # fmt: skip
            rotations.create_rotation(s, data=RotationData(
                staff_id=who, from_id=ids["县医院"], to_id=ids["大树"], form="派驻",
                start=start, end=end), today=D(2026, 11, 1))  # fmt: skip
    return ids


def table7(db, quarter: Quarter = Q) -> dict[str, dict]:  # noqa: ANN001
    with db.session() as s:
        ret = quarter_rows(s, quarter, cover_fields=COVER)
    table = next(t for t in ret.tables if t.key == "indicators")
    keys = [c.source for c in table.columns]
    # As printed (the PDF): a ``Shown`` number prints its text.
    return {
        row[keys.index("name")]: {k: display_text(v) for k, v in zip(keys, row, strict=True)}
        for row in table.rows
    }


def pct(value: float) -> str:
    return f"{value:.1f}%"


def test_every_indicator_of_table_7(db, world) -> None:  # noqa: ANN001
    t = table7(db)
    # 基层诊疗量占比 = (大树 + 青山) ÷ 县域总诊疗人次
    primary = t["基层诊疗量占比"]
    ytd, ly = (
        (5000 + 3000 + 4000 + 3000) / (32000 + 30000),
        (4000 + 2000 + 3000 + 2000) / (30000 + 28000),
    )
    assert primary["quarter"] == pct(7000 / 30000 * 100) == "23.3%"
    assert primary["ytd"] == pct(ytd * 100) == "24.2%"
    assert primary["last_year"] == pct(ly * 100) == "19.0%"
    assert primary["yoy"] == f"{(ytd - ly) * 100:+.1f}个百分点" == "+5.2个百分点"
    assert (primary["target"], primary["met"]) == ("≥65%", "否")
    # 县域就诊率 = in ÷ (in + out)
    rate = t["县域就诊率（住院）"]
    assert (rate["quarter"], rate["ytd"], rate["last_year"]) == ("92.0%", "93.5%", "87.5%")
    assert (rate["yoy"], rate["target"], rate["met"]) == ("+6.0个百分点", "≥90%", "是")
    # 下转 of the two 二级 hospitals: 2026 H1 (150+30+170+40 = 390) against 2025 H1 (300)
    down = t["下转人次同比增长"]
    assert down["quarter"] == pct((170 + 40 - 100 - 50) / (100 + 50) * 100) == "40.0%"
    assert down["ytd"] == pct((390 - 300) / 300 * 100) == "30.0%"
    assert (down["last_year"], down["yoy"], down["met"]) == ("—", "—", "是")  # no 2024 data
    # 家庭医生签约: the period's last quarter; 2100 ÷ 7000 = 30.0 % meets ≥ 30 %
    contracts = t["家庭医生签约覆盖率"]
    assert (contracts["quarter"], contracts["ytd"], contracts["last_year"]) == (
        "30.0%",
        "30.0%",
        "20.0%",
    )
    assert (contracts["yoy"], contracts["met"]) == ("+10.0个百分点", "是")
    key = t["重点人群签约率"]  # 800 ÷ 1400 against 500 ÷ 1400
    assert (key["ytd"], key["last_year"]) == (pct(800 / 1400 * 100), pct(500 / 1400 * 100))
    assert (key["yoy"], key["target"], key["met"]) == ("+21.4个百分点", "≥60%", "否")
    # One doctor per 250,000 residents in 2026 against one per 200,000 a year earlier
    posted = t["每万常住人口派驻中级及以上职称医师数"]
    assert (posted["quarter"], posted["ytd"], posted["last_year"]) == ("0.04", "0.04", "0.05")
    assert (posted["yoy"], posted["target"], posted["met"]) == ("-20.0%", "—", "—")
    tcm = t["中医类诊疗量占比"]  # only the second hospital entered 中医类 visits
    assert tcm["quarter"] == pct(4000 / 23000 * 100) == "17.4%"
    assert tcm["ytd"] == pct(7000 / 47000 * 100) == "14.9%"
    assert tcm["last_year"] == pct(5000 / 39000 * 100) == "12.8%"
    assert (tcm["yoy"], tcm["met"]) == ("+2.1个百分点", "—")
    promotion = t["晋升前基层服务满一年人数"]
    assert (promotion["quarter"], promotion["ytd"], promotion["yoy"]) == ("0", "0", "—")


def test_a_missing_figure_shows_dash_never_zero(db, world) -> None:  # noqa: ANN001
    with db.session() as s:  # 青山 has not reported 2026Q1's visits
        stored = store.member_figures(s, Quarter(2026, 1))[world["青山"]]
        stored.visits = None
        store.save_figures(s, quarter=Quarter(2026, 1), members={world["青山"]: stored})
        store.save_figures(s, quarter=Q, county=CountyFigures(resident_population=250000))
    t = table7(db)
    primary = t["基层诊疗量占比"]
    # Q2 alone falls back to the members' visits (the county's are gone): 医联体内口径
    assert primary["quarter"] == pct(7000 / 23000 * 100) and primary["basis"] == "医联体内口径"
    assert (primary["ytd"], primary["yoy"], primary["met"]) == ("—", "—", "—")
    assert t["县域就诊率（住院）"]["quarter"] == "—" and t["县域就诊率（住院）"]["met"] == "—"
    assert t["中医类诊疗量占比"]["ytd"] == "—"
    assert all("0.0%" not in (row["quarter"], row["ytd"]) for row in t.values())


def test_a_consortium_target_changes_met(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        set_target(s, key="primary_share", target={"value": 20, "comparison": "≥", "year": 2026,
                                                    "place": "示例县", "source": "县卫健局"})  # fmt: skip
    primary = table7(db)["基层诊疗量占比"]
    assert (primary["target"], primary["met"]) == ("≥20%", "是")


def test_table_6_rows_total_and_county(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        ret = quarter_rows(s, Q, cover_fields=COVER)
    t6 = next(t for t in ret.tables if t.key == "figures")
    visits = t6.column_values("visits")
    assert visits == [10000, 6000, 4000, 3000]
    assert t6.total_row[[c.source for c in t6.columns].index("visits")] == 23000
    county = next(t for t in ret.tables if t.key == "county_figures")
    assert county.rows[0][:3] == ["县域", 250000, 30000]
    assert [c.title for c in ret.charts][0] == "基层诊疗量占比" and len(ret.charts) == 8
    assert any("基层诊疗量占比≥65%（广东省，2017年起）" in n for n in ret.notes)


def test_the_check_lists_missing_figures_and_consistency_warnings(db, world) -> None:  # noqa: ANN001
    with db.session() as s:
        qingshan = store.member_figures(s, Q)[world["青山"]]
        qingshan.discharges = None  # not reported
        store.save_figures(s, quarter=Q, members={world["青山"]: qingshan})
        stored = store.member_figures(s, Q)[world["大树"]]
        stored.up_outpatient = 500  # sent up, nobody received them
        store.save_figures(s, quarter=Q, members={world["大树"]: stored})
        items = check_quarter(s, Q, today=D(2026, 11, 1))
    messages = [i.message for i in items if i.kind == "figures"]
    assert any(
        "示例县青山镇卫生院" in m and "运行指标未填写" in m and "出院人次" in m for m in messages
    )
    assert any("上转人次合计 500" in m and "接收上转人次合计 0" in m for m in messages)
    assert all(not i.is_error for i in items if i.kind == "figures")


def test_export_has_the_sheets_and_the_pdf_chart_page(db, world, tmp_path) -> None:  # noqa: ANN001
    import openpyxl
    from pypdf import PdfReader

    from ylt_desktop.returns.files import export_quarter

    with db.session() as s:
        paths = export_quarter(s, Q, tmp_path, cover_fields=COVER, check=False)
    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    wb = openpyxl.load_workbook(xlsx)
    assert {"表6 运行指标", "表6 县域运行指标", "表7 主要监测指标"} <= set(wb.sheetnames)
    cells = [c.value for row in wb["表7 主要监测指标"].iter_rows() for c in row]
    assert "基层诊疗量占比" in cells and 0.242 in cells
    pdf = next(p for p in paths if p.suffix == ".pdf")
    texts = [page.extract_text() for page in PdfReader(pdf).pages]
    table_page = next(t for t in texts if "表7 主要监测指标" in t and "本年累计" in t)
    assert "24.2%" in table_page and "+5.2个百分点" in table_page and "-20.0%" in table_page
    chart_page = next(t for t in texts if "主要监测指标趋势" in t)
    assert "基层诊疗量占比" in chart_page and "26Q2" in chart_page and "目标" in chart_page


def test_table_7_in_excel_stores_numbers_with_formats(db, world, tmp_path) -> None:  # noqa: ANN001
    """DESIGN §4: numbers are numbers. A percentage is its fraction formatted 0.0%, 同比 of a
    percentage is a number of 个百分点, other 同比 a fraction; "—" only where a value is missing."""
    import openpyxl

    from ylt_desktop.returns.files import export_quarter

    with db.session() as s:
        paths = export_quarter(s, Q, tmp_path, cover_fields=COVER, check=False, pdf=False)
    ws = openpyxl.load_workbook(paths[0])["表7 主要监测指标"]
    rows = {r[1].value: r for r in ws.iter_rows() if isinstance(r[0].value, int)}
    header = next(r for r in ws.iter_rows(values_only=True) if "本季度" in r)
    assert header[2:8] == ("本季度", "本年累计", "上年同期", "同比", "目标", "达标")

    def cell(name: str, col: int) -> tuple:  # noqa: ANN202
        c = rows[name][col]
        return c.value, c.data_type, c.number_format

    primary = "基层诊疗量占比"
    assert cell(primary, 2) == (0.233, "n", "0.0%")
    assert cell(primary, 3) == (0.242, "n", "0.0%")
    assert cell(primary, 4) == (0.19, "n", "0.0%")
    assert cell(primary, 5) == (5.2, "n", '+0.0"个百分点";-0.0"个百分点";+0.0"个百分点"')
    assert cell(primary, 6)[:2] == ("≥65%", "s") and cell(primary, 7)[:2] == ("否", "s")
    down = "下转人次同比增长"
    assert cell(down, 2) == (0.4, "n", "0.0%")
    assert cell(down, 4)[:2] == ("—", "s") and cell(down, 5)[:2] == ("—", "s")  # no 2024 data
    posted = "每万常住人口派驻中级及以上职称医师数"
    assert cell(posted, 2) == (0.04, "n", "0.00")
    assert cell(posted, 5) == (-0.2, "n", "+0.0%;-0.0%;+0.0%")
    assert cell(posted, 6)[:2] == ("—", "s")  # no numeric target
    promotion = "晋升前基层服务满一年人数"
    assert cell(promotion, 2) == (0, "n", "0") and cell(promotion, 5)[:2] == ("—", "s")
    # No figure of 表7 is left as text that looks like a number.
    for row in rows.values():
        for c in row[2:6]:
            assert c.data_type == "n" or c.value == "—", (row[1].value, c.value)


def test_table_7_numbers_survive_a_submitted_snapshot(db, world) -> None:  # noqa: ANN001
    from ylt_desktop.returns import snapshot
    from ylt_desktop.returns.rows_figures import figure_parts

    with db.session() as s:
        records = figure_parts(s, Q)
    again = snapshot.loads(snapshot.dumps(records))
    assert again["indicators"] == records["indicators"]
    assert any(isinstance(v, Shown) for row in again["indicators"] for v in row.values())


def test_cli_indicators(db, world, capsys) -> None:  # noqa: ANN001
    db.close()
    assert main(["indicators", "--quarter", "2026Q2", "--db", db.location, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["key"]: r["ytd"] for r in rows}["primary_share"] == "24.2%"
    assert main(["indicators", "--quarter", "2026Q2", "--db", db.location]) == 0
    out = capsys.readouterr().out
    assert "本年累计" in out and "县域就诊率（住院）\t92.0%\t93.5%" in out
