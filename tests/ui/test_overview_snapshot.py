"""The overview shows its indicators before the pre-export check's counts, and a start on
unchanged data shows the overview saved last time before the database opens (issue #18)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import threading

import pytest

from tests.helpers.people import consortium
from ylt_desktop import app as app_module
from ylt_desktop.domain.figures import CountyFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns import check
from ylt_desktop.store import figures as store
from ylt_desktop.store.snapshot_key import file_fingerprint
from ylt_desktop.ui import first_page
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages import overview_snapshot
from ylt_desktop.ui.pages.overview import OverviewPage
from ylt_desktop.ui.pages.overview_snapshot import load_snapshot, snapshot_key, snapshot_path

Q = Quarter.last_finished(dt.date.today())
WAIT = 20_000  # ms a wait takes at most (a failing test, never a passing one, reaches it)


@pytest.fixture
def ids(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        found = consortium(s)
        store.save_figures(s, quarter=Q, county=CountyFigures(county_visits=20000))
    return found


def computed(qtbot, db) -> OverviewPage:  # noqa: ANN001
    """The overview computed once (which saves its snapshot)."""
    page = OverviewPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.computed, timeout=WAIT):
        page.refresh()
    return page


def early(qtbot, db_path) -> tuple[MainWindow, bool]:  # noqa: ANN001
    """A start's window before the database opens, and whether it shows the snapshot."""
    window = MainWindow()
    qtbot.addWidget(window)
    args = argparse.Namespace(db=db_path, demo=False, lang="zh_CN")
    return window, app_module._overview_before_opening(window, args)


def change_a_record(db) -> None:  # noqa: ANN001
    with db.session() as s:
        store.save_figures(s, quarter=Q, county=CountyFigures(county_visits=30000))


def test_indicators_are_shown_before_the_check_and_its_counts_follow(
    qtbot, db, ids, monkeypatch
) -> None:  # noqa: ANN001
    release = threading.Event()
    real = check.check_quarter

    def held(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        release.wait(WAIT / 1000)
        return real(*args, **kwargs)

    monkeypatch.setattr(check, "check_quarter", held)
    page = OverviewPage(db)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.indicators_shown, timeout=WAIT):
        page.refresh()
    assert page.busy and page.body.isEnabled()
    assert "报表检查：正在检查…" in page.state.text() and "个错误" not in page.state.text()
    assert page.table.rowCount() > 0 and page.indicator_text("primary_share") == "—"
    with qtbot.waitSignal(page.computed, timeout=WAIT):
        release.set()
    assert not page.busy
    assert re.search(r"报表检查：\d+ 个错误，\d+ 个警告", page.state.text())
    assert "正在检查" not in page.state.text()


def test_a_start_on_unchanged_data_shows_the_snapshot_then_computes_nothing(qtbot, db, ids) -> None:  # noqa: ANN001
    page = computed(qtbot, db)
    assert snapshot_path(db.path).is_file()
    window, shown = early(qtbot, db.path)
    assert shown
    early_page = window.pages["概览"]
    assert early_page.from_snapshot and early_page.db is None
    assert early_page.state.text() == page.state.text()
    assert early_page.view.rows == page.view.rows
    assert [c.values for c in early_page.charts] == [c.values for c in page.charts]
    assert window.stack.currentWidget() is early_page
    window.show()
    window.attach(db)  # the database opened: the data have not moved since
    assert window.pages["概览"] is early_page and early_page.db is db
    assert not early_page.busy and early_page._generation == 0 and early_page.from_snapshot


def test_a_record_written_between_two_starts_is_computed_again(qtbot, db, ids) -> None:  # noqa: ANN001
    computed(qtbot, db)
    change_a_record(db)
    assert not early(qtbot, db.path)[1]


def test_the_database_changed_after_the_snapshot_was_shown(qtbot, db, ids) -> None:  # noqa: ANN001
    """Written between the snapshot's check and the opening: recomputed once attached."""
    computed(qtbot, db)
    window, shown = early(qtbot, db.path)
    assert shown
    change_a_record(db)
    window.show()
    page = window.pages["概览"]
    with qtbot.waitSignal(page.computed, timeout=WAIT):
        window.attach(db)
    assert not page.from_snapshot and page.data is not None


