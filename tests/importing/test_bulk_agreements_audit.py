"""The 表4 import's bulk path (new and changed agreements with their recipients and volumes,
written with Core statements and the audit entries a flush would write): all or nothing when
it fails late — the database refusing the last row of the last batch, the audit write of the
last batch, the commit — and a stale write refused as ``RecordChanged``, rolled back. Both
engines (``db`` is parametrized)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select

from tests.helpers import bulk_import_failures as failures
from tests.importing.conftest import INST_HEADER, dump, village, write_book
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.importing import import_file
from ylt_desktop.store import agreements_bulk
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.models import Agreement, AgreementVolume
from ylt_desktop.store.versions import RecordChanged

N = 1100  # three batches of apply.BATCH
Q = Quarter(2026, 1)
HEADER = ["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期", "本季度服务量"]
LAST = f"XY-{N - 1}"


def _rows(volume: int = 10, recipients: str = "测试村1卫生室、测试村2卫生室") -> list[list]:
    """``N`` agreements of the lead with two recipients and the quarter's volume."""
    return [HEADER] + [
        [f"XY-{i}", f"影像协议{i}", "区域医学影像中心", "示例县人民医院", recipients,
         dt.date(2025, 1, 1), f"影像诊断例数：{volume + i % 3}"]
        for i in range(N)
    ]  # fmt: skip


@pytest.fixture
def unit_db(lead_db, tmp_path):  # noqa: ANN001, ANN201
    rows = [INST_HEADER, village(1), village(2)]
    import_file(lead_db, "institutions", write_book(tmp_path / "i.xlsx", rows), dry_run=False)
    return lead_db


def _import(db, path):  # noqa: ANN001, ANN202
    return import_file(db, "agreements", path, dry_run=False, quarter=Q)


def _changed(db, tmp_path):  # noqa: ANN001, ANN202
    """The database with the ``N`` rows imported, and the same sheet with every row's volume
    changed and one recipient dropped (the bulk update path: updates and deletes)."""
    report = _import(db, write_book(tmp_path / "a.xlsx", _rows()))
    assert report.new == N, [str(p) for p in report.problems]
    return write_book(tmp_path / "b.xlsx", _rows(volume=50, recipients="测试村2卫生室"))


@pytest.mark.parametrize("change", [False, True])
def test_the_last_row_refused_by_the_database_leaves_it_as_it_was(
    tmp_path, unit_db, monkeypatch, change
):  # noqa: ANN001
    """The database itself refuses the last row of the last bulk statement (NOT NULL): the
    batches before it, written in the same transaction, are gone with it."""
    path = _changed(unit_db, tmp_path) if change else write_book(tmp_path / "n.xlsx", _rows())
    if change:
        spoil = lambda row: (row[0], {"value": None})  # noqa: E731
    else:
        spoil = lambda row: {**row, "quarter": None}  # noqa: E731
    failures.last_row_refused(unit_db, lambda: _import(unit_db, path), monkeypatch, n=N,
                              model=AgreementVolume, change=change, spoil=spoil)  # fmt: skip


@pytest.mark.parametrize("change", [False, True])
def test_a_failure_writing_the_audit_or_at_commit_leaves_the_database_as_it_was(
    tmp_path, unit_db, monkeypatch, change
):  # noqa: ANN001
    path = _changed(unit_db, tmp_path) if change else write_book(tmp_path / "n.xlsx", _rows())
    last = (
        select(AgreementVolume.id)
        .join(Agreement)
        .where(
            Agreement.number == LAST, AgreementVolume.value == (50 if change else 10) + (N - 1) % 3
        )
    )
    failures.audit_or_commit_failure(
        unit_db, lambda: _import(unit_db, path), monkeypatch, n=N, change=change,
        table="agreement_volume", last=last, written=last,
    )  # fmt: skip


def test_an_agreement_changed_meanwhile_refuses_the_import_and_changes_nothing(
    tmp_path, unit_db, monkeypatch
):  # noqa: ANN001
    """The bulk UPDATE checks each agreement's version as a flush does: one moved on since it
    was read (here: read as older) refuses the whole import as ``RecordChanged`` naming the
    kind, and the batches before it are rolled back."""
    path = _changed(unit_db, tmp_path)
    before = dump(unit_db)
    with unit_db.session() as s:
        newest = s.scalar(select(Agreement.id).order_by(Agreement.id.desc()).limit(1))
    real = agreements_bulk._stored

    def older(session, ids):  # noqa: ANN001, ANN202
        found = real(session, ids)
        if newest in found:
            found[newest].version -= 1
        return found

    monkeypatch.setattr(agreements_bulk, "_stored", older)
    with pytest.raises(RecordChanged, match="协议"):
        _import(unit_db, path)
    assert dump(unit_db) == before


