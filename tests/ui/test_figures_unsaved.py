"""The 运行指标 grid never drops what a clerk typed or pasted without saying so: a block
pasted where it does not fit is refused whole (it pasted the part that fit and said 已保存),
and rows held back by an error are not thrown away by choosing another quarter or closing
the window unless the clerk agrees."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.ui.test_figures_page import Q, cell, ids  # noqa: F401 - the fixture
from ylt_desktop.store import figures as store
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages.figures import FiguresPage

No, Yes = QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes


def _page(qtbot, db) -> FiguresPage:  # noqa: ANN001
    page = FiguresPage(db)
    qtbot.addWidget(page)
    page.show()
    return page


def _other_quarter(page: FiguresPage) -> int:
    i = page.quarter_box.currentIndex()
    return i - 1 if i > 0 else i + 1


def test_a_block_that_does_not_fit_is_refused_whole(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    page = _page(qtbot, db)
    last_row = len(page.units) - 1
    start = page.members.index(last_row, page.members.columnCount() - 2)
    page.member_view.setCurrentIndex(start)
    assert page.member_view.paste("1\t2\t3\n4\t5\t6\n") == []
    assert [kind for kind, _ in answers.shown] == ["warning"]
    message = answers.shown[0][1]
    assert "2 行 × 3 列" in message and "1 行 × 2 列" in message and "没有粘贴" in message
    assert all(v is None for v in page.members.row_values(last_row).values())
    with db.session() as s:
        assert store.member_figures(s, Q) == {}
    assert "已保存" not in page.status.text()
    # The same block where it fits is pasted and saved.
    page.member_view.setCurrentIndex(cell(page, ids["县医院"], "visits"))
    assert len(page.member_view.paste("100\t20\t3\n")) == 1
    with db.session() as s:
        assert store.member_figures(s, Q)[ids["县医院"]].visits == 100


def _type_a_bad_row(page: FiguresPage, unit_id: int) -> None:
    page.member_view.setCurrentIndex(cell(page, unit_id, "visits"))
    page.member_view.paste("100\t200\t5")  # 中医类 200 > 诊疗人次 100: held back
    assert "有错误，未保存" in page.status.text()


def test_another_quarter_asks_before_dropping_rows_with_errors(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    page = _page(qtbot, db)
    _type_a_bad_row(page, ids["县医院"])
    row = [u.id for u in page.units].index(ids["县医院"])
    answers.push(No)
    page.quarter_box.setCurrentIndex(_other_quarter(page))
    assert answers.shown[-1][0] == "question" and "示例县人民医院" in answers.shown[-1][1]
    assert page.quarter == Q  # stayed, with what was typed
    assert page.members.row_values(row)["tcm_visits"] == 200
    answers.push(Yes)
    page.quarter_box.setCurrentIndex(_other_quarter(page))
    assert page.quarter != Q  # the clerk chose to drop them


def test_closing_the_window_asks_before_dropping_rows_with_errors(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.titles().index("运行指标"))
    page = window.pages["运行指标"]
    _type_a_bad_row(page, ids["县医院"])
    answers.push(No)
    assert not window.close()
    assert window.isVisible() and "未保存" in answers.shown[-1][1]
    answers.push(Yes)
    assert window.close()


def test_nothing_is_asked_when_every_row_is_saved(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    page = _page(qtbot, db)
    page.member_view.setCurrentIndex(cell(page, ids["县医院"], "visits"))
    page.member_view.paste("100\t20")
    page.quarter_box.setCurrentIndex(_other_quarter(page))
    assert page.quarter != Q and answers.shown == []


def test_the_pages_read_again_ask_before_dropping_rows_with_errors(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    """Review of f57dc8b: MainWindow.refresh_pages (a package applied, a roster opened, 设置
    saved) reloaded the grid and dropped the rows held back by an error, unasked."""
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.titles().index("运行指标"))
    page = window.pages["运行指标"]
    _type_a_bad_row(page, ids["县医院"])
    row = [u.id for u in page.units].index(ids["县医院"])
    answers.push(No)
    window.refresh_pages()
    assert answers.shown[-1][0] == "question" and "示例县人民医院" in answers.shown[-1][1]
    assert page.members.row_values(row)["tcm_visits"] == 200  # kept
    answers.push(Yes)
    window.refresh_pages()
    assert page.members.row_values(row)["tcm_visits"] is None and not page.unsaved


def test_a_restore_asks_before_it_replaces_the_data(qtbot, db, ids, answers, monkeypatch) -> None:  # noqa: ANN001, F811
    """Review of f57dc8b: 恢复数据库 asked nothing first, restored, then closed the window:
    its closeEvent asked about the held-back rows only then, and 否 left the old window open
    beside the new one until deleteLater took it, rows and all. Now it asks before restoring;
    否 restores nothing and keeps the rows."""
    from PySide6.QtWidgets import QFileDialog

    from ylt_desktop.store.backup import backup_copy, list_backups
    from ylt_desktop.ui.dialogs.backup import restore_from_file

    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    window.nav.setCurrentRow(window.titles().index("运行指标"))
    page = window.pages["运行指标"]
    _type_a_bad_row(page, ids["县医院"])
    row = [u.id for u in page.units].index(ids["县医院"])
    saved = backup_copy(db.path, reason="manual")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved), ""))
    answers.push(Yes)  # 恢复数据库？
    answers.push(No)  # 放弃未保存的运行指标？
    assert restore_from_file(window) is None
    assert window.isVisible() and page.members.row_values(row)["tcm_visits"] == 200
    assert not any(b.reason == "before-restore" for b in list_backups(db.path))
    answers.push(Yes)
    answers.push(Yes)
    new = restore_from_file(window)
    qtbot.addWidget(new)
    assert new is not window and not window.isVisible()
    asked = [text for kind, text in answers.shown if kind == "question" and "未保存" in text]
    assert len(asked) == 2  # once per restore: not again when the old window closes
    new.db.close()
