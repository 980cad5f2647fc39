"""Deletions travel: persons, a rotation, agreement volumes and operating figures a member
deleted since its last accepted package are deleted at the lead (删除 in the preview, IDs
masked, in the same transaction), unless another unit still reports the record (kept, said);
units the lead deleted leave the member's database with its next roster (kept, said, when the
member's own records still point at them)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.exchange.world import (
    PASSPHRASE,
    TODAY,
    A,
    B,
    Q,
    _person,
    _volume,
    enter_a,
    enter_b,
    lead_database,
    make_package,
    member_database,
    unit_ids,
)
from ylt_desktop.domain.figures import MemberFigures
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.exchange import apply_packages, make_roster, open_roster, preview_packages
from ylt_desktop.store import agreements, exchange, figures, institutions, rotations, staff
from ylt_desktop.store.models import (
    Agreement,
    MemberQuarterFigures,
    Rotation,
    Staff,
)


def _open(lead, path) -> None:  # noqa: ANN001
    previews = preview_packages(lead, [path], passphrase=PASSPHRASE)
    assert all(p.refusal is None for p in previews), [p.refusal for p in previews]
    apply_packages(lead, previews)


def _return(lead, name: str) -> None:  # noqa: ANN001
    with lead.session() as s:
        exchange.return_quarter(s, member_id=unit_ids(s)[name], quarter=Q, reason="请核对")


def _roster(lead, member, name: str, folder):  # noqa: ANN001, ANN202
    with lead.session() as s:
        path = make_roster(s, member_id=unit_ids(s)[name], passphrase=PASSPHRASE,
                           out_dir=folder)  # fmt: skip
    with member.session() as s:
        return open_roster(s, path, passphrase=PASSPHRASE)


def _imaging(db) -> dict[str, float]:  # noqa: ANN001
    with db.session() as s:
        a = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        return {v.measure: float(v.value) for v in a.volumes if v.quarter == str(Q)}


def _clear_imaging(db) -> None:  # noqa: ANN001
    with db.session() as s:
        a = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        data = agreements.to_data(a)
        data.volumes = {k: v for k, v in data.volumes.items() if k[0] != str(Q)}
        agreements.update_agreement(s, agreement_id=a.id, data=data)


@pytest.fixture
def reported(tmp_path):  # noqa: ANN001, ANN201
    """A reported two persons (one without rotations), 钱小红's 巡诊 at C, the imaging volume
    and its figures; the lead accepted, then returned the quarter."""
    lead = lead_database(tmp_path)
    a = member_database(lead, A, tmp_path)
    enter_a(a)
    with a.session() as s:
        _person(s, "吴小明", "男", 7, "医师", A)
    _open(lead, make_package(a, tmp_path / "1"))
    _return(lead, A)
    _roster(lead, a, A, tmp_path / "r2")
    yield lead, a
    a.close()
    lead.close()


def test_what_a_member_deleted_is_deleted_at_the_lead(reported, tmp_path) -> None:  # noqa: ANN001
    lead, a = reported
    with a.session() as s:
        for name in ("吴小明", "钱小红"):
            person = s.scalar(select(Staff).where(Staff.name == name))
            for r in s.scalars(select(Rotation).where(Rotation.staff_id == person.id)):
                rotations.delete_rotation(s, rotation_id=r.id)
            staff.delete_staff(s, staff_id=person.id)
        figures.save_figures(s, quarter=Q, members={unit_ids(s)[A]: MemberFigures()})
    _clear_imaging(a)
    from tests.exchange.test_refusals import dump

    before = dump(lead.path)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "2")], passphrase=PASSPHRASE)
    assert dump(lead.path) == before  # the preview's writes were rolled back
    assert preview.refusal is None and preview.conflicts == []
    removed = {(c.kind, c.label) for c in preview.changes if c.action == "删除"}
    kinds = sorted(k for k, _label in removed)
    assert kinds == ["figures", "rotations", "staff", "staff", "volumes"], removed
    labels = " ".join(label for _k, label in removed)
    assert "吴小明（" in labels and "钱小红（" in labels and "YX-2026-01" in labels
    assert "********" in labels and "19850" not in labels  # ID numbers masked
    counts = preview.counts()
    assert counts["staff"]["删除"] == 2 and counts["figures"]["删除"] == 1
    assert "删除 2" in " ".join(preview.summary_lines())

    apply_packages(lead, [preview])
    with lead.session() as s:
        names = set(s.scalars(select(Staff.name)))
        assert "吴小明" not in names and "钱小红" not in names and "赵建国" in names
        ids = unit_ids(s)
        assert s.scalar(select(func.count()).where(Rotation.from_id == ids[A])) == 0
        assert s.scalar(select(func.count()).where(Rotation.to_id == ids[A])) == 1  # the lead's
        assert s.scalar(
            select(func.count()).where(MemberQuarterFigures.institution_id == ids[A])
        ) == 0  # fmt: skip
    assert _imaging(lead) == {}


def test_a_record_another_unit_still_reports_is_kept_and_said(reported, tmp_path) -> None:  # noqa: ANN001
    lead, a = reported
    b = member_database(lead, B, tmp_path)
    enter_b(b)
    with b.session() as s:
        _volume(s, 120)  # B reports the same imaging volume as A did
    _open(lead, make_package(b, tmp_path / "b"))
    _clear_imaging(a)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "2")], passphrase=PASSPHRASE)
    (kept,) = [c for c in preview.changes if c.kind == "volumes"]
    assert kept.action == "不变" and "其他参与单位仍有报告" in kept.label
    apply_packages(lead, [preview])
    assert _imaging(lead) == {"影像诊断例数": 120.0}
    b.close()


def test_a_person_with_rotations_left_at_the_lead_is_kept_and_said(reported, tmp_path) -> None:  # noqa: ANN001
    """钱小红 also went to C in an earlier quarter (typed at the lead); A deletes her: her Q
    rotation goes, she stays, and the preview says why."""
    lead, a = reported
    with lead.session() as s:
        ids = unit_ids(s)
        person = s.scalar(select(Staff).where(Staff.name == "钱小红"))
        rotations.create_rotation(
            s,
            data=RotationData(staff_id=person.id, from_id=ids[A], to_id=ids["示例县大树镇东湖村卫生室"],
                              form="坐诊/巡诊", start=dt.date(2026, 4, 6), end=dt.date(2026, 6, 30),
                              quarters={"2026Q2": QuarterFigures(days=5)}),
            today=TODAY,
        )  # fmt: skip
    with a.session() as s:
        person = s.scalar(select(Staff).where(Staff.name == "钱小红"))
        for r in s.scalars(select(Rotation).where(Rotation.staff_id == person.id)):
            rotations.delete_rotation(s, rotation_id=r.id)
        staff.delete_staff(s, staff_id=person.id)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "2")], passphrase=PASSPHRASE)
    (said,) = [c for c in preview.changes if "钱小红" in c.label and c.kind == "staff"]
    assert said.action == "不变" and "仍有其人员流动记录" in said.label
    apply_packages(lead, [preview])
    with lead.session() as s:
        person = s.scalar(select(Staff).where(Staff.name == "钱小红"))
        assert person is not None
        assert [r.start for r in s.scalars(select(Rotation).where(Rotation.staff_id == person.id))] == [
            dt.date(2026, 4, 6)
        ]  # fmt: skip


def test_a_unit_the_lead_deleted_leaves_the_member_database(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    with lead.session() as s:
        for name in ("示例县新建村卫生室", "示例县旧村卫生室"):
            institutions.create_institution(
                s, data=InstitutionData(name=name, division="360428", category="村卫生室",
                                        joined=dt.date(2026, 1, 1))
            )  # fmt: skip
    a = member_database(lead, A, tmp_path)
    with a.session() as s:  # A sends a doctor to the second one, not yet reported
        ids = unit_ids(s)
        p = _person(s, "钱小红", "女", 2, "医师", A)
        rotations.create_rotation(
            s,
            data=RotationData(staff_id=p, from_id=ids[A], to_id=ids["示例县旧村卫生室"],
                              form="坐诊/巡诊", start=dt.date(2026, 7, 6),
                              quarters={str(Q): QuarterFigures(days=3)}),
            today=TODAY,
        )  # fmt: skip
    with lead.session() as s:
        for name in ("示例县新建村卫生室", "示例县旧村卫生室"):
            institutions.delete_institution(s, institution_id=unit_ids(s)[name])
    result = _roster(lead, a, A, tmp_path / "r2")
    assert result.removed_units == ["示例县新建村卫生室"]
    (kept,) = result.kept_units
    assert kept.startswith("示例县旧村卫生室") and "人员流动" in kept
    with a.session() as s:
        names = set(unit_ids(s))
        assert "示例县新建村卫生室" not in names and "示例县旧村卫生室" in names
    a.close()
    lead.close()


def test_a_person_moved_to_another_unit_is_moved_not_deleted(reported, tmp_path) -> None:  # noqa: ANN001
    """A moves 吴小明 (no rotations) to B: the package still carries him (the roster did not
    bring him), so the lead moves him too rather than reading him as deleted."""
    import dataclasses

    lead, a = reported
    with a.session() as s:
        person = s.scalar(select(Staff).where(Staff.name == "吴小明"))
        data = dataclasses.replace(staff.to_data(person), home_id=unit_ids(s)[B])
        staff.update_staff(s, staff_id=person.id, data=data)
    (preview,) = preview_packages(lead, [make_package(a, tmp_path / "2")], passphrase=PASSPHRASE)
    (moved,) = [c for c in preview.changes if "吴小明" in c.label]
    assert moved.action == "修改" and ("所属机构", A, B) in moved.fields
    assert not any(c.action == "删除" for c in preview.changes)
    apply_packages(lead, [preview])
    with lead.session() as s:
        person = s.scalar(select(Staff).where(Staff.name == "吴小明"))
        assert person.home_id == unit_ids(s)[B]