def test_the_bulk_path_writes_with_core_statements_only(tmp_path, unit_db) -> None:  # noqa: ANN001
    """New and changed rows reach the database without the unit of work (no flush writes an
    agreement, a recipient or a volume), and the chain verifies."""
    flushed = []

    def seen(session, _ctx) -> None:  # noqa: ANN001
        flushed.extend(type(o).__name__ for o in (*session.new, *session.dirty, *session.deleted))

    event.listen(unit_db.sessions, "after_flush", seen)
    try:
        path = _changed(unit_db, tmp_path)
        assert _import(unit_db, path).changed == N
    finally:
        event.remove(unit_db.sessions, "after_flush", seen)
    assert not {"Agreement", "AgreementRecipient", "AgreementVolume"} & set(flushed), flushed
    with unit_db.session() as s:
        assert verify_chain(s).ok


def test_an_import_writes_the_rows_and_entries_of_its_rows_written_one_by_one(
    tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    """A 表4 sheet of new, changed (volume, title, fewer or more recipients) and unchanged
    rows imported through the bulk commands and, on a twin database, with every row written
    by the single commands (``apply._write_many`` row by row): every table's rows, versions
    moved once per changed agreement, the audit entries (inserts in order, each record's
    updates and deletes in order, the log replayed gives the rows; tests/helpers/audit_guard)
    and chains that verify."""
    import shutil

    from tests.helpers import audit_guard as guard
    from tests.helpers.databases import Twins
    from ylt_desktop.domain.institution import InstitutionData
    from ylt_desktop.importing import apply
    from ylt_desktop.store import institutions as inst_store

    def seed(db) -> None:  # noqa: ANN001
        lead = InstitutionData(name="示例县人民医院", uscc="12100000400010398P",
                               division="360428", category="综合医院", level="二级甲等",
                               joined=dt.date(2020, 1, 1))  # fmt: skip
        with db.session() as s:
            inst_store.initialize(s, name="测试医共体", kind="县域医共体", division="360428",
                                  lead=lead)  # fmt: skip
        units = [INST_HEADER, village(1), village(2), village(3)]
        import_file(db, "institutions", write_book(tmp_path / "i.xlsx", units), dry_run=False)
        first = [HEADER] + [
            [f"XY-{i}", f"影像协议{i}", "区域医学影像中心", "示例县人民医院",
             "测试村1卫生室、测试村2卫生室", dt.date(2025, 1, 1), f"影像诊断例数：{10 + i}"]
            for i in range(40)
        ]  # fmt: skip
        assert _import(db, write_book(tmp_path / "first.xlsx", first)).new == 40
        shutil.rmtree(db.path.parent / "backups")  # the imports' backups: the file alone

    recipients = ["测试村1卫生室、测试村2卫生室", "测试村2卫生室", "测试村1卫生室、测试村3卫生室",
                  "测试村3卫生室、测试村2卫生室、测试村1卫生室"]  # fmt: skip
    rows = [HEADER]
    for i in range(60):  # 40 stored (some unchanged), 20 new, in a mixed order
        n = (i * 7) % 60
        title = f"影像协议{n}" if i % 5 else f"影像协议{n}（续签）"
        volume = 10 + n if i % 4 == 0 else 100 + n
        rows.append([f"XY-{n}", title, "区域医学影像中心", "示例县人民医院",
                     recipients[i % 4], dt.date(2025, 1, 1), f"影像诊断例数：{volume}"])  # fmt: skip
    sheet = write_book(tmp_path / "second.xlsx", rows)
    twins = Twins(tmp_path, seed)
    dbs = twins.pair("import")
    befores = [guard.snapshot(x) for x in dbs]
    after_id = guard.mark(dbs[0])
    assert guard.mark(dbs[1]) == after_id
    report = _import(dbs[0], sheet)
    assert report.written and (report.new, report.rejected) == (20, 0), report.counts
    assert report.changed > 20 and report.unchanged > 0, report.counts
    monkeypatch.setattr(apply, "_write_many",
                        lambda session, planner, run: [apply._write(session, planner, p)
                                                       for p in run])  # fmt: skip
    alone = _import(dbs[1], sheet)
    assert (alone.new, alone.changed, alone.unchanged) == (
        report.new, report.changed, report.unchanged)  # fmt: skip
    sides = []
    for x, before in zip(dbs, befores, strict=True):
        entries = guard.written(x, before, after_id)
        guard.versions_moved(before, guard.snapshot(x), entries)
        sides.append(entries)
    assert any(e[0] == "delete" for e in sides[0]) and any(e[0] == "insert" for e in sides[0])
    assert guard.comparable(guard.snapshot(dbs[0])) == guard.comparable(guard.snapshot(dbs[1]))
    guard.same_writes(*sides)
    for x in dbs:
        x.close()
