"""Submitting and reopening quarters (store/quarters.py), and the lock check for commands."""

from __future__ import annotations

import datetime as dt

import pytest

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import RuleViolation
from ylt_desktop.store import quarters

Q3 = Quarter(2026, 3)


def test_submit_locks_and_logs(db):  # noqa: ANN001
    with db.session() as s:
        assert not quarters.is_locked(s, Q3)
        quarters.submit_quarter(s, quarter=Q3, by="审核员甲")
        assert quarters.is_locked(s, Q3) and quarters.is_locked(s, "2026Q3")
        assert not quarters.is_locked(s, Quarter(2026, 4))
        with pytest.raises(RuleViolation, match="已经报送"):
            quarters.submit_quarter(s, quarter=Q3, by="审核员甲")
        events = quarters.quarter_events(s, Q3)
        assert [(e.action, e.by) for e in events] == [("submit", "审核员甲")]


def test_reopen_needs_reason_and_is_logged(db):  # noqa: ANN001
    with db.session() as s:
        quarters.submit_quarter(s, quarter=Q3, by="甲")
        with pytest.raises(RuleViolation) as exc:
            quarters.reopen_quarter(s, quarter=Q3, by="乙", reason=" ")
        assert [p.field for p in exc.value.problems] == ["reason"]
        assert quarters.is_locked(s, Q3)
        quarters.reopen_quarter(s, quarter=Q3, by="乙", reason="更正下沉天数")
        assert not quarters.is_locked(s, Q3)
        log = [(e.action, e.by, e.reason) for e in quarters.quarter_events(s, Q3)]
        assert log == [("submit", "甲", ""), ("reopen", "乙", "更正下沉天数")]
        with pytest.raises(RuleViolation, match="尚未报送"):
            quarters.reopen_quarter(s, quarter=Q3, by="乙", reason="x")


def test_locked_quarters_touching(db):  # noqa: ANN001
    d = dt.date
    with db.session() as s:
        quarters.submit_quarter(s, quarter=Q3, by="甲")
        quarters.submit_quarter(s, quarter=Quarter(2025, 4), by="甲")
        assert quarters.locked_quarters_touching(s, d(2026, 9, 30), d(2026, 10, 5)) == [Q3]
        assert quarters.locked_quarters_touching(s, d(2026, 10, 1), None) == []
        assert quarters.locked_quarters_touching(s, d(2025, 12, 31), None) == [Quarter(2025, 4), Q3]
        assert quarters.locked_quarters_touching(s, d(2026, 1, 1), d(2026, 6, 30)) == []
        problems = quarters.lock_problems(s, d(2026, 8, 1), None)
        assert len(problems) == 1 and "2026年第3季度" in problems[0].message
        assert "审核人" in problems[0].message and "重新打开" in problems[0].message
        with pytest.raises(RuleViolation):
            quarters.refuse_if_locked(s, d(2026, 7, 1), d(2026, 7, 1))
        quarters.refuse_if_locked(s, d(2026, 4, 1), d(2026, 6, 30))  # Q2 is free
        assert quarters.quarter_keys_locked(s, ["2026Q2", "2026Q3"]) == [Q3]
