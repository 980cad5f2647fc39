"""A part row its record's collection drops (delete-orphan: a rotation's quarter row, an
agreement's recipient or volume) is logged as a delete of that row, in the same transaction
as the change, after the flush's inserts, updates and explicit deletes, ordered by table and
key; the chain holds and 操作日志 names the record it belonged to."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest
from sqlalchemy import delete, select

from tests.helpers.people import small_world
from tests.store.test_agreements import ids, imaging  # noqa: F401 - the fixture
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import agreements, agreements_bulk, rotations, rotations_bulk
from ylt_desktop.store.audit_text import describe, details, read_names
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.models import (
    Agreement,
    AgreementRecipient,
    AgreementVolume,
    AuditEntry,
    Rotation,
    RotationQuarter,
)
from ylt_desktop.store.tx import all_or_nothing

D = dt.date
TODAY = D(2026, 5, 20)


def newest(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def after(db, mark: int) -> list[AuditEntry]:  # noqa: ANN001
    with db.session() as s:
        found = list(
            s.scalars(select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id))
        )
        s.expunge_all()
        assert verify_chain(s).ok
    return found


def rows_of(db, model) -> dict[str, dict]:  # noqa: ANN001
    """Each row of ``model``'s table by the record id the log names it with, as the log
    shows its values."""
    table = model.__table__
    with db.session() as s:
        out = {}
        for row in s.execute(select(table)).mappings():
            rid = ",".join(str(row[c.name]) for c in table.primary_key.columns)
            out[rid] = {k: v for k, v in row.items()}
        return out


def assert_deleted_as_logged(before: dict, now: dict, found: list[AuditEntry], table: str) -> None:
    """Every row gone from ``table`` has a delete entry holding its values, and no other."""
    gone = sorted(set(before) - set(now))
    deletes = [e for e in found if e.action == "delete" and e.table_name == table]
    assert sorted(e.record_id for e in deletes) == gone and gone
    for e in deletes:
        old = json.loads(e.old_values)
        assert old == {k: v for k, v in before[e.record_id].items()}
        assert e.new_values is None


# --- rotations -----------------------------------------------------------------------


@pytest.fixture
def world(db) -> dict[str, int]:  # noqa: ANN001
    """The small consortium and one rotation over three quarters (2025Q4 to 2026Q2)."""
    with db.session() as s:
        ids = small_world(s)
        data = RotationData(
            staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"], form="派驻",
            start=D(2025, 11, 3), end=D(2026, 4, 30),
            quarters={"2026Q1": QuarterFigures(outpatient=40)},
        )  # fmt: skip
        ids["rotation"] = rotations.create_rotation(s, data=data, today=TODAY).id
    return ids


def shortened(db, rotation_id: int) -> RotationData:  # noqa: ANN001
    """The rotation ending in 2025Q4 again (2026Q1 and 2026Q2 dropped)."""
    with db.session() as s:
        data = rotations.to_data(s.get(Rotation, rotation_id))
    kept = {k: v for k, v in data.quarters.items() if k == "2025Q4"}
    return dataclasses.replace(data, end=D(2025, 12, 20), quarters=kept)


def test_a_rotation_form_dropping_quarters_logs_their_deletes(db, world) -> None:  # noqa: ANN001
    rid = world["rotation"]
    before, mark = rows_of(db, RotationQuarter), newest(db)
    with db.session() as s:
        version = s.get(Rotation, rid).version
        rotations.update_rotation(s, rotation_id=rid, data=shortened(db, rid), today=TODAY,
                                  version=version)  # fmt: skip
    found, now = after(db, mark), rows_of(db, RotationQuarter)
    assert len(now) == 1 and len(before) == 3
    assert_deleted_as_logged(before, now, found, "rotation_quarter")
    # The rotation's update, its kept quarter row's update, then the dropped rows by key.
    assert [(e.action, e.table_name) for e in found] == [
        ("update", "rotation"), ("update", "rotation_quarter"),
        ("delete", "rotation_quarter"), ("delete", "rotation_quarter"),
    ]  # fmt: skip
    dropped = [int(e.record_id) for e in found if e.action == "delete"]
    assert dropped == sorted(dropped)
    assert [json.loads(e.old_values)["quarter"] for e in found[2:]] == ["2026Q1", "2026Q2"]
    assert len({e.at for e in found}) == 1  # one flush, one transaction
    with db.session() as s:
        assert s.get(Rotation, rid).version == version + 1


def test_the_core_bulk_update_logs_the_dropped_quarter_rows_too(db, world) -> None:  # noqa: ANN001
    rid = world["rotation"]
    before, mark = rows_of(db, RotationQuarter), newest(db)
    with db.session() as s:
        rotations_bulk.update_rotations(s, rows=[(rid, shortened(db, rid), None)], today=TODAY)
    found, now = after(db, mark), rows_of(db, RotationQuarter)
    assert_deleted_as_logged(before, now, found, "rotation_quarter")
    assert [(e.action, e.table_name) for e in found][-2:] == [("delete", "rotation_quarter")] * 2


def test_a_refused_transaction_logs_no_dropped_row(db, world) -> None:  # noqa: ANN001
    rid = world["rotation"]
    before, mark = rows_of(db, RotationQuarter), newest(db)
    with db.session() as s, pytest.raises(RuntimeError), all_or_nothing(s):
        rotations.update_rotation(s, rotation_id=rid, data=shortened(db, rid), today=TODAY)
        raise RuntimeError("the caller fails after the command")
    assert after(db, mark) == [] and rows_of(db, RotationQuarter) == before


def test_deleting_a_rotation_logs_its_quarter_rows_once(db, world) -> None:  # noqa: ANN001
    rid = world["rotation"]
    mark = newest(db)
    with db.session() as s:
        rotations.delete_rotation(s, rotation_id=rid)
    found = after(db, mark)
    assert sorted((e.action, e.table_name) for e in found) == [
        ("delete", "rotation")] + [("delete", "rotation_quarter")] * 3  # fmt: skip
    assert len({(e.table_name, e.record_id) for e in found}) == 4


def test_a_part_row_edited_then_dropped_is_logged_as_it_was_stored(db, world) -> None:  # noqa: ANN001
    """The DELETE writes no change first: the entry shows the row as stored, not the edit."""
    rid = world["rotation"]
    before, mark = rows_of(db, RotationQuarter), newest(db)
    with db.session() as s, s.begin():
        rotation = s.get(Rotation, rid)
        (row,) = [q for q in rotation.quarters if q.quarter == "2026Q1"]
        row.outpatient, row.days = 99, 1
        rotation.quarters.remove(row)
    (gone,) = after(db, mark)
    assert (gone.action, gone.table_name) == ("delete", "rotation_quarter")
    assert json.loads(gone.old_values) == before[gone.record_id]
    assert json.loads(gone.old_values)["outpatient"] == 40


def test_the_log_names_the_rotation_a_dropped_quarter_row_belonged_to(db, world) -> None:  # noqa: ANN001
    rid = world["rotation"]
    mark = newest(db)
    with db.session() as s:
        rotations.update_rotation(s, rotation_id=rid, data=shortened(db, rid), today=TODAY)
    found = [e for e in after(db, mark) if e.action == "delete"]
    with db.session() as s:
        names = read_names(s, found)
    text = describe(found[0], names=names)
    assert "人员流动：王建国 示例县人民医院→示例县大树镇卫生院（#" in text, text
    assert "季度：2026年第1季度" in text and "门急诊人次：40" in text, text
    lines = details(found[0], names=names)
    assert any(line.startswith("人员流动：王建国") for line in lines), lines
    assert not re.search(r"\d{17}[\dXx]", text + "".join(lines))  # no identity number


# --- agreements ----------------------------------------------------------------------


def test_removing_a_recipient_logs_its_delete(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s:
        aid = agreements.create_agreement(s, data=imaging(ids)).id
    before, mark = rows_of(db, AgreementRecipient), newest(db)
    data = imaging(ids, recipient_ids=[ids[1]], recipient_shares={ids[1]: 60.0})
    with db.session() as s:
        agreements.update_agreement(s, agreement_id=aid, data=data)
    found, now = after(db, mark), rows_of(db, AgreementRecipient)
    assert_deleted_as_logged(before, now, found, "agreement_recipient")
    (gone,) = [e for e in found if e.action == "delete"]
    assert gone.record_id == f"{aid},{ids[2]}"
    assert found[-1].record_id == gone.record_id  # after the updates
    with db.session() as s:
        names = read_names(s, [gone])
    text = describe(gone, names=names)
    assert "协议：YLT-2026-001 区域医学影像中心共享协议（#" in text, text
    assert "接收方：示例县大树镇卫生院（#" in text, text


def test_removing_and_replacing_volumes_logs_each_dropped_row_in_key_order(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s:
        aid = agreements.create_agreement(s, data=imaging(ids)).id
    before, mark = rows_of(db, AgreementVolume), newest(db)
    # The two quarters' volumes replaced by another quarter's (a new row, two dropped).
    data = imaging(ids, volumes={("2026Q3", "影像诊断例数"): 12})
    with db.session() as s:
        agreements.update_agreement(s, agreement_id=aid, data=data)
    found, now = after(db, mark), rows_of(db, AgreementVolume)
    assert_deleted_as_logged(before, now, found, "agreement_volume")
    # No column of the agreement changed: its version moves without an entry of its own.
    assert [(e.action, e.table_name) for e in found] == [
        ("insert", "agreement_volume"),
        ("delete", "agreement_volume"), ("delete", "agreement_volume"),
    ]  # fmt: skip
    dropped = [int(e.record_id) for e in found if e.action == "delete"]
    assert dropped == sorted(dropped)
    with db.session() as s:
        assert s.get(Agreement, aid).version == 2
        names = read_names(s, found)
    assert "协议：YLT-2026-001" in describe(found[-1], names=names)


def test_the_bulk_agreement_update_logs_dropped_parts_of_every_agreement(db, ids) -> None:  # noqa: ANN001, F811
    with db.session() as s:
        a1 = agreements.create_agreement(s, data=imaging(ids)).id
        a2 = agreements.create_agreement(s, data=imaging(ids, number="YLT-2026-002")).id
    before = {m: rows_of(db, m) for m in (AgreementRecipient, AgreementVolume)}
    mark = newest(db)
    rows = [
        (a2, imaging(ids, number="YLT-2026-002", volumes={}), None),
        (a1, imaging(ids, recipient_ids=[ids[1]], recipient_shares={ids[1]: 60.0}), None),
    ]
    with db.session() as s:
        agreements_bulk.update_agreements(s, rows=rows)
    found = after(db, mark)
    for model in (AgreementRecipient, AgreementVolume):
        table = model.__tablename__
        assert_deleted_as_logged(before[model], rows_of(db, model), found, table)
    deletes = [(e.table_name, tuple(map(int, e.record_id.split(","))))
               for e in found if e.action == "delete"]  # fmt: skip
    assert deletes == sorted(deletes) and len(deletes) == 3
    assert [e.action for e in found][-3:] == ["delete"] * 3


def test_an_old_log_without_the_dropped_rows_still_verifies_and_chains_on(db, world) -> None:  # noqa: ANN001
    """A database from before: a quarter row dropped without an entry (as flushes did). The
    chain never covered rows, so it verifies as it is; new entries chain after it."""
    rid = world["rotation"]
    with db.session() as s, s.begin():
        gone = s.scalar(select(RotationQuarter.id).where(RotationQuarter.quarter == "2026Q2"))
        s.execute(delete(RotationQuarter).where(RotationQuarter.id == gone))
    mark = newest(db)
    with db.session() as s:
        assert verify_chain(s).ok
        rotations.update_rotation(s, rotation_id=rid, data=shortened(db, rid), today=TODAY)
    found = after(db, mark)  # verifies the whole chain again
    assert [e.action for e in found if e.table_name == "rotation_quarter"][-1] == "delete"
    assert found[0].id == mark + 1
