"""``update_institutions`` (the import's bulk path) against ``update_institution`` row by row
(the ORM path) on random batches of changes to the same database: names passed between
rows, a row changed twice, levels and categories corrected, unchanged rows. Either both
refuse the same row (and the bulk path writes nothing), or both leave the same records,
versions, 等级变更记录 and audit entries (the same columns, old and new values, in the same
order: a unit's level correction and its rotations' new directions right after its own entry)
and a chain that verifies."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers.people import add_person
from tests.importing.conftest import INST_HEADER, write_book
from ylt_desktop.domain.codes import uscc_check_char
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.importing import import_file
from ylt_desktop.store import institutions as inst_store
from ylt_desktop.store import institutions_bulk as inst_bulk
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.db import open_database
from ylt_desktop.store.models import AuditEntry, Institution, InstitutionLevel
from ylt_desktop.store.rotations import create_rotation

NAMES = ["甲村卫生室", "乙卫生院", "丙村卫生室", "丁卫生院", "戊村卫生室"]
RANKS = [("村卫生室", "未定级"), ("乡镇卫生院", "一级"), ("乡镇卫生院", "二级")]
STAMPS = {"updated_at", "recorded_at", "created_at"}  # the database's clock


def _state(path: Path, mark: int) -> tuple[list, list, list]:
    db = open_database(path)
    try:
        with db.session() as s:
            records = s.execute(
                select(Institution.id, Institution.name, Institution.category, Institution.level,
                       Institution.beds_actual, Institution.version).order_by(Institution.id)
            ).all()  # fmt: skip
            levels = s.execute(
                select(InstitutionLevel.id, InstitutionLevel.institution_id,
                       InstitutionLevel.level, InstitutionLevel.category, InstitutionLevel.since)
                .order_by(InstitutionLevel.id)
            ).all()  # fmt: skip
            entries = []
            for e in s.scalars(
                select(AuditEntry).where(AuditEntry.id > mark).order_by(AuditEntry.id)
            ):
                old, new = (json.loads(v) if v else {} for v in (e.old_values, e.new_values))
                for values in (old, new):
                    for stamp in STAMPS & values.keys():
                        values[stamp] = "time"
                entries.append((e.id, e.action, e.table_name, e.record_id, old, new))
            assert verify_chain(s).ok
    finally:
        db.close()
    return [tuple(r) for r in records], [tuple(r) for r in levels], entries


@pytest.mark.sqlite_only  # copies of the file: SQLite; bulk_write has both engines' tests
def test_bulk_updates_write_what_the_orm_writes_row_by_row(tmp_path, lead_db) -> None:  # noqa: ANN001
    codes = [f"12360428MB123456{i}" for i in range(4)]
    codes = [c + uscc_check_char(c) for c in codes]
    rows = [[name, codes[i], "360428", *RANKS[i % 2], "公立", "成员单位", dt.date(2024, 1, 1), 3, 3]
            for i, name in enumerate(NAMES[:4])]  # fmt: skip
    path = write_book(tmp_path / "a.xlsx", [INST_HEADER, *rows])
    assert import_file(lead_db, "institutions", path, dry_run=False).new == 4
    with lead_db.session() as s:
        ids = list(s.scalars(select(Institution.id).order_by(Institution.id)))[1:]
        base = {i: inst_store.to_data(s.get(Institution, i)) for i in ids}
        # A rotation from each unit to the next: a corrected level or category re-derives
        # its direction (村 ↔ 乡: 下沉 / 上派 / 平级交流), audited after the unit's level entry.
        for n, inst_id in enumerate(ids):
            person = add_person(s, inst_id, seq=n + 1)
            data = RotationData(staff_id=person, from_id=inst_id, to_id=ids[(n + 1) % len(ids)],
                                form="坐诊/巡诊", start=dt.date(2025, 1, 1))  # fmt: skip
            create_rotation(s, data=data)
        mark = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    source = Path(lead_db.path)
    lead_db.close()
    rng = random.Random(18)
    compared = reranked = followed = redirected = 0
    for case in range(40):
        batch = []
        for _ in range(rng.randint(1, 5)):
            inst_id = rng.choice(ids)
            prev = next((d for i, d in reversed(batch) if i == inst_id), base[inst_id])
            category, level = rng.choice(RANKS)
            change = rng.choice(["name", "rank", "beds", "none", "all"])
            values = dict(vars(prev))
            if change in ("name", "all"):
                values["name"] = rng.choice(NAMES)
            if change in ("rank", "all"):
                values["category"], values["level"] = category, level
            if change in ("beds", "all"):
                values["beds_actual"] = values["beds_authorised"] = rng.randint(0, 9)
            batch.append((inst_id, InstitutionData(**values)))
        orm, bulk = tmp_path / f"orm{case}.sqlite", tmp_path / f"bulk{case}.sqlite"
        shutil.copy(source, orm)
        shutil.copy(source, bulk)
        orm_refused = bulk_refused = None
        db = open_database(orm)
        try:
            for n, (inst_id, data) in enumerate(batch):
                with db.session() as s:
                    try:
                        inst_store.update_institution(s, institution_id=inst_id, data=data)
                    except RuleViolation:
                        orm_refused = n
                        break
        finally:
            db.close()
        db = open_database(bulk)
        try:
            with db.session() as s:
                try:
                    inst_bulk.update_institutions(s, rows=batch)
                except RuleViolation as exc:
                    bulk_refused = exc.row
        finally:
            db.close()
        assert bulk_refused == orm_refused, (case, batch)
        if bulk_refused is None:
            (records, levels, entries), (orm_records, orm_levels, orm_entries) = (
                _state(bulk, mark),
                _state(orm, mark),
            )
            assert (records, levels) == (orm_records, orm_levels), (case, batch)
            # The same entries in the same order: a row's level correction and its rotations'
            # new directions follow the row's own entry, before the next row's.
            assert entries == orm_entries, (case, batch)
            compared += 1
            reranked += any(e[2] == "institution_level" for e in entries)
            tables = [e[2] for e in entries]
            followed += (
                "institution_level" in tables
                and "institution" in tables[tables.index("institution_level") :]
            )
            redirected += any(e[2] == "rotation" for e in entries)
        else:
            assert _state(bulk, mark)[0] == _state(source, mark)[0]  # nothing written
    assert compared >= 10  # enough batches went through to compare
    # ... among them corrected levels, with another row's entry after one, and rotations.
    assert reranked >= 5 and followed >= 3 and redirected >= 3, (reranked, followed, redirected)
