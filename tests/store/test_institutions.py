"""Institution commands on a temporary database: create, read, update, delete and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import institutions as store
from ylt_desktop.store.models import Institution, Staff
from ylt_desktop.store.tx import transaction


def hospital(name: str = "测试县人民医院", body: str = "12345678", **kw) -> InstitutionData:  # noqa: ANN003
    values = dict(
        name=name,
        uscc=make_uscc("12", "360428", body),
        division="360428",
        category="综合医院",
        level="二级甲等",
        joined=dt.date(2020, 1, 1),
        staff_total=100,
        health_tech_staff=80,
        doctors=30,
        nurses=40,
    )
    values.update(kw)
    return InstitutionData(**values)


def test_create_read_update_delete(db) -> None:  # noqa: ANN001
    with db.session() as s:
        inst = store.create_institution(s, data=hospital(name="　测试县人民医院 "))
        inst_id = inst.id
    with db.session() as s:
        got = s.get(Institution, inst_id)
        assert got.name == "测试县人民医院"  # trimmed, full-width space removed
        data = store.to_data(got)
        data.beds_actual = 321
        store.update_institution(s, institution_id=inst_id, data=data)
    with db.session() as s:
        assert s.get(Institution, inst_id).beds_actual == 321
        store.delete_institution(s, institution_id=inst_id)
    with db.session() as s:
        assert s.get(Institution, inst_id) is None


def test_full_width_code_is_stored_normalised(db) -> None:  # noqa: ANN001
    code = make_uscc("12", "360428", "87654321")
    full = "".join(chr(ord(c) + 0xFEE0) for c in code)
    with db.session() as s:
        inst = store.create_institution(s, data=hospital(uscc=full.lower()))
    assert inst.uscc == code


def test_invalid_record_is_refused_and_nothing_written(db) -> None:  # noqa: ANN001
    bad = hospital(uscc="91350100M000100Y42")
    with db.session() as s, pytest.raises(RuleViolation) as err:
        store.create_institution(s, data=bad)
    assert any(p.field == "uscc" and "应为 3" in p.message for p in err.value.problems)
    with db.session() as s:
        assert s.scalars(select(Institution)).all() == []


def test_duplicate_name_and_uscc_refused(db) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_institution(s, data=hospital())
        with pytest.raises(RuleViolation) as err:
            store.create_institution(s, data=hospital(name=" 测试县人民医院"))
    fields = {p.field for p in err.value.problems}
    assert fields == {"name", "uscc"}


def test_second_lead_refused(db) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_institution(s, data=hospital(role="牵头单位"))
        with pytest.raises(RuleViolation) as err:
            store.create_institution(
                s, data=hospital(name="另一医院", body="11112222", role="牵头单位")
            )
    assert [p.field for p in err.value.problems] == ["role"]
    assert "测试县人民医院" in err.value.problems[0].message


def test_delete_refused_while_referenced(db) -> None:  # noqa: ANN001
    with db.session() as s:
        inst_id = store.create_institution(s, data=hospital()).id
        with transaction(s):
            s.add(
                Staff(
                    name="张三",
                    sex="女",
                    id_type="居民身份证",
                    id_number="11010519491231002X",
                    title="主治医师",
                    home_id=inst_id,
                )
            )
        with pytest.raises(RuleViolation) as err:
            store.delete_institution(s, institution_id=inst_id)
    assert "人员（所属机构） 1 条" in str(err.value)
    with db.session() as s:
        assert s.get(Institution, inst_id) is not None


def test_initialize_creates_consortium_and_lead_together(db) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(RuleViolation):
        store.initialize(
            s, name="示例县医共体", kind="县域医共体", division="360428", lead=hospital(uscc="bad")
        )
    with db.session() as s:
        assert store.get_consortium(s) is None  # nothing half-written
        store.initialize(
            s, name="示例县医共体", kind="县域医共体", division="360428", lead=hospital()
        )
    with db.session() as s:
        assert store.get_consortium(s).name == "示例县医共体"
        assert store.lead_institution(s).name == "测试县人民医院"


def test_demo_consortium_is_valid(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        rows = store.list_institutions(s)
        problems = [
            p for i in rows for p in store.check_institution(s, store.to_data(i), own_id=i.id)
        ]
    categories = [i.category for i in rows]
    assert categories.count("乡镇卫生院") == 12
    assert categories.count("村卫生室") == 30
    assert [p for p in problems if p.is_error] == []
