"""设置: the consortium corrected and the lead unit changed in one audited transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import audit
from ylt_desktop.store import institutions as store
from ylt_desktop.store.models import Institution

TODAY = dt.date(2026, 11, 2)


def _values(demo_db, **changes):  # noqa: ANN001, ANN003, ANN202
    with demo_db.session() as s:
        c = store.get_consortium(s)
        lead = store.lead_institution(s)
        values = {"name": c.name, "kind": c.kind, "division": c.division, "founded": c.founded,
                  "lead_id": lead.id}  # fmt: skip
    values.update(changes)
    return values


def _leads(demo_db) -> list[str]:  # noqa: ANN001
    with demo_db.session() as s:
        return list(s.scalars(select(Institution.name).where(Institution.role == "牵头单位")))


def _member(demo_db, name: str) -> int:  # noqa: ANN001
    with demo_db.session() as s:
        return s.scalar(select(Institution.id).where(Institution.name == name))


def test_edit_consortium_and_move_the_lead(demo_db) -> None:  # noqa: ANN001
    new_lead = _member(demo_db, "示例县中医医院")
    values = _values(demo_db, name="都昌县紧密型医共体", division="360400", lead_id=new_lead,
                     founded=dt.date(2020, 5, 1))  # fmt: skip
    mark = None
    with demo_db.session() as s:
        mark = audit.latest_entry_id(s)
        store.update_consortium(s, **values, today=TODAY)
    with demo_db.session() as s:
        c = store.get_consortium(s)
        assert (c.name, c.division, c.founded) == (
            "都昌县紧密型医共体",
            "360400",
            dt.date(2020, 5, 1),
        )
        entries = [e for e in audit.list_entries(s) if e.id > mark]
    assert _leads(demo_db) == ["示例县中医医院"]
    tables = sorted(e.table_name for e in entries)
    assert tables == ["consortium", "institution", "institution"]  # the two roles, audited
    old = next(e for e in entries if e.table_name == "institution" and "成员单位" in e.new_values)
    assert "牵头单位" in old.old_values


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": ""}, "name", "必填"),
        ({"kind": "医联体"}, "kind", "医联体类型"),
        ({"division": "990000"}, "division", "省级代码"),
        ({"founded": dt.date(2027, 1, 1)}, "founded", "晚于今天"),
        ({"lead_id": None}, "lead_id", "请选择牵头单位"),
        ({"lead_id": 99999}, "lead_id", "已被删除"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(demo_db, changes, field, words) -> None:  # noqa: ANN001
    before = _values(demo_db)
    with demo_db.session() as s, pytest.raises(RuleViolation) as refused:
        store.update_consortium(s, **_values(demo_db, **{"name": "新名称", **changes}), today=TODAY)
    assert any(p.field == field and words in p.message for p in refused.value.problems)
    assert _values(demo_db) == before
    assert len(_leads(demo_db)) == 1


def test_a_unit_that_left_cannot_lead(demo_db) -> None:  # noqa: ANN001
    gone = _member(demo_db, "示例县青山镇卫生院")
    with demo_db.session() as s, s.begin():
        s.get(Institution, gone).left = dt.date(2026, 6, 30)
    with demo_db.session() as s, pytest.raises(RuleViolation) as refused:
        store.update_consortium(s, **_values(demo_db, lead_id=gone), today=TODAY)
    assert "已于 2026-06-30 退出医联体" in refused.value.problems[0].message
    assert _leads(demo_db) == ["示例县人民医院"]


def test_without_a_consortium_it_says_to_run_the_first_run(db) -> None:  # noqa: ANN001
    with db.session() as s, pytest.raises(RuleViolation) as refused:
        store.update_consortium(s, name="甲", kind="县域医共体", division="360428", founded=None,
                                lead_id=None)  # fmt: skip
    assert any("首次使用" in p.message for p in refused.value.problems)
