"""Two clerks, one record (DESIGN.md §8): a save or delete based on an older version is refused
with "该记录已被他人修改" and the other's values; nothing committed is lost."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from ylt_desktop.store import agreements, institutions, rotations, staff, versions
from ylt_desktop.store.models import Agreement, Institution, Rotation, Staff


def _first(db, model):  # noqa: ANN001, ANN202
    with db.session() as s:
        return s.scalars(select(model).order_by(model.id).limit(1)).one()


def _version(db, model, record_id: int) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.get(model, record_id).version


def test_every_record_starts_at_version_one(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        for model in (Institution, Staff, Rotation, Agreement):
            assert set(s.scalars(select(model.version))) == {1}


def test_a_stale_institution_save_is_refused_with_the_others_values(demo_db) -> None:  # noqa: ANN001
    inst = _first(demo_db, Institution)
    seen = inst.version
    theirs = dataclasses.replace(institutions.to_data(inst), phone="0792-2600001")
    with demo_db.session() as b:  # the other clerk saves first
        institutions.update_institution(b, institution_id=inst.id, data=theirs, version=seen)
    mine = dataclasses.replace(institutions.to_data(inst), contact="诸葛明远")
    with demo_db.session() as a, pytest.raises(versions.RecordChanged) as refused:
        institutions.update_institution(a, institution_id=inst.id, data=mine, version=seen)
    exc = refused.value
    assert "该记录已被他人修改" in str(exc)
    assert exc.theirs["phone"] == "0792-2600001"
    assert exc.by == "admin" and exc.at is not None
    assert exc.version == seen + 1
    with demo_db.session() as s:  # nothing of mine written, nothing of theirs lost
        now = s.get(Institution, inst.id)
        assert (now.phone, now.contact) == ("0792-2600001", inst.contact)
        diffs = versions.differences(s, "institution", versions.form_values(mine), exc.theirs)
    by_label = {d.label: (d.mine, d.theirs) for d in diffs}
    assert by_label["联系电话"] == (inst.phone or "（空）", "0792-2600001")
    assert by_label["联系人"] == ("诸葛明远", inst.contact or "（空）")
    # Redone on top of theirs: saved.
    with demo_db.session() as a:
        redo = dataclasses.replace(mine, phone="0792-2600001")
        institutions.update_institution(a, institution_id=inst.id, data=redo, version=exc.version)
    with demo_db.session() as s:
        now = s.get(Institution, inst.id)
        assert (now.phone, now.contact, now.version) == ("0792-2600001", "诸葛明远", seen + 2)


def test_a_stale_staff_save_and_delete_are_refused(demo_db) -> None:  # noqa: ANN001
    person = _first(demo_db, Staff)
    seen = person.version
    with demo_db.session() as b:
        data = dataclasses.replace(staff.to_data(person), specialty="全科")
        staff.update_staff(b, staff_id=person.id, data=data, version=seen)
    mine = dataclasses.replace(staff.to_data(person), title="主任医师")
    with demo_db.session() as a, pytest.raises(versions.RecordChanged) as refused:
        staff.update_staff(a, staff_id=person.id, data=mine, version=seen)
    assert refused.value.theirs["specialty"] == "全科"
    with demo_db.session() as s:
        text = versions.as_text(
            versions.differences(s, "staff", versions.form_values(mine), refused.value.theirs)
        )
    assert person.id_number not in text  # masked everywhere a clerk reads
    with demo_db.session() as s:
        assert s.get(Staff, person.id).title == person.title


def test_a_stale_rotation_save_is_refused_when_only_a_quarter_changed(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        r = rotations.get_rotation(s, _first(demo_db, Rotation).id)
        data, seen = rotations.to_data(r), r.version
    key = sorted(data.quarters)[0]
    theirs = dataclasses.replace(data, quarters=dict(data.quarters))
    lectures = data.quarters[key].lectures + 9  # not what it was
    theirs.quarters[key] = dataclasses.replace(data.quarters[key], lectures=lectures)
    with demo_db.session() as b:
        rotations.update_rotation(b, rotation_id=r.id, data=theirs, version=seen)
    assert _version(demo_db, Rotation, r.id) == seen + 1  # a part's change moves the version
    mine = dataclasses.replace(data, quarters=dict(data.quarters))
    mine.quarters[key] = dataclasses.replace(data.quarters[key], rounds=7)
    with demo_db.session() as a, pytest.raises(versions.RecordChanged) as refused:
        rotations.update_rotation(a, rotation_id=r.id, data=mine, note="我的备注", version=seen)
    with demo_db.session() as s:
        diffs = versions.differences(
            s, "rotation", versions.form_values(mine, note="我的备注"), refused.value.theirs
        )
        stored = rotations.get_rotation(s, r.id).quarters
    labels = {d.label: (d.mine, d.theirs) for d in diffs}
    quarter = f"{key[:4]}年第{key[5]}季度"
    assert labels[f"{quarter} 讲座次数"] == (str(data.quarters[key].lectures), str(lectures))
    assert labels[f"{quarter} 查房次数"] == ("7", str(data.quarters[key].rounds))
    assert labels["备注"][0] == "我的备注"
    row = next(q for q in stored if q.quarter == key)
    assert (row.lectures, row.rounds) == (lectures, data.quarters[key].rounds)


def test_a_stale_agreement_save_and_delete_are_refused(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        a = agreements.get_agreement(s, _first(demo_db, Agreement).id)
        data, seen, terms = agreements.to_data(a), a.version, a.terms
    with demo_db.session() as b:
        agreements.update_agreement(
            b, agreement_id=a.id, data=dataclasses.replace(data, title="他人改的名称"),
            version=seen,
        )  # fmt: skip
    with demo_db.session() as s, pytest.raises(versions.RecordChanged) as refused:
        agreements.update_agreement(s, agreement_id=a.id, data=data, terms=terms, version=seen)
    assert refused.value.theirs["title"] == "他人改的名称"
    with demo_db.session() as s, pytest.raises(versions.RecordChanged) as gone:
        agreements.delete_agreement(s, agreement_id=a.id, version=seen)
    assert "未删除" in str(gone.value)
    with demo_db.session() as s:
        assert s.get(Agreement, a.id).title == "他人改的名称"


def test_a_delete_of_a_changed_record_is_refused(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        # A rotation is deletable (nothing points at it) unless its quarter is locked.
        r = rotations.get_rotation(s, _first(demo_db, Rotation).id)
        seen, data = r.version, rotations.to_data(r)
    with demo_db.session() as b:
        rotations.update_rotation(b, rotation_id=r.id, data=data, note="他人备注", version=seen)
    with demo_db.session() as s, pytest.raises(versions.RecordChanged) as refused:
        rotations.delete_rotation(s, rotation_id=r.id, version=seen)
    assert "该记录已被他人修改" in str(refused.value) and "未删除" in str(refused.value)
    assert refused.value.theirs["note"] == "他人备注"
    assert _version(demo_db, Rotation, r.id) == seen + 1  # still there
    with demo_db.session() as s:  # on the version now, the delete goes through
        rotations.delete_rotation(s, rotation_id=r.id, version=seen + 1)
        assert s.get(Rotation, r.id) is None


def test_a_long_lived_session_cannot_overwrite_with_its_stale_copy(demo_db) -> None:  # noqa: ANN001
    """A session that read the record earlier keeps it in its identity map (expire_on_commit
    is off): the UPDATE itself checks the version, so its stale copy never wins."""
    inst = _first(demo_db, Institution)
    with demo_db.session() as a:
        kept = a.get(Institution, inst.id)  # noqa: F841 - held, as a page holds its rows
        with demo_db.session() as b:
            data = dataclasses.replace(institutions.to_data(inst), contact="欧阳修远")
            institutions.update_institution(b, institution_id=inst.id, data=data)
        phone = "0792-2699999" if inst.phone != "0792-2699999" else "0792-2688888"
        mine = dataclasses.replace(institutions.to_data(inst), phone=phone)
        with pytest.raises(versions.RecordChanged) as refused:
            institutions.update_institution(a, institution_id=inst.id, data=mine)
    assert refused.value.theirs["contact"] == "欧阳修远"
    with demo_db.session() as s:
        now = s.get(Institution, inst.id)
        assert (now.contact, now.phone) == ("欧阳修远", inst.phone)


def test_a_save_without_changes_keeps_the_version(demo_db) -> None:  # noqa: ANN001
    inst = _first(demo_db, Institution)
    with demo_db.session() as s:
        institutions.update_institution(
            s, institution_id=inst.id, data=institutions.to_data(inst), version=inst.version
        )
    assert _version(demo_db, Institution, inst.id) == inst.version


def test_the_version_is_not_shown_in_the_audit_log(demo_db) -> None:  # noqa: ANN001
    from ylt_desktop.store.audit import describe, list_entries

    inst = _first(demo_db, Institution)
    with demo_db.session() as s:
        data = dataclasses.replace(institutions.to_data(inst), contact="司马光远")
        institutions.update_institution(s, institution_id=inst.id, data=data, version=1)
    with demo_db.session() as s:
        [entry] = list_entries(s, table="institution", action="update", limit=1)
        assert describe(entry) == f"联系人：{inst.contact or '（空）'} → 司马光远"


def test_existing_rows_start_at_one_after_the_migration(tmp_path) -> None:  # noqa: ANN001
    from alembic import command

    from ylt_desktop.store.db import alembic_config, make_engine, open_database

    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    command.upgrade(alembic_config(engine), "0009")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO institution (name, name_key, licence_no, division, category, level, "
            "ownership, role, joined, beds_authorised, beds_actual, health_tech_staff, doctors, "
            "nurses, address, contact, phone) VALUES ('甲村卫生室', '甲村卫生室', '', '360428', "
            "'村卫生室', '未定级', '公立', '成员单位', '2024-01-01', 0, 0, 0, 0, 0, '', '', '')"
        )
    engine.dispose()
    db = open_database(path)
    with db.session() as s:
        assert list(s.scalars(select(Institution.version))) == [1]
    db.close()


def test_a_stale_figures_row_is_refused_and_others_rows_save(db) -> None:  # noqa: ANN001
    import datetime as dt

    from tests.helpers.people import consortium
    from ylt_desktop.domain.figures import MemberFigures
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.store import figures

    q = Quarter.last_finished(dt.date.today())
    with db.session() as s:
        ids = consortium(s)
    a_id, b_id = ids["县医院"], ids["大树"]
    with db.session() as s:  # both clerks' grids read the quarter: no rows yet
        seen, county_seen = figures.figure_versions(s, q)
    assert (seen, county_seen) == ({}, None)
    with db.session() as s:  # clerk B saves the county hospital's row first
        figures.save_figures(s, quarter=q, members={a_id: MemberFigures(visits=900)},
                             versions={a_id: seen.get(a_id)})  # fmt: skip
    with db.session() as s, pytest.raises(versions.RecordChanged) as refused:
        figures.save_figures(s, quarter=q, members={a_id: MemberFigures(visits=100)},
                             versions={a_id: seen.get(a_id)})  # fmt: skip
    assert refused.value.theirs["visits"] == 900
    assert "表格已换为他人保存的值" in str(refused.value)
    with db.session() as s:  # another row of the same quarter: no conflict
        figures.save_figures(s, quarter=q, members={b_id: MemberFigures(visits=50)},
                             versions={b_id: seen.get(b_id)})  # fmt: skip
        stored = figures.member_figures(s, q)
    assert (stored[a_id].visits, stored[b_id].visits) == (900, 50)


def test_a_rotation_save_changing_its_units_and_dates_moves_the_version_once(demo_db) -> None:  # noqa: ANN001
    """One save, one version and one audit entry for the rotation: reading the units' levels
    (and its quarter rows) after the new values were set flushed half the row first."""
    from ylt_desktop.store.models import AuditEntry

    with demo_db.session() as s:
        r = rotations.get_rotation(s, _first(demo_db, Rotation).id)
        data, seen = rotations.to_data(r), r.version
        last = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    data = dataclasses.replace(data, from_id=data.to_id, to_id=data.from_id, quarters={})
    with demo_db.session() as s:
        rotations.update_rotation(s, rotation_id=r.id, data=data, version=seen)
    assert _version(demo_db, Rotation, r.id) == seen + 1
    with demo_db.session() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.id > last, AuditEntry.table_name == "rotation")
        ).all()
    assert [(e.action, e.record_id) for e in entries] == [("update", str(r.id))]
