"""A consortium set up today has its lead unit joined today, so the quarter just ended had no
member lead. The check said "没有牵头单位：请在成员单位中指定牵头单位" while the list showed one,
and the clerk could not tell what to do. It now names the lead unit and its date, and jumps to
the unit; with no lead unit at all it says what it said."""

from __future__ import annotations

import datetime as dt

from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.check import check_quarter
from ylt_desktop.store import institutions as store

Q3 = Quarter(2026, 3)


def _set_up(db, joined: dt.date, left: dt.date | None = None) -> int:  # noqa: ANN001
    lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P", division="360428",
                           category="综合医院", level="二级甲等", joined=joined, left=left)  # fmt: skip
    with db.session() as s:
        store.initialize(s, name="测试医共体", kind="县域医共体", division="360428", lead=lead,
                         founded=joined)  # fmt: skip
    with db.session() as s:
        return store.lead_institution(s).id


def test_a_lead_that_joined_after_the_quarter_is_named(db) -> None:  # noqa: ANN001
    lead_id = _set_up(db, dt.date(2026, 11, 30))
    with db.session() as s:
        items = check_quarter(s, Q3, today=dt.date(2026, 11, 30))
    [item] = [i for i in items if "牵头单位" in i.message and i.is_error]
    assert "示例县人民医院" in item.message and "2026-11-30" in item.message
    assert "加入日期" in item.message
    assert (item.kind, item.record_id, item.field) == ("institution", lead_id, "joined")


def test_a_lead_in_the_quarter_is_no_problem(db) -> None:  # noqa: ANN001
    _set_up(db, dt.date(2026, 9, 30))  # the quarter's last day
    with db.session() as s:
        items = check_quarter(s, Q3, today=dt.date(2026, 11, 30))
    assert not [i for i in items if "牵头单位" in i.message and i.is_error]