def test_not_after_a_restore_of_another_history(qtbot, db, ids) -> None:  # noqa: ANN001
    """The same number of audit entries, another history (a backup restored, then one other
    change): the newest entry's hash tells them apart."""
    from ylt_desktop.store.backup import backup_copy
    from ylt_desktop.store.restore import restore_database

    backup = backup_copy(db.path, reason="manual")
    change_a_record(db)  # entry n+1, one history
    computed(qtbot, db)
    entry = file_fingerprint(db.path).entry
    restore_database(backup, db.path)
    assert file_fingerprint(db.path).entry < entry
    assert not early(qtbot, db.path)[1]
    with db.session() as s:  # entry n+1 again, another change
        store.save_figures(s, quarter=Q, county=CountyFigures(county_visits=12345))
    assert file_fingerprint(db.path).entry == entry
    assert not early(qtbot, db.path)[1]


def test_not_for_another_quarter_day_version_or_language(qtbot, db, ids, monkeypatch) -> None:  # noqa: ANN001
    computed(qtbot, db)
    found = file_fingerprint(db.path)
    assert load_snapshot(db.path, snapshot_key(found, str(Q), lang="zh_CN")) is not None
    assert load_snapshot(db.path, snapshot_key(found, str(Q.prev()), lang="zh_CN")) is None
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert load_snapshot(db.path, snapshot_key(found, str(Q), lang="zh_CN", today=tomorrow)) is None
    assert load_snapshot(db.path, snapshot_key(found, str(Q), lang="en")) is None
    monkeypatch.setattr(overview_snapshot, "__version__", "99.0")
    assert not early(qtbot, db.path)[1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: "\x00garbage{" + text,  # damaged
        lambda text: json.dumps({"key": json.loads(text)["key"], "view": {"rows": 3}}),
        lambda text: json.dumps([1, 2]),  # a foreign file
    ],
)
def test_a_damaged_snapshot_is_ignored(qtbot, db, ids, damage) -> None:  # noqa: ANN001
    computed(qtbot, db)
    path = snapshot_path(db.path)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert not early(qtbot, db.path)[1]
    page = computed(qtbot, db)  # computed as usual, and the snapshot written again
    assert page.view is not None and early(qtbot, db.path)[1]


def test_a_snapshot_that_cannot_be_written_bothers_nobody(qtbot, db, ids, caplog) -> None:  # noqa: ANN001
    snapshot_path(db.path).mkdir()  # the name is taken: the rename fails (as in a read-only folder)
    page = computed(qtbot, db)
    assert "报表检查：" in page.state.text() and "失败" not in page.state.text()
    assert "cannot save the overview snapshot" in caplog.text
    assert not early(qtbot, db.path)[1]
    assert not list(db.path.parent.glob(".*.tmp"))  # no half-written file left


def test_a_database_with_users_shows_nothing_before_the_sign_in(qtbot, demo_db) -> None:  # noqa: ANN001
    page = computed(qtbot, demo_db)
    assert file_fingerprint(demo_db.path).has_users
    window, shown = early(qtbot, demo_db.path)
    assert not shown and "概览" not in window.pages
    # Signed in (app._open_and_attach): the saved overview, then nothing to compute.
    assert first_page.show_saved_overview(window, demo_db.path, "zh_CN", signed_in=True)
    assert window.pages["概览"].state.text() == page.state.text()


def test_no_identity_number_is_in_the_snapshot(qtbot, demo_db) -> None:  # noqa: ANN001
    from ylt_desktop.store.models import Staff

    computed(qtbot, demo_db)
    text = snapshot_path(demo_db.path).read_text(encoding="utf-8")
    with demo_db.session() as s:
        numbers = [n for n in s.query(Staff.id_number) if n[0]]
        names = [n for (n,) in s.query(Staff.name)]
    assert numbers and not any(n[0] in text for n in numbers)
    # The key's hash (the newest audit entry's, hex) may hold 18 digits in a row by chance
    # (about 1 run in 100): it is not an identity number; everything else is searched.
    data = json.loads(text)
    assert re.fullmatch(r"[0-9a-f]{64}", data["key"].pop("hash"))
    assert not re.search(r"\d{17}[\dXx]", json.dumps(data, ensure_ascii=False))
    assert not any(name in text for name in names)  # no person at all, units only
    assert snapshot_path(demo_db.path).stat().st_mode & 0o077 == 0  # owner-only


