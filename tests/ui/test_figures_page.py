"""The 运行指标 grid and the 概览 page: typed and pasted figures are checked cell by cell,
saved, and the overview's indicators follow."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

from tests.helpers.people import consortium
from ylt_desktop.domain.figures import CountyFigures
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import figures as store
from ylt_desktop.store.quarters import submit_quarter
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages.figures import FiguresPage
from ylt_desktop.ui.widgets.chart import LineChart, nice_max
from ylt_desktop.ui.widgets.figure_grid import parse_block, parse_cell

Q = Quarter.last_finished(dt.date.today())


@pytest.fixture
def ids(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        found = consortium(s)
        store.save_figures(s, quarter=Q, county=CountyFigures(county_visits=20000))
    return found


def cell(page: FiguresPage, unit_id: int, key: str):  # noqa: ANN201
    row = [u.id for u in page.units].index(unit_id)
    col = [f.key for f in page.members.fields].index(key)
    return page.members.index(row, col)


def type_into(qtbot, view, index, text: str) -> None:  # noqa: ANN001
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClicks(view, text[0])  # the first key opens the editor, as in a spreadsheet
    editor = view.findChild(QLineEdit)
    assert editor is not None and editor.text() == text[0]
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits from the event loop
    qtbot.waitUntil(lambda: view.model().data(index) == text)


def test_type_paste_and_the_overview_follows(qtbot, db, ids) -> None:  # noqa: ANN001
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles[0] == "概览" and "运行指标" in titles
    overview = window.pages["概览"]  # the first page
    qtbot.waitUntil(lambda: overview.data is not None)
    assert overview.indicator_text("primary_share") == "—"  # no member figures yet
    window.nav.setCurrentRow(titles.index("运行指标"))
    page = window.pages["运行指标"]
    assert page.quarter == Q
    type_into(qtbot, page.member_view, cell(page, ids["大树"], "visits"), "9000")
    with db.session() as s:
        assert store.member_figures(s, Q)[ids["大树"]].visits == 9000
    # A block copied from Excel: 青山's 诊疗人次, 其中中医类 (empty), 出院人次.
    QGuiApplication.clipboard().setText("3000\t\t10\r\n")
    page.member_view.setCurrentIndex(cell(page, ids["青山"], "visits"))
    qtbot.keyClick(page.member_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    with db.session() as s:
        got = store.member_figures(s, Q)[ids["青山"]]
    assert (got.visits, got.tcm_visits, got.discharges) == (3000, None, 10)
    window.nav.setCurrentRow(0)
    # (9000 + 3000) ÷ 20000 = 60.0 %
    qtbot.waitUntil(lambda: overview.indicator_text("primary_share") == "60.0%")
    # The year so far lacks the earlier quarters' figures: 本年累计 and 达标 stay "—".
    assert overview.indicator_text("primary_share", "ytd") == "—"
    assert overview.indicator_text("primary_share", "met") == "—"
    assert "60.0%" in [overview.table.item(r, 1).text() for r in range(overview.table.rowCount())]
    chart = next(c for c in overview.charts if c.title == "基层诊疗量占比")
    assert chart.values[-1] == pytest.approx(60.0) and chart.target == 65


def test_a_bad_cell_is_red_with_its_rule_and_not_saved(qtbot, db, ids) -> None:  # noqa: ANN001
    page = FiguresPage(db)
    qtbot.addWidget(page)
    page.show()
    QGuiApplication.clipboard().setText("100\t200")  # 中医类 > 诊疗人次
    page.member_view.setCurrentIndex(cell(page, ids["县医院"], "visits"))
    page.member_view.paste(QGuiApplication.clipboard().text())
    index = cell(page, ids["县医院"], "tcm_visits")
    assert "不能大于诊疗人次 100" in page.members.data(index, Qt.ItemDataRole.ToolTipRole)
    assert page.members.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert "有错误，未保存" in page.status.text()
    with db.session() as s:
        assert ids["县医院"] not in store.member_figures(s, Q)
    type_into(qtbot, page.member_view, index, "50")  # fixed: saved
    with db.session() as s:
        assert store.member_figures(s, Q)[ids["县医院"]].tcm_visits == 50
    page.member_view.setCurrentIndex(cell(page, ids["县医院"], "discharges"))
    page.member_view.paste("十二")
    tip = page.members.data(cell(page, ids["县医院"], "discharges"), Qt.ItemDataRole.ToolTipRole)
    assert "出院人次须为整数" in tip


def test_a_locked_quarter_is_read_only(qtbot, db, ids) -> None:  # noqa: ANN001
    with db.session() as s:
        submit_quarter(s, quarter=Q, by="审核人")
    page = FiguresPage(db)
    qtbot.addWidget(page)
    assert "已报送并锁定" in page.lock_label.text()
    index = cell(page, ids["大树"], "visits")
    assert not page.members.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert page.member_view.paste("5") == []


def test_cells_blocks_and_chart_scale() -> None:
    assert [parse_cell(t) for t in ("", " 12,000 ", "１２", "7.0", "x")] == [
        None,
        12000,
        12,
        7,
        "x",
    ]
    assert parse_block("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert [nice_max(v) for v in (0, 0.7, 66, 99, 101)] == [1, 1, 100, 100, 200]


def test_chart_leaves_a_gap_for_a_missing_value(qtbot) -> None:  # noqa: ANN001
    chart = LineChart("基层诊疗量占比", "%")
    qtbot.addWidget(chart)
    chart.resize(400, 220)
    chart.set_data(
        ["25Q1", "25Q2", "25Q3"], [50.0, None, 70.0], target=65, target_label="目标 ≥65%"
    )
    from PySide6.QtCore import QRectF

    pts = chart.points(QRectF(0, 0, 300, 100))
    assert pts[1] is None and pts[0].y() > pts[2].y()  # 50 lower than 70
    assert not chart.grab().isNull()


def test_an_admin_sets_the_consortium_s_target(qtbot, db, ids, monkeypatch) -> None:  # noqa: ANN001
    from ylt_desktop.ui.dialogs.targets import TargetsDialog
    from ylt_desktop.ui.pages.overview import OverviewPage

    overview = OverviewPage(db)
    qtbot.addWidget(overview)
    with qtbot.waitSignal(overview.computed):
        overview.refresh()
    assert overview.indicator_text("primary_share", "target") == "≥65%"
    dialogs: list[TargetsDialog] = []

    def run(dialog: TargetsDialog) -> int:
        dialogs.append(dialog)
        row = [s.key for s in dialog.specs].index("primary_share")
        dialog.table.item(row, 1).setText("55")
        dialog.table.item(row, 4).setText("示例县")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(TargetsDialog, "exec", run)
    with qtbot.waitSignal(overview.computed):
        overview.targets_button.click()
    assert overview.indicator_text("primary_share", "target") == "≥55%"
    assert overview.charts[0].target == 55
    # A bad value is refused with the indicator named, and nothing changes.
    shown: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", lambda *a: shown.append(a[2]))

    def bad(dialog: TargetsDialog) -> int:
        dialog.table.item(0, 1).setText("六十五")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(TargetsDialog, "exec", bad)
    overview.targets_button.click()
    name = dialogs[0].specs[0].name
    assert shown == [f"「{name}」的目标值须为数字（现为“六十五”）"]
    assert overview.indicator_text("primary_share", "target") == "≥55%"
    # A percentage above 100 is refused naming the indicator and the range.
    shown.clear()

    def too_high(dialog: TargetsDialog) -> int:
        row = [s.key for s in dialog.specs].index("primary_share")
        dialog.table.item(row, 1).setText("650")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(TargetsDialog, "exec", too_high)
    overview.targets_button.click()
    assert shown == ["「基层诊疗量占比」的目标值须在 0% 至 100% 之间（现为 650%）"]
    assert overview.indicator_text("primary_share", "target") == "≥55%"


def test_a_figures_problem_of_the_check_opens_the_grid(qtbot, db, ids) -> None:  # noqa: ANN001
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.open_record("figures", ids["大树"])
    assert window.stack.currentWidget() is window.pages["运行指标"]


def test_the_screen_chart_of_a_count_has_whole_number_ticks(qtbot) -> None:  # noqa: ANN001
    """The 概览's chart (and its print) takes the PDF's ticks: 0, 1, 2 persons, never 0.5."""
    chart = LineChart("晋升前基层服务满一年人数", "人")
    qtbot.addWidget(chart)
    chart.set_data(["25Q1", "25Q2", "25Q3"], [0.0, 1.0, 1.0])
    assert chart.ticks() == [0, 1, 2] and chart.axis_max() == 2
    assert not chart.grab().isNull()


def test_the_screen_chart_draws_a_falling_growth_below_zero(qtbot) -> None:  # noqa: ANN001
    """rev5: a negative 下转人次同比增长 was drawn at 0 (max(0, v)) on the 概览's chart."""
    from PySide6.QtCore import QRectF

    chart = LineChart("下转人次同比增长", "%")
    qtbot.addWidget(chart)
    chart.set_data(["25Q1", "25Q2", "25Q3"], [-12.5, 3.0, 8.0], target=10.0)
    plot = QRectF(48, 30, 300, 150)
    low, mid, high = (pt.y() for pt in chart.points(plot))
    zero = chart._y(plot, 0.0)
    assert plot.top() <= high < mid < zero < low <= plot.bottom()  # y grows downwards
    assert chart.ticks()[0] < 0 < chart.ticks()[-1]
    assert not chart.grab().isNull()
