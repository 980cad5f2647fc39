"""专业 has a length limit like the other short texts of a person (姓名 30; the 执业证书编码
box takes 30): a Chinese message names the field, the limit and the length found."""

from __future__ import annotations

from tests.domain.test_staff import staff
from ylt_desktop.domain.problems import has_errors
from ylt_desktop.domain.staff import SPECIALTY_MAX, validate_staff


def test_a_specialty_over_the_limit_is_refused_naming_field_and_limit() -> None:
    too_long = "心" * (SPECIALTY_MAX + 1)
    (problem,) = [p for p in validate_staff(staff(specialty=too_long)) if p.is_error]
    assert problem.field == "specialty"
    assert problem.message == f"专业不得超过{SPECIALTY_MAX}个字符（现为{SPECIALTY_MAX + 1}个）"


def test_a_specialty_at_the_limit_is_taken_and_spaces_around_it_do_not_count() -> None:
    assert SPECIALTY_MAX == 30  # the column's String(30), as 姓名 and 执业证书编码
    assert not has_errors(validate_staff(staff(specialty="内" * SPECIALTY_MAX)))
    assert not has_errors(validate_staff(staff(specialty=f"　 {'内' * SPECIALTY_MAX}  ")))
