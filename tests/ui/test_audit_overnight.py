"""操作日志 left open overnight (a clinic PC's program runs for days): its 到 date was fixed
when the page was built, so after midnight 刷新 never showed the day's entries, and the count
said none. A 到 left at today follows the day; one the clerk chose stays."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.ui.test_audit import fill
from ylt_desktop.ui.pages import audit as audit_page
from ylt_desktop.ui.pages.audit import AuditPage


def test_refresh_the_next_day_shows_the_days_entries(
    qtbot, db, monkeypatch: pytest.MonkeyPatch
) -> None:  # noqa: ANN001, E501
    today = dt.date.today()
    monkeypatch.setattr(audit_page, "_today", lambda: today - dt.timedelta(days=1))
    page = AuditPage(db)  # built yesterday
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    monkeypatch.setattr(audit_page, "_today", lambda: today)  # midnight has passed
    fill(db)  # today's work
    page.refresh_button.click()
    assert page.model.rowCount() == 4
    assert page.until.date().toPython() == today


def test_a_chosen_end_date_stays(qtbot, db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    today = dt.date.today()
    fill(db)
    page = AuditPage(db)
    qtbot.addWidget(page)
    chosen = today - dt.timedelta(days=3)
    page.until.setDate(audit_page._qdate(chosen))  # the clerk looks at an earlier period
    monkeypatch.setattr(audit_page, "_today", lambda: today + dt.timedelta(days=1))
    page.refresh_button.click()
    assert page.until.date().toPython() == chosen
    assert page.model.rowCount() == 0
