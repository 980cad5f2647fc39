"""The store commands refuse a whole identity number in free text the forms show as typed:
a rotation's 备注 (single and bulk commands), with a message naming the field that does not
repeat the number; nothing is written. A rotation stored before the rule still reads."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.helpers.people import ric
from tests.store.test_rotations import TODAY, rotation, world  # noqa: F401 - fixture
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import rotations as store
from ylt_desktop.store import rotations_bulk
from ylt_desktop.store.models import Rotation
from ylt_desktop.store.tx import transaction

PERSON = ric(dt.date(1984, 7, 9), "女", 3)
RULE = "备注中含有居民身份证号码：身份证号码只能填在“证件号码”一栏"


def refused(exc: pytest.ExceptionInfo[RuleViolation]) -> dict[str, str]:
    found = {p.field: p.message for p in exc.value.problems if p.is_error}
    assert PERSON not in "".join(found.values())  # the message does not repeat it
    return found


def notes(db) -> list[str]:  # noqa: ANN001
    with db.session() as s:
        return sorted(s.scalars(select(Rotation.note)))


def test_a_rotation_note_with_an_identity_number_is_refused(db, world) -> None:  # noqa: ANN001, F811
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        store.create_rotation(s, data=rotation(world), note=f"王建 {PERSON}", today=TODAY)
    assert refused(exc)["note"].startswith(RULE)
    assert notes(db) == []
    with db.session() as s:
        rid = store.create_rotation(s, data=rotation(world), note="驻点", today=TODAY).id
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        store.update_rotation(s, rotation_id=rid, data=rotation(world), note=PERSON, today=TODAY)
    assert refused(exc)["note"].startswith(RULE)
    assert notes(db) == ["驻点"]


def test_the_bulk_commands_refuse_it_naming_the_row(db, world) -> None:  # noqa: ANN001, F811
    later = rotation(world, start=dt.date(2025, 6, 2), end=dt.date(2025, 6, 30))
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        rotations_bulk.create_rotations(
            s, rows=[(rotation(world), "驻点"), (later, f"（{PERSON}）")], today=TODAY
        )
    assert exc.value.row == 1 and refused(exc)["note"].startswith(RULE)
    assert notes(db) == []
    with db.session() as s:
        rid = store.create_rotation(s, data=rotation(world), note="驻点", today=TODAY).id
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        rotations_bulk.update_rotations(
            s, rows=[(rid, rotation(world), f"王建{PERSON}")], today=TODAY
        )
    assert exc.value.row == 0 and refused(exc)["note"].startswith(RULE)
    assert notes(db) == ["驻点"]


def test_a_note_stored_before_the_rule_still_reads_and_other_fields_still_change(db, world) -> None:  # noqa: ANN001, F811
    """An import without a 备注 column (note=None) leaves the stored note alone and is not
    refused for it; the rotation lists as before."""
    with db.session() as s:
        rid = store.create_rotation(s, data=rotation(world), note="驻点", today=TODAY).id
        with transaction(s):
            s.execute(update(Rotation).values(note=f"王建 {PERSON}"))
    later_end = rotation(world, end=dt.date(2025, 5, 30))
    with db.session() as s:
        store.update_rotation(s, rotation_id=rid, data=later_end, note=None, today=TODAY)
        rotations_bulk.update_rotations(s, rows=[(rid, rotation(world), None)], today=TODAY)
        (listed,) = store.list_rotations(s)
        assert listed.note == f"王建 {PERSON}"
