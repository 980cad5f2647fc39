"""The template's ``member`` part: how a member unit's own return is named and what its
填报说明 adds (DESIGN §7). Every shipped template has it; a template without it gets the
program's; a wrong one is refused with every mistake named."""

from __future__ import annotations

import json

import pytest

from ylt_desktop.returns.templates import (
    MemberSpec,
    TemplateError,
    default_template_path,
    load_template,
    parse_template,
)


def _raw() -> dict:
    return json.loads(default_template_path().read_text(encoding="utf-8"))


def test_every_shipped_template_says_how_a_members_return_is_named() -> None:
    folder = default_template_path().parent
    shipped = [p for p in folder.glob("*.json") if p.name != "targets.json"]
    assert shipped
    for path in shipped:
        raw = json.loads(path.read_text(encoding="utf-8"))
        assert {"report_name", "file_name", "notes"} <= set(raw.get("member", {})), path.name
        member = load_template(path).member
        assert "{unit}" in member.report_name and "{unit}" in member.file_name
        assert member.notes and all("{unit}" in n or "本单位" in n for n in member.notes)


def test_a_template_without_it_gets_the_programs() -> None:
    raw = _raw()
    del raw["member"]
    assert parse_template(raw).member == MemberSpec()


@pytest.mark.parametrize(
    ("member", "said"),
    [
        ({"report_name": "成员单位报表"}, "member.report_name：须为文字，且含“{unit}”"),
        ({"file_name": "{consortium}_{quarter}"}, "member.file_name：须为文字，且含“{unit}”"),
        (
            {"file_name": "{unit}_{year}"},
            "member.file_name：只能用 {consortium}、{unit}、{quarter}",
        ),
        ({"notes": ["{unit}的{table}"]}, "member.notes：只能用 {unit}"),
        ({"notes": "本单位"}, "member.notes：须为文字列表"),
        ({"title": "x"}, "member：不认识的字段 title"),
        ("成员", "member：须为对象"),
    ],
)
def test_a_wrong_member_part_is_refused(member, said) -> None:  # noqa: ANN001
    raw = {**_raw(), "member": member}
    with pytest.raises(TemplateError) as refused:
        parse_template(raw)
    assert said in str(refused.value)
