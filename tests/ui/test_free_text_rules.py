"""The forms refuse what the rules refuse in free text, under the field, before saving: 专业
over its limit (the box takes no more), a whole identity number in a rotation's 备注 or an
agreement's 协议名称, 协议条款 or 终止原因 (the message does not repeat the number). An
agreement an older program saved with one opens, says so, and can still be saved."""

from __future__ import annotations

import datetime as dt

from tests.helpers.people import add_person, consortium, ric, small_world
from tests.helpers.problems import shown_problems
from tests.helpers.typing import type_text
from tests.ui.test_agreements_page import add_agreement, ids, open_dialog  # noqa: F401
from tests.ui.test_staff import GOOD_ID, fill
from ylt_desktop.domain.rotation import RotationData
from ylt_desktop.domain.staff import SPECIALTY_MAX
from ylt_desktop.store import rotations
from ylt_desktop.store import staff as store
from ylt_desktop.store.models import Staff
from ylt_desktop.store.tx import transaction
from ylt_desktop.ui.dialogs.rotation import RotationDialog
from ylt_desktop.ui.pages.staff import StaffDialog

PERSON = ric(dt.date(1984, 7, 9), "女", 3)
RULE = "中含有居民身份证号码：身份证号码只能填在“证件号码”一栏"
TODAY = dt.date(2026, 5, 20)


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


def test_a_rotation_note_with_an_identity_number_is_refused_under_the_field(
    qtbot,
    db,
    answers,  # noqa: ANN001
) -> None:
    with db.session() as s:
        ids = small_world(s)
        data = RotationData(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"],
                            form="派驻", start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 31))  # fmt: skip
        rid = rotations.create_rotation(s, data=data, note="驻点", today=TODAY).id
    dialog = RotationDialog(db, rid, today=TODAY)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.binder.widget("note"), f"驻点，王建国{PERSON}")
    message = shown_problems(dialog)["note"]
    assert message.startswith(f"备注{RULE}") and PERSON not in message
    assert not dialog.save_button.isEnabled()
    dialog.save()  # even a forced save writes nothing
    with db.session() as s:
        assert [r.note for r in rotations.list_rotations(s)] == ["驻点"]
    type_text(qtbot, dialog.binder.widget("note"), "驻点，王建国")
    assert "note" not in shown_problems(dialog)
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save()
    with db.session() as s:
        assert [r.note for r in rotations.list_rotations(s)] == ["驻点，王建国"]


def agreement_dialog(qtbot, db, ids, text_changes: dict | None = None):  # noqa: ANN001, ANN201, F811
    from sqlalchemy import update

    from ylt_desktop.store.models import Agreement
    from ylt_desktop.ui.dialogs.agreement import AgreementDialog

    aid = add_agreement(db, ids, "YLT-9")
    if text_changes:
        with db.session() as s, transaction(s):  # an older program took them
            s.execute(update(Agreement).values(**text_changes))
    return aid, open_dialog(qtbot, AgreementDialog(db, aid, today=TODAY))


def stored_texts(db) -> tuple:  # noqa: ANN001
    from ylt_desktop.store.models import Agreement

    with db.session() as s:
        (a,) = s.query(Agreement)
        return a.title, a.terms, a.termination_reason