def test_not_after_a_restore_of_another_database_without_audit_entries(qtbot, db, ids) -> None:  # noqa: ANN001
    """Backups without audit entries (their log empty: made before the log existed, whose
    restore creates it empty) name no history: two of them, with other data, must not share
    one snapshot."""
    import sqlite3

    from ylt_desktop.store.backup import backup_copy
    from ylt_desktop.store.restore import restore_database

    def without_log(path):  # noqa: ANN001, ANN202
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM audit_entry")
        conn.commit()
        conn.close()
        return path

    first = without_log(backup_copy(db.path, reason="manual"))
    with db.session() as s:  # a change the overview shows
        store.save_figures(
            s, quarter=Q, county=CountyFigures(county_visits=20000, resident_population=500000)
        )
    second = without_log(backup_copy(db.path, reason="manual"))
    restore_database(first, db.path)
    page = computed(qtbot, db)
    restore_database(second, db.path)
    window, shown = early(qtbot, db.path)
    assert not shown  # it would show the first backup's overview
    recomputed = computed(qtbot, db)
    assert recomputed.view.county_missing != page.view.county_missing  # the data did differ


def test_an_open_overview_recomputes_after_a_restore_between_databases_without_entries(
    qtbot, db, ids
) -> None:  # noqa: ANN001
    """The page is open on a database without audit entries; another program restores another
    such backup with other figures: the page's token moves (``audit.change_token`` of such a
    database comes from its data), so showing the page again computes the restored data; and
    still no snapshot is saved for either (no trustworthy key)."""
    import sqlite3

    from ylt_desktop.store.backup import backup_copy
    from ylt_desktop.store.restore import restore_database

    def without_log(path):  # noqa: ANN001, ANN202
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM audit_entry")
        conn.commit()
        conn.close()
        return path

    first = without_log(backup_copy(db.path, reason="manual"))
    with db.session() as s:  # the same rows, another value the overview shows
        store.save_figures(
            s, quarter=Q, county=CountyFigures(county_visits=20000, resident_population=500000)
        )
    second = without_log(backup_copy(db.path, reason="manual"))
    restore_database(first, db.path)
    page = computed(qtbot, db)
    assert not snapshot_path(db.path).exists()
    before = page.view.county_missing
    restore_database(second, db.path)
    with qtbot.waitSignal(page.computed, timeout=WAIT):
        page.refresh_if_changed()
    assert page.view.county_missing != before
    assert not snapshot_path(db.path).exists()


# --- another quarter chosen, then quit (issue: a wrong snapshot next time?) ------------------


def test_another_quarter_chosen_before_quitting_leaves_the_start_quarters_snapshot_true(
    qtbot, db, ids
) -> None:  # noqa: ANN001
    """The clerk turns 概览 to another quarter and quits: that quarter's overview is not saved
    (the file keeps the start quarter's, keyed with it), so the next start shows the start
    quarter's overview, exactly as computed afresh; and not at all once a record of the other
    quarter changed meanwhile."""
    page = computed(qtbot, db)
    saved = snapshot_path(db.path).read_bytes()
    with qtbot.waitSignal(page.computed, timeout=WAIT):
        page.quarter_box.set_quarter(Q.prev())  # the clerk's choice: computed at once
    assert page.view.quarter == str(Q.prev()) and page.view.rows != []
    assert snapshot_path(db.path).read_bytes() == saved  # never another quarter's view
    page.close()  # quitting
    window, shown = early(qtbot, db.path)
    assert shown
    start = window.pages["概览"]
    assert start.view.quarter == str(Q) and start.quarter_box.currentData() == str(Q)
    fresh = computed(qtbot, db).view
    assert start.view == fresh  # every figure and count as the data say now
    with db.session() as s:  # a record of the other quarter changes before the next start
        store.save_figures(s, quarter=Q.prev(), county=CountyFigures(county_visits=777))
    assert not early(qtbot, db.path)[1]


def test_a_computation_keys_its_snapshot_with_the_day_it_computed_for(
    qtbot, db, ids, monkeypatch
) -> None:  # noqa: ANN001
    """One day, read once when the computation starts, is both the check's day (its "quarter
    not over yet" depends on it) and the snapshot key's: a computation that runs past
    midnight is never saved under the next day's key."""
    seen: dict = {}
    real_check, real_key = check.check_quarter, overview_snapshot.snapshot_key

    def check_quarter(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen["check"] = kwargs.get("today")
        return real_check(*args, **kwargs)

    def snapshot_key(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen["key"] = kwargs.get("today")
        return real_key(*args, **kwargs)

    monkeypatch.setattr(check, "check_quarter", check_quarter)
    monkeypatch.setattr(overview_snapshot, "snapshot_key", snapshot_key)
    computed(qtbot, db)
    assert seen["check"] is not None and seen["key"] == seen["check"]
