"""A submitted quarter re-exports the figures that were signed, whatever changed since."""

from __future__ import annotations

import datetime as dt

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns import snapshot
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.store import institutions as store
from ylt_desktop.store import quarters
from ylt_desktop.store.models import QuarterSnapshot

Q = Quarter.last_finished(dt.date.today())


def table(ret, key: str):  # noqa: ANN001, ANN202
    return next(t for t in ret.tables if t.key == key)


def beds_total(session, **kw) -> int:  # noqa: ANN001
    ret = quarter_rows(session, Q, cover_fields={}, **kw)
    t = table(ret, "members")
    return t.total_row[[c.source for c in t.columns].index("beds_actual")]


def test_submitted_quarter_keeps_its_figures_until_reopened(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        before = beds_total(s)
        snapshot.submit(s, quarter=Q, by="审核员")
        lead = store.lead_institution(s)
        data = store.to_data(lead)
        data.beds_actual += 100
        store.update_institution(s, institution_id=lead.id, data=data)
    with demo_db.session() as s:
        assert beds_total(s) == before  # the signed figure
        quarters.reopen_quarter(s, quarter=Q, by="审核员", reason="更正床位")
    with demo_db.session() as s:
        assert s.get(QuarterSnapshot, str(Q)) is None  # cascaded with the lock
        assert beds_total(s) == before + 100


def test_snapshot_masks_ids_unless_whole_ones_are_asked_for(demo_db) -> None:  # noqa: ANN001
    with demo_db.session() as s:
        live_full = table(quarter_rows(s, Q, cover_fields={}, full_ids=True), "rotations").rows
        live_masked = table(quarter_rows(s, Q, cover_fields={}), "rotations").rows
        snapshot.submit(s, quarter=Q, by="审核员")
    with demo_db.session() as s:
        assert (
            table(quarter_rows(s, Q, cover_fields={}, full_ids=True), "rotations").rows == live_full
        )
        frozen_masked = table(quarter_rows(s, Q, cover_fields={}), "rotations").rows
    assert frozen_masked == live_masked
    assert live_full != live_masked  # there are rotations, and masking changed them


def test_dates_round_trip() -> None:
    records = {"x": [{"d": dt.date(2026, 7, 1), "n": 3, "f": 1.5, "s": "文本"}]}
    assert snapshot.loads(snapshot.dumps(records)) == records


def drop_the_lead(db) -> None:  # noqa: ANN001
    """An error the pre-export check reports: the quarter has no lead unit."""
    with db.session() as s:
        lead = store.lead_institution(s)
        data = store.to_data(lead)
        data.role = "成员单位"
        store.update_institution(s, institution_id=lead.id, data=data)


def test_submit_is_refused_while_the_check_finds_an_error(demo_db) -> None:  # noqa: ANN001
    import pytest

    from ylt_desktop.domain.problems import RuleViolation
    from ylt_desktop.store.models import QuarterEvent, QuarterLock

    drop_the_lead(demo_db)
    with demo_db.session() as s, pytest.raises(RuleViolation) as caught:
        snapshot.submit(s, quarter=Q, by="审核员")
    message = str(caught.value)
    assert f"{Q.label}的报表检查有 1 项错误" in message and "没有牵头单位" in message
    with demo_db.session() as s:
        assert s.get(QuarterLock, str(Q)) is None and s.get(QuarterSnapshot, str(Q)) is None
        assert s.query(QuarterEvent).count() == 0
