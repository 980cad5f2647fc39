"""The 操作日志 page: entries listed newest first, filtered by kind, action, dates and text."""

from __future__ import annotations

import datetime as dt

from tests.helpers.typing import type_text
from ylt_desktop.domain.codes import make_uscc
from ylt_desktop.domain.institution import InstitutionData
from ylt_desktop.store import institutions as store
from ylt_desktop.store.models import Setting
from ylt_desktop.ui.main_window import MainWindow
from ylt_desktop.ui.pages.audit import AuditPage


def fill(db) -> None:  # noqa: ANN001
    data = InstitutionData(
        name="甲县人民医院",
        uscc=make_uscc("12", "360428", "12345678"),
        division="360428",
        category="综合医院",
        level="二级甲等",
        joined=dt.date(2020, 1, 1),
    )
    with db.session() as s:
        inst = store.create_institution(s, data=data)
        data.beds_actual = 88
        store.update_institution(s, institution_id=inst.id, data=data)
        s.add(Setting(key="cover", value="封面"))
        s.commit()


def select(combo, key: str) -> None:  # noqa: ANN001
    combo.setCurrentIndex(combo.findData(key))


def test_audit_page_lists_and_filters(qtbot, db) -> None:  # noqa: ANN001
    fill(db)
    page = AuditPage(db)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 4  # with the new unit's first 等级变更记录
    assert page.proxy.index(0, 0).data() is not None
    select(page.action_filter, "update")
    assert page.model.rowCount() == 1
    assert "实有床位：0 → 88" in page.model.index(0, 5).data()
    assert page.model.index(0, 2).data() == "修改"
    page.action_filter.setCurrentIndex(0)
    select(page.table_filter, "setting")
    assert page.model.rowCount() == 1 and page.model.index(0, 3).data() == "设置"
    page.table_filter.setCurrentIndex(0)
    type_text(qtbot, page.search, "甲县")
    # The unit's insert and its 等级变更记录, which names it (成员单位：甲县人民医院（#1）).
    assert page.proxy.rowCount() == 2
    assert page.count_label.text() == "共 2 条"
    page.search.clear()
    assert page.proxy.rowCount() == 4
    last_year = dt.date.today() - dt.timedelta(days=365)
    page.set_range(last_year, last_year + dt.timedelta(days=10))
    assert page.model.rowCount() == 0


def test_main_window_has_the_audit_page_after_the_quarterly_return(qtbot, db) -> None:  # noqa: ANN001
    window = MainWindow(db)
    qtbot.addWidget(window)
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("操作日志") == titles.index("季度报表") + 1
    assert isinstance(window.page("操作日志"), AuditPage)


def test_a_clerk_reads_an_entry_in_chinese_with_ids_masked(qtbot, demo_db) -> None:  # noqa: ANN001
    from ylt_desktop.store.models import Staff

    with demo_db.session() as s:
        person = s.query(Staff).first()
        whole = person.id_number
        person.title = "主治医师" if person.title != "主治医师" else "医师"
        s.commit()
    page = AuditPage(demo_db)
    qtbot.addWidget(page)
    page.set_range(dt.date(2000, 1, 1), dt.date.today())
    select(page.table_filter, "staff")
    texts = [page.proxy.index(r, 5).data() for r in range(page.proxy.rowCount())]
    assert any(t.startswith("职称：") and " → " in t for t in texts)
    inserted = [t for t in texts if "证件号码：" in t]
    assert inserted and not any(whole in t for t in texts)
    assert f"证件号码：{whole[:6]}********{whole[-4:]}" in "".join(texts)
    assert {page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())} >= {"admin"}
    row = texts.index(inserted[0])
    page.show_details(page.proxy.index(row, 0))
    shown = page.detail_dialog.findChild(__import__("PySide6.QtWidgets").QtWidgets.QPlainTextEdit)
    lines = shown.toPlainText().splitlines()
    assert "新增" in lines[0] and "人员" in lines[0]
    assert any(line.startswith("姓名：") for line in lines) and whole not in shown.toPlainText()
    page.detail_dialog.close()


def test_every_record_dialog_has_its_history(qtbot, demo_db) -> None:  # noqa: ANN001
    from ylt_desktop.store.models import Staff
    from ylt_desktop.ui.pages.institutions import InstitutionDialog
    from ylt_desktop.ui.pages.staff import StaffDialog

    with demo_db.session() as s:
        person = s.query(Staff).first()
        whole, person_id = person.id_number, person.id
    dialog = StaffDialog(demo_db, person_id)
    qtbot.addWidget(dialog)
    dialog.history_button.click()
    text = dialog.history_dialog.text.toPlainText()
    assert "新增" in text and "admin" in text and "姓名：" in text
    assert whole not in text and f"{whole[:6]}********" in text
    dialog.history_dialog.close()
    fresh = InstitutionDialog(demo_db, None)
    qtbot.addWidget(fresh)
    assert not hasattr(fresh, "history_button")  # a new record has no history yet


def test_entries_name_the_units_people_and_agreements_they_refer_to(qtbot, demo_db) -> None:  # noqa: ANN001
    """'接收方：#14' told a clerk nothing (DESIGN §6: a log a clerk reads): a referred unit,
    person or agreement is named, with its number; one deleted since keeps the number only."""
    from sqlalchemy import select as query

    from ylt_desktop.store.audit_text import describe, read_names
    from ylt_desktop.store.models import Agreement, AuditEntry, Institution, Rotation, Staff

    with demo_db.session() as s:
        rotation = s.scalars(query(Rotation).order_by(Rotation.id)).first()
        person = s.get(Staff, rotation.staff_id).name
        giver = s.get(Institution, rotation.from_id).name
        agreement = s.scalars(query(Agreement).order_by(Agreement.id)).first()
        recipient_entry = s.scalars(
            query(AuditEntry).where(AuditEntry.table_name == "agreement_recipient")
        ).first()
        # An entry referring to a unit that no longer exists keeps its number only.
        gone = AuditEntry(table_name="staff", action="insert", record_id="0", user="x",
                          new_values='{"name": "某人", "home_id": 999999}')  # fmt: skip
        names = read_names(s, [gone])
        assert describe(gone, names=names) == "姓名：某人；所属机构：#999999"
    page = AuditPage(demo_db)
    qtbot.addWidget(page)
    page.set_range(dt.date(2000, 1, 1), dt.date.today())
    select(page.table_filter, "rotation")
    texts = [page.proxy.index(r, 5).data() for r in range(page.proxy.rowCount())]
    assert f"人员：{person}（#{rotation.staff_id}）" in "".join(texts)
    assert f"派出单位：{giver}（#{rotation.from_id}）" in "".join(texts)
    assert not any("：#" in t for t in texts if "人员：" in t)
    # The free-text search finds an entry by the unit's name.
    page.search.setText(giver)
    assert 0 < page.proxy.rowCount() < len(texts)
    page.search.clear()
    select(page.table_filter, "agreement_recipient")
    texts = [page.proxy.index(r, 5).data() for r in range(page.proxy.rowCount())]
    assert recipient_entry is not None and texts
    assert all("协议：" in t and "协议：#" not in t for t in texts)
    assert f"协议：{agreement.number} {agreement.title}（#{agreement.id}）" in "".join(texts)
