"""The store commands refuse a whole identity number in free text the forms show as typed:
a rotation's 备注, an agreement's 协议名称, 协议条款 and 终止原因 (single and bulk commands),
with a message naming the field that does not repeat the number; nothing is written. A record
stored before the rule still reads and exports, and its other fields still change."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from tests.helpers.people import ric
from tests.store.test_agreements import ids, imaging  # noqa: F401 - fixture
from tests.store.test_rotations import TODAY, rotation, world  # noqa: F401 - fixture
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import agreement_terms, agreements, agreements_bulk, rotations_bulk
from ylt_desktop.store import rotations as store
from ylt_desktop.store.models import Agreement, Rotation
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


def texts(db) -> list[tuple[str, str, str]]:  # noqa: ANN001
    with db.session() as s:
        rows = s.execute(select(Agreement.title, Agreement.terms, Agreement.termination_reason))
        return sorted(map(tuple, rows))


def test_an_agreements_title_terms_and_reason_with_an_identity_number_are_refused(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements.create_agreement(s, data=imaging(ids, title=f"影像协议{PERSON}"))
    assert refused(exc)["title"].startswith("协议名称中含有居民身份证号码")
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements.create_agreement(s, data=imaging(ids), terms=f"联系人 {PERSON}")
    assert refused(exc)["terms"].startswith("协议条款中含有居民身份证号码")
    assert texts(db) == []
    with db.session() as s:
        aid = agreements.create_agreement(s, data=imaging(ids), terms="按次结算").id
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements.update_agreement(s, agreement_id=aid, data=imaging(ids), terms=PERSON)
    assert refused(exc)["terms"].startswith("协议条款中含有居民身份证号码")
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreement_terms.terminate_agreement(
            s, agreement_id=aid, on=dt.date(2026, 7, 1), reason=f"负责人{PERSON}调离"
        )
    assert refused(exc)["termination_reason"].startswith("终止原因中含有居民身份证号码")
    assert texts(db) == [("区域医学影像中心共享协议", "按次结算", "")]


def test_the_bulk_agreement_commands_refuse_it_naming_the_row(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements_bulk.create_agreements(
            s, rows=[imaging(ids), imaging(ids, number="YLT-2", title=f"协议 {PERSON}")]
        )
    assert exc.value.row == 1 and refused(exc)["title"].startswith("协议名称中含有")
    assert texts(db) == []
    with db.session() as s:
        aid = agreements.create_agreement(s, data=imaging(ids)).id
    for data, terms, field in ((imaging(ids, title=f"{PERSON}"), None, "title"),
                               (imaging(ids), f"条款{PERSON}", "terms")):  # fmt: skip
        with db.session() as s, pytest.raises(RuleViolation) as exc:
            agreements_bulk.update_agreements(s, rows=[(aid, data, terms)])
        assert exc.value.row == 0 and field in refused(exc)
    assert texts(db) == [("区域医学影像中心共享协议", "", "")]


def test_an_agreement_saved_before_the_rule_still_takes_volumes_and_exports(db, ids) -> None:  # noqa: ANN001, F811
    """Its texts are the lead's (a member's package or an import of volumes cannot change
    them): the volumes are still written, with a warning; the return still shows it."""
    from ylt_desktop.returns.rows import quarter_rows

    title, terms = f"影像协议 联系人{PERSON}", f"联系人 {PERSON}"
    with db.session() as s:
        aid = agreements.create_agreement(s, data=imaging(ids)).id
        with transaction(s):  # an older program took them
            s.execute(update(Agreement).values(title=title, terms=terms))
    more = imaging(ids, title=title, volumes={("2026Q2", "影像诊断例数"): 500})
    with db.session() as s:
        problems = agreements.check_agreement(s, more, own_id=aid)
        assert [(p.field, p.is_error) for p in problems] == [("title", False)]
        agreements.update_agreement(s, agreement_id=aid, data=more, terms=terms)
        more.volumes[("2026Q2", "影像诊断例数")] = 510
        agreements_bulk.update_agreements(s, rows=[(aid, more, None)])
        agreement_terms.terminate_agreement(s, agreement_id=aid, on=dt.date(2026, 12, 1),
                                            reason="到期前终止")  # fmt: skip
    assert texts(db) == [(title, terms, "到期前终止")]
    with db.session() as s:
        ret = quarter_rows(s, Quarter(2026, 2), cover_fields={})
    assert any(title in map(str, row) for t in ret.tables for row in t.rows)


def test_a_note_stored_before_the_rule_and_repeated_is_a_warning(db, world, caplog) -> None:  # noqa: ANN001, F811
    """A write that repeats the stored note (an import with its 备注 column, the form saving
    the dates) goes through, single or bulk; a changed note with a number is refused."""
    note = f"王建 {PERSON}"
    with db.session() as s:
        rid = store.create_rotation(s, data=rotation(world), note="驻点", today=TODAY).id
        with transaction(s):  # an older program took it
            s.execute(update(Rotation).values(note=note))
    later_end = rotation(world, end=dt.date(2025, 5, 30))
    with db.session() as s:
        store.update_rotation(s, rotation_id=rid, data=later_end, note=f" {note} ", today=TODAY)
        assert s.get(Rotation, rid).end == dt.date(2025, 5, 30)
        rotations_bulk.update_rotations(s, rows=[(rid, rotation(world), note)], today=TODAY)
        assert s.get(Rotation, rid).end == rotation(world).end
    for write in (
        lambda s, text: store.update_rotation(
            s, rotation_id=rid, data=later_end, note=text, today=TODAY
        ),
        lambda s, text: rotations_bulk.update_rotations(
            s, rows=[(rid, later_end, text)], today=TODAY
        ),
    ):
        with db.session() as s, pytest.raises(RuleViolation) as exc:
            write(s, f"{note} 坐诊")
        assert refused(exc)["note"].startswith(RULE) and PERSON not in str(exc.value)
    assert notes(db) == [note]
    with db.session() as s:
        assert s.get(Rotation, rid).end == rotation(world).end
    assert PERSON not in caplog.text


def test_an_other_measure_with_an_identity_number_is_refused(db, ids) -> None:  # noqa: ANN001, F811
    """其他's measure name (printed on 表4/表5): refused when typed, single and bulk; one an
    older program saved still takes the agreement's other changes, with a warning."""
    name = f"随访{PERSON}"
    other = {"kind": "其他", "volumes": {}}
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements.create_agreement(s, data=imaging(ids, other_measure=name, **other))
    assert refused(exc)["other_measure"].startswith("服务量指标名称中含有居民身份证号码")
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements_bulk.create_agreements(s, rows=[imaging(ids, other_measure=name, **other)])
    assert exc.value.row == 0 and "other_measure" in refused(exc)
    with db.session() as s:
        aid = agreements.create_agreement(
            s, data=imaging(ids, other_measure="随访人次", **other)
        ).id
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements_bulk.update_agreements(
            s, rows=[(aid, imaging(ids, other_measure=name, **other), None)]
        )
    assert exc.value.row == 0 and "other_measure" in refused(exc)
    with db.session() as s, pytest.raises(RuleViolation) as exc:
        agreements.update_agreement(
            s, agreement_id=aid, data=imaging(ids, other_measure=name, **other)
        )
    assert "other_measure" in refused(exc)
    with db.session() as s:
        assert s.get(Agreement, aid).other_measure == "随访人次"
        with transaction(s):  # an older program took it
            s.execute(update(Agreement).values(other_measure=name))
    kept = imaging(ids, other_measure=name, **other)
    kept.volumes = {("2026Q2", name): 12}
    with db.session() as s:
        problems = agreements.check_agreement(s, kept, own_id=aid)
        assert [(p.field, p.is_error) for p in problems] == [("other_measure", False)]
        agreements.update_agreement(s, agreement_id=aid, data=kept)
        kept.volumes = {("2026Q2", name): 13}
        agreements_bulk.update_agreements(s, rows=[(aid, kept, None)])
    with db.session() as s:
        a = s.get(Agreement, aid)
        assert [(v.measure, v.value) for v in a.volumes] == [(name, 13)]
