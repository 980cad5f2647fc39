"""The institution dialog's 等级变更记录 (DESIGN.md §1) and 在岗职工 left empty, as a clerk would."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from tests.helpers.people import small_world
from tests.helpers.typing import type_text
from tests.ui.test_institutions import GOOD_USCC, choose
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.store import institutions as store
from ylt_desktop.store import levels
from ylt_desktop.store import rotations as rotation_store
from ylt_desktop.store.models import Institution, Rotation
from ylt_desktop.ui.pages.institutions import InstitutionDialog

D = dt.date
TODAY = D(2026, 11, 20)


def _entries(db, inst_id: int) -> list[tuple]:  # noqa: ANN001
    with db.session() as s:
        return [(e.since, e.level, e.category) for e in levels.entries_of(s, inst_id)]


def _rotate(s, ids, to: str, start: dt.date) -> int:  # noqa: ANN001
    data = RotationData(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids[to],
                        form="坐诊/巡诊", start=start, end=start + dt.timedelta(days=5))  # fmt: skip
    return rotation_store.create_rotation(s, data=data, today=TODAY).id


def _directions(db) -> dict[int, str]:  # noqa: ANN001
    with db.session() as s:
        return dict(s.execute(select(Rotation.id, Rotation.direction)).all())


def _history_rows(dialog: InstitutionDialog) -> list[tuple[str, ...]]:
    t = dialog.level_history
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def _upgraded(db) -> dict[str, int]:  # noqa: ANN001
    """small_world with 中医院 upgraded to 三级乙等 from 2026-07-01 (by the store)."""
    with db.session() as s:
        ids = small_world(s)
        data = store.to_data(s.get(Institution, ids["中医院"]))
        data.level = "三级乙等"
        store.update_institution(
            s, institution_id=ids["中医院"], data=data, level_since=D(2026, 7, 1), today=TODAY
        )
    return ids


def _open(qtbot, db, inst_id: int) -> InstitutionDialog:  # noqa: ANN001
    dialog = InstitutionDialog(db, inst_id)
    qtbot.addWidget(dialog)
    return dialog


def test_history_lists_the_entries_newest_first(qtbot, db) -> None:  # noqa: ANN001
    ids = _upgraded(db)
    dialog = _open(qtbot, db, ids["中医院"])
    assert dialog.level_history.horizontalHeaderItem(0).text() == "生效日期"
    assert _history_rows(dialog) == [
        ("2026-07-01", "三级乙等", "综合医院"),
        ("最初", "二级甲等", "综合医院"),
    ]
    # nothing changed yet: no choice to make, and nothing to save as a change
    assert not dialog.level_change.isVisibleTo(dialog) and dialog.level_since_value() is None
    new = InstitutionDialog(db)
    qtbot.addWidget(new)
    assert new.level_box.isHidden()  # a new unit has no history yet


def test_a_dated_change_adds_an_entry_and_keeps_past_directions(qtbot, db) -> None:  # noqa: ANN001
    with db.session() as s:
        ids = small_world(s)
        before = _rotate(s, ids, "中医院", D(2026, 3, 2))
        later = _rotate(s, ids, "中医院", D(2026, 8, 3))
    assert _directions(db)[before] == _directions(db)[later] == "平级交流"
    dialog = _open(qtbot, db, ids["中医院"])
    choose(qtbot, dialog.binder.widget("level"), "三级乙等")
    assert dialog.level_change.isVisibleTo(dialog)
    assert dialog.level_correction.isChecked() and not dialog.level_change.isChecked()
    assert not dialog.level_since.isEnabled()  # a correction by default: no date
    qtbot.mouseClick(dialog.level_change, Qt.MouseButton.LeftButton)
    assert dialog.level_change.isChecked() and not dialog.level_correction.isChecked()
    assert dialog.level_since.isEnabled()
    dialog.level_since.setDate(QDate(2026, 7, 1))
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _entries(db, ids["中医院"]) == [
        (None, "二级甲等", "综合医院"),
        (D(2026, 7, 1), "三级乙等", "综合医院"),
    ]
    got = _directions(db)
    assert (got[before], got[later]) == ("平级交流", "上派")  # the past stays as it was


def test_a_correction_rewrites_the_latest_entry(qtbot, db) -> None:  # noqa: ANN001
    ids = _upgraded(db)
    dialog = _open(qtbot, db, ids["中医院"])
    choose(qtbot, dialog.binder.widget("level"), "三级甲等")  # it was 三级甲等 all along
    assert dialog.level_since_value() is None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert _entries(db, ids["中医院"]) == [
        (None, "二级甲等", "综合医院"),
        (D(2026, 7, 1), "三级甲等", "综合医院"),
    ]


def test_a_date_before_the_last_change_is_shown_at_the_date(qtbot, db) -> None:  # noqa: ANN001
    ids = _upgraded(db)
    dialog = _open(qtbot, db, ids["中医院"])
    choose(qtbot, dialog.binder.widget("level"), "三级甲等")
    qtbot.mouseClick(dialog.level_change, Qt.MouseButton.LeftButton)
    dialog.level_since.setDate(QDate(2026, 6, 1))
    label = dialog.binder.problem_label("level_since")
    assert not label.isHidden()
    assert "等级变更日期不得早于上次变更日期 2026-07-01" in label.text()
    assert not dialog.save_button.isEnabled()
    dialog.save()  # even a forced save writes nothing
    assert _entries(db, ids["中医院"])[-1] == (D(2026, 7, 1), "三级乙等", "综合医院")
    dialog.level_since.setDate(QDate(2026, 9, 1))
    assert label.isHidden() and dialog.save_button.isEnabled()


def test_staff_total_left_empty_saves_null_and_reopens_empty(qtbot, db) -> None:  # noqa: ANN001
    dialog = InstitutionDialog(db)
    qtbot.addWidget(dialog)
    w = dialog.binder.widget
    assert w("staff_total").text() == "未填"  # a new unit's 在岗职工 is not known yet
    type_text(qtbot, w("name"), "示例县青石镇卫生院")
    type_text(qtbot, w("uscc"), GOOD_USCC)
    type_text(qtbot, w("division"), "360428112")
    choose(qtbot, w("category"), "乡镇卫生院")
    choose(qtbot, w("level"), "一级")
    type_text(qtbot, w("health_tech_staff"), "50")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        (inst,) = store.list_institutions(s)
        inst_id, staff_total = inst.id, inst.staff_total
    assert staff_total is None  # NULL, not 0
    again = _open(qtbot, db, inst_id)
    box = again.binder.widget("staff_total")
    assert box.text() == "未填" and again.binder.value("staff_total") is None
    # typed, then taken back down to 未填 (one below 0)
    type_text(qtbot, box, "60")
    assert again.binder.value("staff_total") == 60
    type_text(qtbot, box, "0")
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.text() == "未填" and again.is_dirty() is False
    type_text(qtbot, box, "60")
    qtbot.mouseClick(again.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert s.get(Institution, inst_id).staff_total == 60
    third = _open(qtbot, db, inst_id)
    box = third.binder.widget("staff_total")
    type_text(qtbot, box, "0")
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.mouseClick(third.save_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert s.get(Institution, inst_id).staff_total is None
