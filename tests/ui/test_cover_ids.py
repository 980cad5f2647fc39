"""The 季度报表 cover refuses a whole identity number typed into one of its fields: said under
the field (naming it, never the number), not remembered, and no export starts (nothing asked,
a box says why); taken out, the field is remembered again. A cover an older program saved
with one shows a warning and still exports."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.helpers.people import ric
from tests.helpers.typing import type_text
from tests.ui.test_returns_page import make_page
from ylt_desktop.store.cover import saved_cover
from ylt_desktop.store.settings import set_setting

PERSON = ric(dt.date(1984, 7, 9), "女", 3)
RULE = "封面“填表人”中含有居民身份证号码"


def _saved(db) -> dict:  # noqa: ANN001
    with db.session() as s:
        return saved_cover(s)


def test_an_identity_number_typed_on_the_cover_is_refused(qtbot, demo_db, monkeypatch, answers,
                                                          caplog) -> None:  # noqa: ANN001  # fmt: skip
    def no_folder(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("the export went on to ask for a folder")

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", no_folder)
    page = make_page(qtbot, demo_db)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)  # leaving a field is what saves it
    label = page.cover_box.problem_labels["preparer"]
    assert label.isHidden()
    type_text(qtbot, page.cover["preparer"], f"张敏 {PERSON}")
    assert not label.isHidden() and label.text().startswith(RULE)
    assert PERSON not in label.text()
    page.cover["phone"].setFocus()  # leaving the field: not remembered
    assert PERSON not in str(_saved(demo_db))
    page.both_button.click()
    ((kind, message),) = answers.shown
    assert kind == "warning" and message.startswith(RULE) and PERSON not in message
    assert page.worker is None  # no export started
    type_text(qtbot, page.cover["preparer"], "张敏")
    assert label.isHidden()
    page.cover["phone"].setFocus()
    assert _saved(demo_db)["preparer"] == "张敏"
    assert PERSON not in caplog.text


@pytest.mark.parametrize("typed", ["", "1"])
def test_a_cover_saved_before_the_rule_warns_and_saves(qtbot, demo_db, answers, typed) -> None:  # noqa: ANN001
    old = {"unit_head": "王建国", "preparer": f"张敏 {PERSON}"}
    with demo_db.session() as s:
        set_setting(s, key="return.cover", value=old)  # an older program saved it
    page = make_page(qtbot, demo_db)
    page.show()
    label = page.cover_box.problem_labels["preparer"]
    assert not label.isHidden() and label.text().startswith(RULE)
    qtbot.keyClicks(page.cover["phone"], f"0792222123{typed}")
    assert page._save_cover()  # noqa: SLF001 - what export and print do first
    assert answers.shown == []
    assert _saved(demo_db)["preparer"] == f"张敏 {PERSON}"
    assert _saved(demo_db)["phone"] == f"0792222123{typed}"


def test_print_and_preview_stop_at_a_refused_cover(qtbot, demo_db, monkeypatch, answers) -> None:  # noqa: ANN001
    page = make_page(qtbot, demo_db)
    built = []
    monkeypatch.setattr(page, "_allowed_return", lambda *a, **k: built.append(1))
    type_text(qtbot, page.cover["unit_head"], f"王建国{PERSON}")
    page.print_preview()
    assert page.print_direct() == 0
    assert built == []  # no return assembled, no dialog opened
    assert [kind for kind, _message in answers.shown] == ["warning", "warning"]
    assert all("封面“单位负责人”中含有居民身份证号码" in m and PERSON not in m
               for _kind, m in answers.shown)  # fmt: skip
