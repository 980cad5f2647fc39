"""Issue #11, cases 12-14: look-alike names, two columns for one field, absurd counts.

Each case goes through the store command and the import (the CLI's ``ylt import``, in
process): the database is unchanged, the message is Chinese with no traceback, SQL or
identity number, and the exit code is the CLI's (1: rows refused, 2: the file refused).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.helpers.people import small_world
from tests.importing.conftest import INST_HEADER, dump, village, write_book
from ylt_desktop.cli import main
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.importing import import_file
from ylt_desktop.importing.plan import UNCHANGED
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store import rotations as rot_store
from ylt_desktop.store.models import Staff

LEAD = "示例县人民医院"
HIDDEN = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066"]
_ID = re.compile(r"\d{17}[\dXx]")


def assert_clean(text: str) -> None:
    """A message a clerk may see: no traceback, no SQL, no whole identity number."""
    assert "Traceback" not in text and "Error" not in text
    assert not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b|\[SQL", text)
    assert not _ID.search(text)


def ylt_import(db, kind: str, path, capsys, *extra: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    code = main(["import", kind, str(path), "--db", db.location, *extra])
    out, err = capsys.readouterr()
    assert_clean(out + err)
    return code, out, err


def lead_copy(name: str, **changes) -> InstitutionData:  # noqa: ANN003
    data = InstitutionData(name=name, uscc="", division="360428", category="村卫生室",
                           joined=dt.date(2024, 1, 1))  # fmt: skip
    for key, value in changes.items():
        setattr(data, key, value)
    return data


# --- 12: zero-width, bidi and BOM characters -----------------------------------------


@pytest.mark.parametrize("hidden", HIDDEN)
def test_store_command_refuses_the_lead_name_with_an_invisible_character(lead_db, hidden):  # noqa: ANN001
    before = dump(lead_db)
    with lead_db.session() as s, pytest.raises(RuleViolation) as info:
        inst_store.create_institution(s, data=lead_copy(f"{LEAD}{hidden}"))
    (problem,) = [p for p in info.value.problems if p.field == "name"]
    assert problem.message == f"机构名称“{LEAD}”已存在，同一医联体内不得重名"
    assert dump(lead_db) == before


def test_import_takes_the_lead_name_with_an_invisible_character_as_the_lead(
    tmp_path, lead_db, capsys
):  # noqa: ANN001
    """An import finds units by name: the look-alike row *is* the lead unit, unchanged, and a
    second look-alike in the file is refused as the same unit twice."""
    lead_row = [f"{LEAD}\u200b", "12100000400010398P", "360428", "综合医院", "二级甲等", "公立",
                "牵头单位", dt.date(2020, 1, 1), 0, 0]  # fmt: skip
    before = dump(lead_db)
    path = write_book(tmp_path / "zw.xlsx", [INST_HEADER, lead_row])
    report = import_file(lead_db, "institutions", path)
    assert (report.new, report.counts[UNCHANGED], report.rejected) == (0, 1, 0)
    code, _out, _err = ylt_import(lead_db, "institutions", path, capsys)
    assert code == 0
    twice = [INST_HEADER, lead_row, [f"\u202e{LEAD}\ufeff", *lead_row[1:]]]
    path = write_book(tmp_path / "zw2.xlsx", twice)
    for extra in ((), ("--dry-run",)):
        code, out, err = ylt_import(lead_db, "institutions", path, capsys, *extra)
        assert code == 1
        assert "第3行 A列（机构名称）：与第2行为同一机构" in err
    assert dump(lead_db) == before


def test_imported_codes_and_numbers_lose_invisible_characters(tmp_path, lead_db):  # noqa: ANN001
    row = village(1, beds=0)
    row[2], row[8] = "3604\u200b28", "1\u200b2"  # 行政区划代码, 编制床位
    row[3] = "村卫生室\ufeff"
    path = write_book(tmp_path / "codes.xlsx", [INST_HEADER, row])
    report = import_file(lead_db, "institutions", path, dry_run=False)
    assert (report.new, report.rejected) == (1, 0), [str(p) for p in report.problems]
    with lead_db.session() as s:
        inst = [i for i in inst_store.list_institutions(s) if i.name == "测试村1卫生室"][0]
        assert (inst.division, inst.beds_authorised, inst.category) == ("360428", 12, "村卫生室")


# --- 13: two columns for one field ---------------------------------------------------


@pytest.mark.parametrize(
    ("second", "name"), [("机构名称", "E列（机构名称）"), ("单位名称", "E列（单位名称）")]
)
def test_two_columns_for_one_field_are_refused_naming_both(tmp_path, lead_db, capsys, second,
                                                           name):  # noqa: ANN001  # fmt: skip
    header = ["机构名称", "行政区划代码", "机构类别", "加入日期", second]
    row = ["测试村1卫生室", "360428", "村卫生室", dt.date(2024, 1, 1), "测试村2卫生室"]
    path = write_book(tmp_path / "two.xlsx", [header, row])
    before = dump(lead_db)
    for extra in ((), ("--dry-run",)):
        code, _out, err = ylt_import(lead_db, "institutions", path, capsys, *extra)
        assert code == 2
        assert f"“机构名称”对应了多个列：A列（机构名称）、{name}" in err
    assert dump(lead_db) == before


def test_a_column_set_aside_in_the_mapping_is_no_conflict(tmp_path, lead_db):  # noqa: ANN001
    """What the import dialog lets the clerk do: choose which of the two columns is used."""
    header = ["机构名称", "行政区划代码", "机构类别", "加入日期", "单位名称"]
    row = ["测试村1卫生室", "360428", "村卫生室", dt.date(2024, 1, 1), "别的名字"]
    path = write_book(tmp_path / "two.xlsx", [header, row])
    mapping = ["name", "division", "category", "joined", None]
    report = import_file(lead_db, "institutions", path, mapping=mapping, dry_run=False)
    assert (report.new, report.rejected) == (1, 0)


# --- 14: counts past any real figure -------------------------------------------------


@pytest.mark.parametrize("beds", [1e30, 2**63, "9223372036854775808", 100_001])
def test_absurd_counts_are_refused_alike_by_dry_run_and_import(tmp_path, lead_db, capsys, beds):  # noqa: ANN001
    path = write_book(tmp_path / "beds.xlsx", [INST_HEADER, village(1, beds=beds), village(2)])
    before = dump(lead_db)
    results = []
    for extra in (("--dry-run",), ()):
        code, _out, err = ylt_import(lead_db, "institutions", path, capsys, *extra)
        results.append((code, "编制床位超过上限：不得大于100,000" in err))
    assert results == [(1, True), (1, True)]
    assert dump(lead_db) == before


def test_store_command_refuses_absurd_counts(lead_db):  # noqa: ANN001
    before = dump(lead_db)
    for field in ("beds_actual", "staff_total", "nurses"):
        with lead_db.session() as s, pytest.raises(RuleViolation) as info:
            inst_store.create_institution(s, data=lead_copy("测试村1卫生室", **{field: 2**63}))
        assert field in {p.field for p in info.value.problems}
    assert dump(lead_db) == before


def test_rotation_volumes_past_any_real_figure(tmp_path, db, capsys):  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        number = s.get(Staff, ids["王"]).id_number
    data = RotationData(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"],
                        form="坐诊/巡诊", start=dt.date(2026, 1, 5), end=dt.date(2026, 2, 27),
                        quarters={"2026Q1": QuarterFigures(days=10, outpatient=2**63)})  # fmt: skip
    before = dump(db)
    with db.session() as s, pytest.raises(RuleViolation) as info:
        rot_store.create_rotation(s, data=data, today=dt.date(2026, 5, 20))
    assert [p.message for p in info.value.problems if p.is_error] == [
        "2026年第1季度：门急诊人次超过上限：不得大于100,000"
    ]
    header = ["证件号码", "姓名", "派出单位", "接收单位", "流动形式", "开始日期", "结束日期",
              "本季度工作天数", "门急诊人次"]  # fmt: skip
    row = [number, "王建国", "示例县人民医院", "示例县大树镇卫生院", "坐诊/巡诊",
           dt.date(2026, 1, 5), dt.date(2026, 2, 27), 10, 1e30]  # fmt: skip
    path = write_book(tmp_path / "流动_2026Q1.xlsx", [header, row])
    for extra in (("--dry-run",), ()):
        code, _out, err = ylt_import(db, "rotations", path, capsys, *extra)
        assert code == 1
        assert "门急诊人次超过上限：不得大于100,000" in err
    assert dump(db) == before


def test_agreement_volumes_and_shares_have_upper_bounds():
    from ylt_desktop.domain.agreement import AgreementData, validate_agreement

    data = AgreementData(number="X-1", title="协议", kind="药品统一采购配送", provider_id=1,
                         recipient_ids=[2], effective_from=dt.date(2026, 1, 1),
                         provider_share=1e30, recipient_shares={2: -1e30 + 100},
                         volumes={("2026Q1", "配送金额(元)"): 1e30})  # fmt: skip
    problems = {(p.field, p.message) for p in validate_agreement(data) if p.is_error}
    assert ("provider_share", "提供方分配比例须为 0 到 100 之间的数") in problems
    assert ("recipient_shares.2", "接收方分配比例须为 0 到 100 之间的数") in problems
    assert (
        "volumes.2026Q1.配送金额(元)",
        "2026年第1季度“配送金额(元)”超过上限：不得大于100,000,000,000",
    ) in problems
    data.volumes = {("2026Q1", "配送金额(元)"): 5e10}
    data.provider_share, data.recipient_shares = 40.0, {2: 60.0}
    assert [p for p in validate_agreement(data) if p.is_error] == []
