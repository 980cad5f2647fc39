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
