"""In a member's database (成员库) the lead's agreement (brought by the roster) opens with its
fields read-only and says why first; only its volumes stay open, and they are saved."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.exchange.world import A, Q
from tests.ui.test_agreements_page import open_dialog, type_in_cell
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement
from ylt_desktop.ui.dialogs.agreement import AgreementDialog

TODAY = dt.date(2026, 10, 15)


def _agreement_id(db) -> int:  # noqa: ANN001
    with db.session() as s:
        return s.scalar(select(Agreement.id).where(Agreement.number == "YX-2026-01"))


def test_the_leads_agreement_opens_for_its_volumes_only(qtbot, member) -> None:  # noqa: ANN001
    a_id = _agreement_id(member)
    dialog = open_dialog(qtbot, AgreementDialog(member, a_id, today=TODAY))
    banner = dialog.banner.text()
    assert not dialog.banner.isHidden() and banner.startswith(f"本数据库是“{A}”的成员库")
    assert "只填写服务量" in banner
    for name in ("number", "title", "kind", "provider_id", "terms"):
        assert not dialog.binder.widget(name).isEnabled(), name
    assert not dialog.recipients.isEnabled()
    assert dialog.save_button.isVisible()
    rows = {dialog.grid.verticalHeaderItem(r).text(): r for r in range(dialog.grid.rowCount())}
    type_in_cell(qtbot, dialog, rows[Q.label], 0, "88")
    qtbot.waitUntil(dialog.save_button.isEnabled)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    with member.session() as s:
        data = agreements.to_data(s.get(Agreement, a_id))
    assert data.volumes[(str(Q), "影像诊断例数")] == 88.0


def test_its_own_agreement_opens_as_ever(qtbot, member) -> None:  # noqa: ANN001
    from tests.exchange.world import LEAD, unit_ids
    from ylt_desktop.domain.agreement import AgreementData

    with member.session() as s:
        ids = unit_ids(s)
        own = agreements.create_agreement(
            s,
            data=AgreementData(
                number="QS-9", title="本院远程会诊", kind="远程会诊", provider_id=ids[A],
                recipient_ids=[ids[LEAD]], effective_from=dt.date(2026, 1, 1),
            ),
        )  # fmt: skip
        own_id = own.id
    dialog = open_dialog(qtbot, AgreementDialog(member, own_id, today=TODAY))
    assert dialog.banner.isHidden()
    assert dialog.binder.widget("title").isEnabled()


def test_the_volumes_save_whatever_the_form_would_make_of_the_leads_fields(
    qtbot,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
    monkeypatch,  # noqa: ANN001
) -> None:
    """The form reads back what it shows, not what is stored: shares shown to 6 digits
    (33.333334 as 33.3333), terms through the text box (a stored "\\r\\n" comes back "\\n").
    The lead's agreement then looked changed and its volumes could not be saved here. The
    form of a roster's agreement saves its volumes on the stored fields."""
    import dataclasses

    from PySide6.QtWidgets import QMessageBox

    from tests.exchange.world import B, lead_database, member_database, unit_ids

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    lead = lead_database(tmp_path)
    with lead.session() as s:
        a = s.scalar(select(Agreement).where(Agreement.number == "YX-2026-01"))
        ids = unit_ids(s)
        shares = {ids[A]: 33.333333, ids[B]: 33.333333}
        data = dataclasses.replace(
            agreements.to_data(a), provider_share=33.333334, recipient_shares=shares
        )
        agreements.update_agreement(s, agreement_id=a.id, data=data, terms="第一条")
        a.terms = "第一条\r\n第二条"  # as an older program kept a pasted text
        s.commit()
    member = member_database(lead, A, tmp_path)
    lead.close()
    try:
        a_id = _agreement_id(member)
        dialog = open_dialog(qtbot, AgreementDialog(member, a_id, today=TODAY))
        rows = {dialog.grid.verticalHeaderItem(r).text(): r for r in range(dialog.grid.rowCount())}
        type_in_cell(qtbot, dialog, rows[Q.label], 0, "88")
        assert [p.message for p in dialog.problems() if p.is_error] == []
        qtbot.waitUntil(dialog.save_button.isEnabled)
        dialog.save_button.click()
        assert [p.message for p in dialog.current_problems if p.is_error] == []
        qtbot.waitUntil(lambda: not dialog.isVisible())
        with member.session() as s:
            saved = s.get(Agreement, a_id)
            assert saved.terms == "第一条\r\n第二条"
            data = agreements.to_data(saved)
        assert data.volumes[(str(Q), "影像诊断例数")] == 88.0
        assert data.provider_share == 33.333334
    finally:
        member.close()
