"""``create_agreements`` (used by imports): the problems ``create_agreement`` would raise row by
row, all rows or none, one flush, one audit entry per new agreement and recipient."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from tests.store.test_agreements import ids, imaging  # noqa: F401 - the fixture
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import agreements as store
from ylt_desktop.store.models import Agreement, AgreementRecipient, AuditEntry


def test_rows_are_inserted_with_one_flush_and_audited(db, ids) -> None:  # noqa: ANN001, F811
    rows = [imaging(ids, number=f"YLT-{n}") for n in range(4)]
    flushes = []
    event.listen(db.sessions, "after_flush", lambda s, _ctx: flushes.append(len(s.new)))
    with db.session() as s:
        made = [a.id for a in store.create_agreements(s, rows=rows)]
    assert len(flushes) == 1
    with db.session() as s:
        assert sorted(s.scalars(select(Agreement.id))) == sorted(made)
        recipients = s.scalars(select(AgreementRecipient)).all()
        assert len(recipients) == 8 and {r.share for r in recipients} == {30.0}
        by_table = {}
        for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "insert")):
            by_table[e.table_name] = by_table.get(e.table_name, 0) + 1
        assert by_table["agreement"] == 4 and by_table["agreement_recipient"] == 8
        assert (
            by_table.get("agreement_volume", 0)
            == len(s.scalars(select(Agreement)).first().volumes) * 4
        )


@pytest.mark.parametrize(
    "bad",
    [
        {"number": "YLT-0"},  # the first row's number
        {"provider_id": 9999},
        {"recipient_ids": [9999]},
        {"kind": ""},
    ],
)
def test_a_bad_row_refuses_all_with_the_single_record_problems(db, ids, bad) -> None:  # noqa: ANN001, F811
    first = imaging(ids, number="YLT-0")
    row = imaging(ids, **{"number": "YLT-1", **bad})
    with db.session() as s:
        with pytest.raises(RuleViolation) as caught:
            store.create_agreements(s, rows=[first, row])
        assert caught.value.row == 1
        store.create_agreement(s, data=first)
        with pytest.raises(RuleViolation) as alone:
            store.create_agreement(s, data=row)
        assert caught.value.problems == alone.value.problems
    with db.session() as s:
        assert len(s.scalars(select(Agreement)).all()) == 1
