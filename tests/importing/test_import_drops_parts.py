"""An import that drops part rows logs their deletes: a 表4 re-import naming fewer recipients
(each dropped row has a delete entry holding its values; the chain holds). Both engines.

A 表2 re-import never drops a quarter row: a row whose new dates leave a stored quarter out is
refused (the quarter's figures would have to go), so the Core path's dropped rows are tested
through a member package (tests/exchange/test_dropped_parts_logged.py)."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from tests.importing.conftest import INST_HEADER, village, write_book
from ylt_desktop.importing import import_file
from ylt_desktop.store.audit_verify import verify_chain
from ylt_desktop.store.models import AgreementRecipient, AuditEntry

D = dt.date
AGR_HEADER = ["协议编号", "协议名称", "共享类型", "提供方", "接收方", "生效日期"]


def _rows(db, model) -> dict[str, dict]:  # noqa: ANN001
    table = model.__table__
    with db.session() as s:
        return {
            ",".join(str(row[c.name]) for c in table.primary_key.columns): dict(row)
            for row in s.execute(select(table)).mappings()
        }


def _mark(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0


def _deletes(db, mark: int, table: str) -> dict[str, dict]:  # noqa: ANN001
    with db.session() as s:
        assert verify_chain(s).ok
        stmt = select(AuditEntry).where(AuditEntry.id > mark, AuditEntry.action == "delete",
                                        AuditEntry.table_name == table)  # fmt: skip
        return {e.record_id: json.loads(e.old_values) for e in s.scalars(stmt)}


def _units(db, tmp_path, n: int) -> None:  # noqa: ANN001
    rows = [INST_HEADER, *(village(i) for i in range(1, n + 1))]
    report = import_file(db, "institutions", write_book(tmp_path / "i.xlsx", rows), dry_run=False)
    assert report.written


def test_an_agreements_reimport_with_fewer_recipients_logs_their_deletes(tmp_path, lead_db):  # noqa: ANN001
    _units(lead_db, tmp_path, 3)

    def book(name: str, recipients: str) -> object:
        rows = [AGR_HEADER] + [
            [f"XY-{i}", "影像协议", "区域医学影像中心", "示例县人民医院", recipients,
             D(2025, 1, 1)]
            for i in range(3)
        ]  # fmt: skip
        return write_book(tmp_path / name, rows)

    first = import_file(lead_db, "agreements", book("a.xlsx", "测试村1卫生室、测试村2卫生室、测试村3卫生室"),
                        dry_run=False)  # fmt: skip
    assert first.written and first.new == 3, [str(p) for p in first.problems]
    before, mark = _rows(lead_db, AgreementRecipient), _mark(lead_db)
    again = import_file(lead_db, "agreements", book("b.xlsx", "测试村2卫生室"), dry_run=False)
    assert again.written and again.changed == 3, [str(p) for p in again.problems]
    gone = sorted(set(before) - set(_rows(lead_db, AgreementRecipient)))
    assert len(gone) == 6
    logged = _deletes(lead_db, mark, "agreement_recipient")
    assert sorted(logged) == gone
    for rid in gone:
        assert logged[rid] == before[rid]
