"""The 季度报表 cover's typed fields are remembered by one command (``store.cover.save_cover``)
that refuses a whole identity number typed into one (the cover prints it as typed), naming
the field and never the number, and saves nothing then; a cover saved so before the rule
keeps saving its other fields, with a warning."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers.people import ric
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store.cover import save_cover, saved_cover
from ylt_desktop.store.settings import set_setting

PERSON = ric(dt.date(1984, 7, 9), "女", 3)
RULE = "中含有居民身份证号码：身份证号码只能填在“证件号码”一栏"
COVER = {"filler_unit": "", "unit_head": "张三", "stats_head": "", "preparer": "李四",
         "phone": "0792-2221234"}  # fmt: skip


def test_an_identity_number_typed_on_the_cover_is_refused(db) -> None:  # noqa: ANN001
    with db.session() as s:
        assert save_cover(s, fields=COVER) == []
    for key, label in (("preparer", "填表人"), ("unit_head", "单位负责人"),
                       ("filler_unit", "填报单位"), ("phone", "联系电话")):  # fmt: skip
        with db.session() as s, pytest.raises(RuleViolation) as exc:
            save_cover(s, fields=COVER | {key: f"{COVER[key]} {PERSON}"})
        (problem,) = exc.value.problems
        assert problem.is_error and problem.field == key
        assert problem.message.startswith(f"封面“{label}”{RULE}")
        assert PERSON not in str(exc.value) and PERSON not in problem.message
    with db.session() as s:
        assert saved_cover(s) == COVER  # nothing saved


def test_a_cover_saved_before_the_rule_still_saves_its_other_fields(db) -> None:  # noqa: ANN001
    old = COVER | {"preparer": f"李四 {PERSON}"}
    with db.session() as s:
        set_setting(s, key="return.cover", value=old)  # an older program saved it
    with db.session() as s:
        (warned,) = save_cover(s, fields=old | {"phone": "13907921234"})
    assert not warned.is_error and warned.field == "preparer" and PERSON not in warned.message
    with db.session() as s:
        assert saved_cover(s) == old | {"phone": "13907921234"}
        with pytest.raises(RuleViolation):
            save_cover(s, fields=old | {"preparer": f"李四，{PERSON}"})
        save_cover(s, fields=old | {"preparer": "李四"})  # the number taken out
        assert saved_cover(s)["preparer"] == "李四"
