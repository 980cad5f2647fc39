"""A rotation's form ending it earlier drops its later quarter rows: 操作日志 lists each as a
删除 of 人员流动季度数据 naming the rotation (the person and the two units), no ID number."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt

from tests.helpers.people import small_world
from tests.ui.test_rotations import type_date
from ylt_desktop.domain.rotation import QuarterFigures, RotationData
from ylt_desktop.store import rotations as store
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.pages.audit import AuditPage

TODAY = dt.date(2026, 5, 20)


def test_quarter_rows_a_form_drops_are_listed_as_deletes_naming_the_rotation(
    qtbot, db, answers
) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        data = RotationData(
            staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"], form="坐诊/巡诊",
            start=dt.date(2026, 1, 5), end=dt.date(2026, 4, 30),
            quarters={"2026Q1": QuarterFigures(days=12), "2026Q2": QuarterFigures(days=9)},
        )  # fmt: skip
        rotation_id = store.create_rotation(s, data=data, today=TODAY).id
    dialog = RotationDialog(db, rotation_id, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    type_date(qtbot, dialog.binder.widget("end"), dt.date(2026, 3, 20))
    assert dialog.grid.table.rowCount() == 1  # 2026Q2 left the grid
    qtbot.waitUntil(dialog.save_button.isEnabled)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted

    page = AuditPage(db)
    qtbot.addWidget(page)
    page.set_range(dt.date(2000, 1, 1), dt.date.today())
    page.table_filter.setCurrentIndex(page.table_filter.findData("rotation_quarter"))
    page.action_filter.setCurrentIndex(page.action_filter.findData("delete"))
    assert page.proxy.rowCount() == 1
    row = [page.proxy.index(0, c).data() for c in range(page.proxy.columnCount())]
    text = "　".join(str(v) for v in row)
    assert "删除" in text and "人员流动季度数据" in text, text
    assert "人员流动：王建国 示例县人民医院→示例县大树镇卫生院（#" in row[5], row
    assert "季度：2026年第2季度" in row[5] and "工作天数：9" in row[5], row
    assert not re.search(r"\d{17}[\dXx]", text)
