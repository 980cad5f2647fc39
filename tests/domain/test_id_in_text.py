"""A whole identity number typed or pasted into a free-text field (姓名 "李秀英 1101…", 专业,
联系人, 地址) is refused: those fields are shown as they are in every list, on the return and
in the package, so the number would be printed unmasked. A masked number, a number with a
wrong check character, an 18-digit 统一社会信用代码 or a phone number is not taken for one."""

from __future__ import annotations

import pytest

from tests.domain.test_institution import good
from tests.domain.test_staff import FEMALE_ID, staff
from ylt_desktop.domain.codes import make_uscc, mask_id, ric_in_text
from ylt_desktop.domain.institution import validate_institution
from ylt_desktop.domain.staff import validate_staff

FULL_WIDTH = FEMALE_ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
RULE = "中含有居民身份证号码：身份证号码只能填在“证件号码”一栏"


def errors(problems) -> dict[str, str]:  # noqa: ANN001
    return {p.field: p.message for p in problems if p.is_error}


@pytest.mark.parametrize(
    "text",
    [f"李秀英 {FEMALE_ID}", f"李秀英{FEMALE_ID.lower()}", f"李秀英（{FULL_WIDTH}）", FEMALE_ID],
)
def test_an_identity_number_inside_is_found(text: str) -> None:
    assert ric_in_text(text)


@pytest.mark.parametrize(
    "text",
    [
        mask_id(FEMALE_ID),
        FEMALE_ID[:-1] + "1",  # wrong check character: not a number anyone holds
        make_uscc("12", "360428", "88139986"),  # all digits, no birth date inside
        "0792-2221234 13907921234",
        "李秀英",
        "",
        None,
        f"A{FEMALE_ID}",  # part of a longer code
    ],
)
def test_other_texts_are_not_taken_for_one(text: str | None) -> None:
    assert not ric_in_text(text)


def test_staff_name_and_specialty_with_an_identity_number_are_refused() -> None:
    found = errors(validate_staff(staff(name=f"李华 {FEMALE_ID}", specialty=f"内科{FEMALE_ID}")))
    assert found["name"].startswith(f"姓名{RULE}")
    assert found["specialty"].startswith(f"专业{RULE}")
    assert FEMALE_ID not in "".join(found.values())  # the message does not repeat it


def test_institution_contact_and_address_with_an_identity_number_are_refused() -> None:
    found = errors(
        validate_institution(good(contact=f"张三{FEMALE_ID}", address=f"青石镇 {FULL_WIDTH}"))
    )
    assert set(found) == {"contact", "address"}
    assert found["contact"].startswith(f"联系人{RULE}")
    assert found["address"].startswith(f"地址{RULE}")
    assert not errors(validate_institution(good(contact="张三", address="青石镇1号")))


def test_a_rotation_note_with_an_identity_number_is_refused() -> None:
    from ylt_desktop.domain.rotation import note_problems

    (problem,) = note_problems(f"王建 {FULL_WIDTH} 坐诊")
    assert problem.field == "note" and problem.message.startswith(f"备注{RULE}")
    assert FEMALE_ID not in problem.message
    assert note_problems("每周二、四坐诊 13907921234") == []
    assert note_problems(mask_id(FEMALE_ID)) == []


def test_an_agreements_title_and_termination_reason_with_an_identity_number_are_refused() -> None:
    import datetime as dt

    from tests.domain.test_agreement import agreement
    from ylt_desktop.domain.agreement import validate_agreement

    d = agreement(title=f"影像协议（联系人{FEMALE_ID}）", terminated_on=dt.date(2026, 6, 1),
                  termination_reason=f"负责人 {FULL_WIDTH} 调离")  # fmt: skip
    found = errors(validate_agreement(d))
    assert set(found) == {"title", "termination_reason"}
    assert found["title"].startswith(f"协议名称{RULE}")
    assert found["termination_reason"].startswith(f"终止原因{RULE}")
    assert FEMALE_ID not in "".join(found.values())


