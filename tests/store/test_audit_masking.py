"""操作日志 masks identity numbers, and only them: an all-digit 18-character 统一社会信用代码
was masked as if it were one (123604********8663), so the log could not say which code a unit
had. A USCC field is never masked; in free text a number is masked when its check character
and birth date hold (an identity number), an ID field always (any type, any check)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.helpers.people import ric
from tests.store.test_audit import hospital
from ylt_desktop.domain.codes import check_uscc, make_uscc, mask_id
from ylt_desktop.domain.masking import is_identity_number, mask_id_numbers
from ylt_desktop.store import institutions as store
from ylt_desktop.store.audit_text import describe, details, masked_values, show
from ylt_desktop.store.models import AuditEntry

ALL_DIGITS = make_uscc("12", "360428", "88139986")  # 123604288813998663
# A real USCC whose digits also pass as an identity number (birth 1950-01-01, check 1).
LOOKS_LIKE_AN_ID = make_uscc("12", "110119", "50010118")
PERSON = ric(dt.date(1984, 7, 9), "女", 3)


def test_the_codes_are_what_the_tests_say() -> None:
    assert ALL_DIGITS.isdigit() and not check_uscc(ALL_DIGITS)
    assert not is_identity_number(ALL_DIGITS)  # digits 7–14 are no date
    assert LOOKS_LIKE_AN_ID.isdigit() and not check_uscc(LOOKS_LIKE_AN_ID)
    assert is_identity_number(LOOKS_LIKE_AN_ID)
    assert is_identity_number(PERSON) and not is_identity_number(PERSON[:-1] + "0")


def test_a_units_all_digit_uscc_reads_whole_in_the_audit_log(db) -> None:  # noqa: ANN001
    with db.session() as s:
        store.create_institution(s, data=hospital(uscc=ALL_DIGITS))
        (entry,) = s.scalars(select(AuditEntry).where(AuditEntry.table_name == "institution"))
        assert f"统一社会信用代码：{ALL_DIGITS}" in describe(entry, width=500)
        assert f"统一社会信用代码：{ALL_DIGITS}" in details(entry)
        assert masked_values(entry.new_values)["uscc"] == ALL_DIGITS  # ylt audit --json


def test_a_uscc_field_is_never_masked_even_when_its_digits_pass_for_an_id() -> None:
    assert show("institution", "uscc", LOOKS_LIKE_AN_ID) == LOOKS_LIKE_AN_ID
    stored = json.dumps({"uscc": LOOKS_LIKE_AN_ID, "name": "某医院"})
    assert masked_values(stored)["uscc"] == LOOKS_LIKE_AN_ID


def test_an_identity_number_in_free_text_is_still_masked_and_a_usccs_digits_are_not() -> None:
    note = f"王芳 {PERSON} 坐诊"
    shown = show("rotation", "note", note)
    assert PERSON not in shown and mask_id(PERSON) in shown
    assert show("institution", "address", f"原代码{ALL_DIGITS}") == f"原代码{ALL_DIGITS}"
    wrong_check = PERSON[:-1] + "0"  # no one holds it: shown as typed, as the lists show it
    assert show("rotation", "note", f"号码{wrong_check}") == f"号码{wrong_check}"
    stored = json.dumps({"note": note, "address": ALL_DIGITS, "id_number": wrong_check})
    values = masked_values(stored)
    assert values["note"] == f"王芳 {mask_id(PERSON)} 坐诊"
    assert values["address"] == ALL_DIGITS
    assert values["id_number"] == mask_id(wrong_check)  # an ID field: always masked


def test_log_lines_still_mask_anything_shaped_like_a_number() -> None:
    """A traceback may hold a mistyped number: the log formatter keeps masking broadly."""
    assert ALL_DIGITS not in mask_id_numbers(f"uscc={ALL_DIGITS}")
    assert PERSON[:-1] + "0" not in mask_id_numbers(PERSON[:-1] + "0")
