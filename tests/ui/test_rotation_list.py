"""The rotation list page over plain list rows: row texts, search, and opening a row by id."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox

from tests.helpers.people import small_world
from tests.helpers.typing import type_text
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotations as store
from ylt_desktop.store.models import Staff
from ylt_desktop.ui.pages import rotations as rotations_ui
from ylt_desktop.ui.pages.rotations import RotationsPage

TODAY = dt.date(2026, 5, 20)
HEADERS = ["姓名", "证件号码", "职称", "派出单位", "接收单位", "流动方向", "流动形式",
           "流动性质", "开始日期", "结束日期", "工作天数", "门急诊人次", "备注"]  # fmt: skip


@pytest.fixture
def world(db):  # noqa: ANN001, ANN201
    with db.session() as s:
        ids = small_world(s)
        ids["numbers"] = {s.get(Staff, ids[k]).id_number: k for k in ("王", "李")}
        ids["驻点"] = store.create_rotation(
            s,
            data=RotationData(
                staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"], form="派驻",
                start=dt.date(2026, 2, 10), end=dt.date(2026, 4, 9),
                quarters={"2026Q1": QuarterFigures(outpatient=120)},
            ),
            note="驻点帮扶",
            today=TODAY,
        ).id  # fmt: skip
        ids["坐诊"] = store.create_rotation(
            s,
            data=RotationData(
                staff_id=ids["李"], from_id=ids["大树"], to_id=ids["县医院"], form="坐诊/巡诊",
                start=dt.date(2026, 3, 2), end=None,
            ),
            today=TODAY,
        ).id  # fmt: skip
    return ids


def texts(page: RotationsPage) -> list[list[str]]:
    proxy = page.proxy
    return [
        [proxy.index(r, c).data() for c in range(proxy.columnCount())]
        for r in range(proxy.rowCount())
    ]


def masked(world: dict, who: str) -> str:
    number = next(n for n, k in world["numbers"].items() if k == who)
    return number[:6] + "*" * 8 + number[-4:]


def test_rows_show_the_same_texts(qtbot, db, world) -> None:  # noqa: ANN001
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    assert [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(13)] == HEADERS
    # Newest start first; the open part-time rotation lacks days, so its total is empty.
    assert texts(page) == [
        ["李秀英", masked(world, "李"), "医师", "示例县大树镇卫生院", "示例县人民医院",
         "上派", "坐诊/巡诊", "上派（其他）", "2026-03-02", "进行中", "", "0", ""],
        ["王建国", masked(world, "王"), "主治医师", "示例县人民医院", "示例县大树镇卫生院",
         "下沉", "派驻", "下沉", "2026-02-10", "2026-04-09", "59", "120", "驻点帮扶"],
    ]  # fmt: skip
    page.quarter.setCurrentIndex(2)
    assert page.quarter.currentText() == "2026年第1季度"
    assert [row[10:12] for row in texts(page)] == [["", "0"], ["50", "120"]]
    page.quarter.setCurrentIndex(1)  # 2026Q2: both touch it, the 派驻 one for 9 days
    assert [row[10:12] for row in texts(page)] == [["", "0"], ["9", "0"]]


def test_search_matches_shown_texts_only(qtbot, db, world) -> None:  # noqa: ANN001
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    type_text(qtbot, page.search, "帮扶")
    assert [row[0] for row in texts(page)] == ["王建国"]
    type_text(qtbot, page.search, masked(world, "李")[-4:])
    assert [row[0] for row in texts(page)] == ["李秀英"]
    hidden_digits = next(n for n, k in world["numbers"].items() if k == "王")[6:14]
    type_text(qtbot, page.search, hidden_digits)
    assert texts(page) == []  # the masked birth date is not searchable
    type_text(qtbot, page.search, "")
    assert page.proxy.rowCount() == 2


def select(qtbot, page: RotationsPage, name: str) -> None:  # noqa: ANN001
    row = [r[0] for r in texts(page)].index(name)
    page.table.selectRow(row)
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().staff_name == name)


def test_double_click_and_edit_open_the_record_by_id(qtbot, db, world, monkeypatch) -> None:  # noqa: ANN001
    opened: list[int | None] = []

    class FakeDialog:
        def __init__(self, _db, rotation_id=None, **_kw) -> None:  # noqa: ANN001, ANN003
            opened.append(rotation_id)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(rotations_ui, "RotationDialog", FakeDialog)
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    row = [r[0] for r in texts(page)].index("王建国")
    rect = page.table.visualRect(page.proxy.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: opened == [world["驻点"]])
    select(qtbot, page, "李秀英")
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert opened == [world["驻点"], world["坐诊"]]


def test_delete_names_the_row_and_reloads(qtbot, db, world, answers) -> None:  # noqa: ANN001
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    select(qtbot, page, "王建国")
    answers.push(QMessageBox.StandardButton.Yes)
    page.delete()
    assert "“王建国”的这条流动记录（示例县人民医院 → 示例县大树镇卫生院）" in answers.shown[0][1]
    assert [row[0] for row in texts(page)] == ["李秀英"]
    with db.session() as s:
        assert [r.id for r in store.list_rotations(s)] == [world["坐诊"]]


def test_shown_again_after_a_write_shows_the_new_texts(qtbot, db, world) -> None:  # noqa: ANN001
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    page.hide()
    with db.session() as s:
        data = store.to_data(store.get_rotation(s, world["坐诊"]))
        data.to_id = world["中医院"]
        store.update_rotation(
            s, rotation_id=world["坐诊"], data=data, note="改去中医院", today=TODAY
        )
    page.show()
    row = texts(page)[0]
    assert (row[4], row[5], row[12]) == ("示例县中医医院", "上派", "改去中医院")


def test_a_deleted_unit_chosen_in_the_filter_filters_no_more(qtbot, db, world) -> None:  # noqa: ANN001
    """The clerk filters by a unit, then deletes it on the institution page (it has no
    rotations): back on this page the filter reads 全部单位 and every rotation shows. The
    list stayed empty under 全部单位 ("人员流动 2 条，显示 0 条")."""
    from tests.helpers.people import institution
    from ylt_desktop.store import institutions as inst_store

    with db.session() as s:
        lone = institution(s, "示例县白云镇卫生院", category="乡镇卫生院", level="一级",
                           body="10000009")  # fmt: skip
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    page.institution.setCurrentIndex(page.institution.findData(lone))
    assert page.proxy.rowCount() == 0
    with db.session() as s:
        inst_store.delete_institution(s, institution_id=lone)
    page.showEvent(QShowEvent())
    assert page.institution.currentText() == "全部单位"
    assert page.proxy.rowCount() == 2
    assert page.status_text() == "人员流动 2 条"


def test_no_sort_mark_once_the_rows_are_in_the_list_order_again(qtbot, db, world) -> None:  # noqa: ANN001
    """A sort is let go when the list is read again (a write elsewhere) or the figures
    change (a quarter chosen): the header's sort mark goes too. It stayed, saying 姓名 ▲
    over rows in the list's own order."""
    page = RotationsPage(db, today=TODAY)
    qtbot.addWidget(page)
    header = page.table.horizontalHeader()
    names = [row[0] for row in texts(page)]
    for reload in (page.refresh, lambda: page.quarter.setCurrentIndex(1)):
        page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        assert header.sortIndicatorSection() == 0
        assert [row[0] for row in texts(page)] == sorted(names, reverse=True) != names
        reload()
        assert header.sortIndicatorSection() == -1
        assert [row[0] for row in texts(page)] == names
        page.quarter.setCurrentIndex(0)
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    page.search.setText("李")  # a search keeps the sort and its mark
    assert header.sortIndicatorSection() == 0
