"""The program's day's first start on a server database verifies the audit log's hash chain,
with the same warning as on an SQLite file; the second start that day does not check, the
first start of the next day does again (issue 17; ``store/server_daily.py``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from tests.conftest import pg_database
from tests.store.test_server_daily import _alter_entry
from ylt_desktop import app as app_module
from ylt_desktop.store import server_daily
from ylt_desktop.ui.main_window import MainWindow


@pytest.fixture
def demo_url(request, pg_cluster, pg_demo_template, tmp_path, monkeypatch) -> Iterator[str]:  # noqa: ANN001
    monkeypatch.setattr(server_daily, "marks_file", lambda: tmp_path / server_daily.FILE_NAME)
    with pg_database(pg_cluster, pg_demo_template, request) as url:
        yield url


def _start(qtbot, monkeypatch, url: str) -> list[int]:  # noqa: ANN001
    """The program's start on ``url`` as far as the attached window (signed in as the admin)."""
    from PySide6.QtWidgets import QApplication

    exits: list[int] = []
    monkeypatch.setattr(QApplication.instance(), "exit", exits.append)
    monkeypatch.setattr(app_module, "_ensure_consortium", lambda _w, db, _a: db)
    window = MainWindow()
    try:
        app_module._open_and_attach(QApplication.instance(), window,
                                    app_module.parse_args(["--db", url]))  # fmt: skip
        assert exits == [] and window.db is not None and window.db.on_server
        # The day's audit log check runs on a thread: its end is said and remembered.
        qtbot.waitUntil(lambda: getattr(window, "_ylt_verifying", None) is None, timeout=30_000)
    finally:
        if window.db is not None:
            window.db.close()
        window.close()
        window.deleteLater()
    return exits


def _warnings(answers) -> list[str]:  # noqa: ANN001
    return [text for kind, text in answers.shown if kind == "warning"]


def test_the_days_first_start_on_a_server_names_an_altered_entry(qtbot, demo_url, answers,
                                                                  monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    _alter_entry(demo_url, 12)
    _start(qtbot, monkeypatch, demo_url)
    (text,) = _warnings(answers)
    assert "操作日志第 12 条" in text and "请联系管理员核查" in text
    _start(qtbot, monkeypatch, demo_url)  # the same day: no check, no second warning
    assert len(_warnings(answers)) == 1
    # The last check was yesterday: today's first start checks again.
    marks = server_daily.marks_file()
    saved = json.loads(marks.read_text("utf-8"))
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    marks.write_text(json.dumps(dict.fromkeys(saved, yesterday)), "utf-8")
    _start(qtbot, monkeypatch, demo_url)
    assert len(_warnings(answers)) == 2 and "操作日志第 12 条" in _warnings(answers)[1]


def test_an_intact_log_says_nothing_at_the_days_first_start(qtbot, demo_url, answers,
                                                            monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    checked = []
    real = app_module._verify_audit_log
    monkeypatch.setattr(app_module, "_verify_audit_log",
                        lambda w, db: (checked.append(db.location), real(w, db)))  # fmt: skip
    _start(qtbot, monkeypatch, demo_url)
    _start(qtbot, monkeypatch, demo_url)
    assert len(checked) == 1 and answers.shown == []


def test_an_unreachable_server_at_start_is_said_in_chinese(qapp, pg_cluster, answers, tmp_path,
                                                           monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    monkeypatch.setattr(server_daily, "marks_file", lambda: tmp_path / server_daily.FILE_NAME)
    url = pg_cluster.url("ylt").replace(f"host={pg_cluster.dir}", f"host={tmp_path}")
    exits: list[int] = []
    monkeypatch.setattr(qapp, "exit", exits.append)
    window = MainWindow()
    try:
        app_module._open_and_attach(qapp, window, app_module.parse_args(["--db", url]))
    finally:
        window.close()
        window.deleteLater()
    assert exits == [2]
    ((kind, text),) = answers.shown
    assert kind == "critical" or kind == "warning"
    assert "无法连接数据库服务器：服务器没有运行" in text
    assert not server_daily.marks_file().exists()


def test_a_check_that_fails_at_start_is_done_again_at_the_next_start(qtbot, demo_url, answers,
                                                                     monkeypatch) -> None:  # noqa: ANN001  # fmt: skip
    """The check raises (or the program dies) between opening and its end: the day is not
    remembered, so the next start checks; a check that ends is remembered."""
    from ylt_desktop.store import audit_verify

    real = audit_verify.verify_chain

    def broken(session, **_kw):  # noqa: ANN001, ANN003, ANN202
        raise RuntimeError("the check stopped before its end")

    monkeypatch.setattr(audit_verify, "verify_chain", broken)
    _start(qtbot, monkeypatch, demo_url)  # the check stops on its thread: logged, still due
    assert not server_daily.marks_file().exists()
    checked = []
    monkeypatch.setattr(audit_verify, "verify_chain",
                        lambda s, **kw: (checked.append(True), real(s, **kw))[1])  # fmt: skip
    _start(qtbot, monkeypatch, demo_url)
    _start(qtbot, monkeypatch, demo_url)
    assert checked == [True] and answers.shown == []
    assert server_daily.marks_file().exists()
