"""The 运行指标 page of a member's database (成员库): its own unit's row only, no county grid.

Figures typed there into another unit's row or the county's never travelled in the member's
data package; the page offered all the consortium's rows and the county's, and the 概览 asked
for every unit's figures.
"""

from __future__ import annotations

from tests.exchange.world import A, Q
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages.figures import FiguresPage


def test_a_member_sees_its_own_row_and_no_county_grid(qtbot, member) -> None:  # noqa: ANN001
    page = FiguresPage(member)
    qtbot.addWidget(page)
    page.set_quarter(Q)
    page.show()
    assert [u.name for u in page.units] == [A]
    assert page.members.rowCount() == 1
    assert not page.county_view.isVisible()
    assert "牵头单位" in page.county_label.text()


def test_a_members_overview_asks_for_its_own_figures_only(qtbot, member) -> None:  # noqa: ANN001
    window = MainWindow(member)
    qtbot.addWidget(window)
    window.show()
    overview = window.pages["概览"]
    qtbot.waitUntil(lambda: overview.view is not None and overview.view.errors is not None)
    view = overview.view
    assert view.missing_count <= 1 and all(name == A for name, _ in view.missing)
    assert view.county_missing == []