def test_agreement_title_and_terms_refused(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    _aid, dialog = agreement_dialog(qtbot, db, ids)
    w = dialog.binder.widget
    for field, typed in (("title", f"远程会诊协议 {PERSON}"), ("terms", f"甲方联系人{PERSON}")):
        type_text(qtbot, w(field), typed)
        message = shown_problems(dialog)[field]
        label = "协议名称" if field == "title" else "协议条款"
        assert message.startswith(f"{label}{RULE}") and PERSON not in message
        assert not dialog.save_button.isEnabled()
        dialog.save()
        assert stored_texts(db) == ("远程会诊服务协议", "", "")
        type_text(qtbot, w(field), "远程会诊服务协议" if field == "title" else "")
        assert field not in shown_problems(dialog)


def test_agreement_saved_before_the_rule_saves(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    title, terms = f"远程会诊协议 {PERSON}", f"联系人{PERSON}"
    _aid, dialog = agreement_dialog(qtbot, db, ids, {"title": title, "terms": terms})
    shown = shown_problems(dialog)
    assert shown["title"].startswith(f"协议名称{RULE}") and shown["terms"].startswith(
        f"协议条款{RULE}"
    )
    assert dialog.save_button.isEnabled()  # warnings: the rest can still be corrected
    type_text(qtbot, dialog.binder.widget("number"), "YLT-10")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save()
    with db.session() as s:
        from ylt_desktop.store.models import Agreement

        (a,) = s.query(Agreement)
        assert (a.number, a.title, a.terms) == ("YLT-10", title, terms)


def test_a_termination_reason_with_an_identity_number_is_refused(qtbot, db, ids, answers) -> None:  # noqa: ANN001, F811
    from ylt_desktop.ui.dialogs.termination import TerminationDialog

    aid = add_agreement(db, ids, "YLT-9")
    dialog = open_dialog(qtbot, TerminationDialog(db, aid, today=TODAY))
    type_text(qtbot, dialog.binder.widget("termination_reason"), f"负责人{PERSON}调离")
    message = shown_problems(dialog)["termination_reason"]
    assert message.startswith(f"终止原因{RULE}") and PERSON not in message
    assert not dialog.save_button.isEnabled()
    dialog.save()
    assert stored_texts(db) == ("远程会诊服务协议", "", "")


def test_a_rotation_with_an_old_note_opens_and_saves_its_dates(qtbot, db, answers, caplog) -> None:  # noqa: ANN001
    """A 备注 an older program saved with a number: the form says so under 备注 (a warning)
    and saves the other fields; typing more into it makes it an error again."""
    from sqlalchemy import update

    from ylt_desktop.store.models import Rotation

    note = f"驻点，王建国{PERSON}"
    with db.session() as s:
        ids = small_world(s)
        data = RotationData(staff_id=ids["王"], from_id=ids["县医院"], to_id=ids["大树"],
                            form="派驻", start=dt.date(2026, 1, 5), end=dt.date(2026, 3, 31))  # fmt: skip
        rid = rotations.create_rotation(s, data=data, note="驻点", today=TODAY).id
        with transaction(s):  # an older program took it
            s.execute(update(Rotation).values(note=note))
    dialog = RotationDialog(db, rid, today=TODAY)
    qtbot.addWidget(dialog)
    message = shown_problems(dialog)["note"]
    assert message.startswith(f"备注{RULE}") and PERSON not in message
    assert dialog.save_button.isEnabled()
    dialog.binder.widget("end").setDate(dt.date(2026, 3, 20))
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save()
    with db.session() as s:
        assert [(r.note, r.end) for r in rotations.list_rotations(s)] == [
            (note, dt.date(2026, 3, 20))
        ]
    dialog = RotationDialog(db, rid, today=TODAY)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.binder.widget("note"), f"{note}，坐诊")
    assert shown_problems(dialog)["note"].startswith(f"备注{RULE}")
    assert not dialog.save_button.isEnabled()
    assert PERSON not in caplog.text


def test_an_other_measure_with_an_identity_number_is_refused_under_the_field(
    qtbot,
    db,
    ids,  # noqa: F811
    answers,  # noqa: ANN001
) -> None:
    from sqlalchemy import update

    from ylt_desktop.store.models import Agreement
    from ylt_desktop.ui.dialogs.agreement import AgreementDialog

    aid = add_agreement(db, ids, "YLT-9", kind="其他", other_measure="随访人次")
    dialog = open_dialog(qtbot, AgreementDialog(db, aid, today=TODAY))
    edit = dialog.binder.widget("other_measure")
    edit.clear()
    type_text(qtbot, edit, f"随访{PERSON}")
    message = shown_problems(dialog)["other_measure"]
    assert message.startswith(f"服务量指标名称{RULE}") and PERSON not in message
    assert not dialog.save_button.isEnabled()
    dialog.save()
    with db.session() as s:
        assert s.get(Agreement, aid).other_measure == "随访人次"
    dialog.reject()
    with db.session() as s, transaction(s):  # an older program took it
        s.execute(update(Agreement).values(other_measure=f"随访{PERSON}"))
    dialog = open_dialog(qtbot, AgreementDialog(db, aid, today=TODAY))
    assert shown_problems(dialog)["other_measure"].startswith(f"服务量指标名称{RULE}")
    type_text(qtbot, dialog.binder.widget("number"), "YLT-10")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save()
    with db.session() as s:
        a = s.get(Agreement, aid)
        assert (a.number, a.other_measure) == ("YLT-10", f"随访{PERSON}")