def test_agreement_terms_with_an_identity_number_are_refused() -> None:
    from ylt_desktop.domain.agreement import terms_problems

    (problem,) = terms_problems(f"甲方联系人：李秀英，{FEMALE_ID}")
    assert problem.is_error and problem.field == "terms"
    assert problem.message.startswith(f"协议条款{RULE}") and FEMALE_ID not in problem.message
    assert terms_problems("收费按省定标准，电话 0792-2221234") == []


def test_a_text_saved_before_the_rule_and_kept_as_it_was_is_a_warning() -> None:
    """Its volumes, dates and termination can still be saved (a member's package, an import of
    volumes cannot change the title), and the clerk is told; a changed text is refused."""
    from tests.domain.test_agreement import agreement
    from ylt_desktop.domain.agreement import terms_problems, validate_agreement

    title = f"影像协议 {FEMALE_ID}"
    old = agreement(title=title)
    kept = [p for p in validate_agreement(agreement(title=f" {title} "), stored=old)
            if p.field == "title"]  # fmt: skip
    assert [(p.is_error, p.message.startswith(f"协议名称{RULE}")) for p in kept] == [(False, True)]
    changed = validate_agreement(agreement(title=f"新{title}"), stored=old)
    assert errors(changed)["title"].startswith(f"协议名称{RULE}")
    assert not terms_problems(f"条款{FEMALE_ID}", stored=f"条款{FEMALE_ID}")[0].is_error
    assert terms_problems(f"条款{FEMALE_ID}", stored="条款")[0].is_error


def test_a_rotation_note_saved_before_the_rule_and_kept_is_a_warning() -> None:
    """As an agreement's texts: a note the write repeats as it was saved (an import
    repeating its 备注, a form saving the dates) is a warning; a new or changed one is
    refused; a new rotation (nothing stored) is refused as before."""
    from ylt_desktop.domain.rotation import note_problems

    note = f"王建 {FEMALE_ID} 坐诊"
    (kept,) = note_problems(f" {note}\u200b", stored=note)
    assert not kept.is_error and kept.field == "note" and kept.message.startswith(f"备注{RULE}")
    assert FEMALE_ID not in kept.message
    assert note_problems(f"王建 {FULL_WIDTH} 出诊", stored=note)[0].is_error  # changed
    assert note_problems(note, stored="王建 坐诊")[0].is_error  # the number is new
    assert note_problems(note, stored=None)[0].is_error  # a new rotation


def test_one_rule_for_kept_texts() -> None:
    """The agreement's and the rotation's kept texts share ``codes.unless_kept``."""
    from ylt_desktop.domain import agreement, codes, rotation

    assert agreement.unless_kept is codes.unless_kept is rotation.unless_kept
    assert not hasattr(agreement, "_unless_kept")


def test_an_other_measure_name_with_an_identity_number_is_refused() -> None:
    """其他's measure name is printed on 表4/表5 as the measure: refused when typed, a warning
    when an older program saved it and this change keeps it."""
    from tests.domain.test_agreement import agreement
    from ylt_desktop.domain.agreement import OTHER_KIND, validate_agreement

    name = f"随访{FEMALE_ID}"
    d = agreement(kind=OTHER_KIND, other_measure=name, volumes={})
    (problem,) = [p for p in validate_agreement(d) if p.field == "other_measure"]
    assert problem.is_error and problem.message.startswith(f"服务量指标名称{RULE}")
    assert FEMALE_ID not in problem.message
    old = agreement(kind=OTHER_KIND, other_measure=name, volumes={})
    (kept,) = [p for p in validate_agreement(d, stored=old) if p.field == "other_measure"]
    assert not kept.is_error
    changed = agreement(kind=OTHER_KIND, other_measure=f"新{name}", volumes={})
    assert errors(validate_agreement(changed, stored=old))["other_measure"].startswith(
        f"服务量指标名称{RULE}"
    )
    assert "other_measure" not in errors(
        validate_agreement(agreement(kind=OTHER_KIND, other_measure="家庭病床数", volumes={}))
    )
