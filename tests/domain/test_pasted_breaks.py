"""A name or number pasted from several table cells or wrapped lines ("李秀英<Tab>女",
"示例县<换行>青石镇卫生院") is refused with a message naming the field and the rule, not stored
with a tab or a line break inside (it split the CLI's tab-separated lists and the return's
cells). A break at either end is trimmed as before."""

from __future__ import annotations

import pytest

from tests.domain.test_agreement import agreement
from tests.domain.test_institution import good
from tests.domain.test_staff import staff
from ylt_desktop.domain.agreement import validate_agreement
from ylt_desktop.domain.institution import validate_consortium, validate_institution
from ylt_desktop.domain.problems import has_errors
from ylt_desktop.domain.staff import validate_staff

BREAKS = ["\t", "\n", "\r\n", "\r", "\u2028", "\u2029"]
RULE = "不得包含换行或制表符"


def errors(problems) -> dict[str, str]:  # noqa: ANN001
    return {p.field: p.message for p in problems if p.is_error}


@pytest.mark.parametrize("brk", BREAKS)
def test_staff_name_and_specialty_with_a_break_inside(brk: str) -> None:
    found = errors(validate_staff(staff(name=f"李秀英{brk}女", specialty=f"心血管{brk}内科")))
    assert found == {"name": f"姓名{RULE}（可能复制了多个单元格或多行文字），请只保留一行",
                     "specialty": f"专业{RULE}（可能复制了多个单元格或多行文字），请只保留一行"}  # fmt: skip


@pytest.mark.parametrize("brk", BREAKS)
def test_institution_name_and_contact_with_a_break_inside(brk: str) -> None:
    found = errors(validate_institution(good(name=f"示例县{brk}人民医院", contact=f"张{brk}三")))
    assert set(found) == {"name", "contact"}
    assert found["name"].startswith(f"机构名称{RULE}")
    assert found["contact"].startswith(f"联系人{RULE}")
    found = errors(
        validate_consortium(name=f"示例县{brk}医共体", kind="县域医共体", division="360428")
    )
    assert found["name"].startswith(f"医联体名称{RULE}")


@pytest.mark.parametrize("brk", BREAKS)
def test_agreement_number_and_title_with_a_break_inside(brk: str) -> None:
    found = errors(validate_agreement(agreement(number=f"YLT{brk}2026", title=f"影像{brk}协议")))
    assert found["number"].startswith(f"协议编号{RULE}")
    assert found["title"].startswith(f"协议名称{RULE}")


@pytest.mark.parametrize("brk", BREAKS)
def test_a_break_at_either_end_is_trimmed_not_refused(brk: str) -> None:
    assert not has_errors(validate_staff(staff(name=f"{brk}李秀英{brk}", specialty=f"内科{brk}")))
    assert not has_errors(
        validate_institution(good(name=f"示例县人民医院{brk}", contact=f"张三{brk}"))
    )
    assert not has_errors(validate_agreement(agreement(number=f"YLT-2026-001{brk}")))


def test_an_address_may_still_span_lines() -> None:
    assert not has_errors(validate_institution(good(address="江西省都昌县\n青石镇1号")))
