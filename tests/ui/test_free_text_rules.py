"""The forms refuse what the rules refuse in free text, under the field, before saving: 专业
over its limit (the box takes no more)."""

from __future__ import annotations

from tests.helpers.people import add_person, consortium
from tests.helpers.problems import shown_problems
from tests.helpers.typing import type_text
from tests.ui.test_staff import GOOD_ID, fill
from ylt_desktop.domain.staff import SPECIALTY_MAX
from ylt_desktop.store import staff as store
from ylt_desktop.store.models import Staff
from ylt_desktop.store.tx import transaction
from ylt_desktop.ui.pages.staff import StaffDialog


def test_the_specialty_box_takes_no_more_than_the_limit(qtbot, db, answers) -> None:  # noqa: ANN001
    with db.session() as s:
        consortium(s)
    dialog = StaffDialog(db)
    qtbot.addWidget(dialog)
    fill(qtbot, dialog, GOOD_ID)
    edit = dialog.binder.widget("specialty").lineEdit()
    type_text(qtbot, edit, "心" * (SPECIALTY_MAX + 5))
    assert edit.text() == "心" * SPECIALTY_MAX
    dialog.save()
    with db.session() as s:
        assert [p.specialty for p in store.list_staff(s)] == ["心" * SPECIALTY_MAX]


def test_a_longer_stored_specialty_shows_whole_with_its_error(qtbot, db, answers) -> None:  # noqa: ANN001
    """Stored before the limit: the form shows it uncut and says why it cannot be saved, so
    it is not shortened behind the clerk's back."""
    long = "心血管内科" * 7  # 35
    with db.session() as s:
        staff_id = add_person(s, consortium(s)["县医院"])
        with transaction(s):
            s.get(Staff, staff_id).specialty = long
    dialog = StaffDialog(db, staff_id)
    qtbot.addWidget(dialog)
    assert dialog.binder.widget("specialty").currentText() == long
    assert shown_problems(dialog)["specialty"] == f"专业不得超过{SPECIALTY_MAX}个字符（现为35个）"
    assert not dialog.save_button.isEnabled()
