"""The agreement form showed each stored volume and share with 6 significant digits
(``f"{v:g}"``) and saved back what it showed: a 配送金额(元) of 1,234,567.89 became 1234570
(shown 1.23457e+06) the moment anything else in the form was saved, silently, on the signed
return. It shows the number as stored, so an untouched cell saves as it was."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QMessageBox

from tests.exchange.world import LEAD, A, lead_database, unit_ids
from tests.ui.test_agreements_page import open_dialog, type_in_cell
from ylt_desktop.domain.agreement import AgreementData
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import agreements
from ylt_desktop.store.models import Agreement
from ylt_desktop.ui.dialogs.agreement import AgreementDialog

AMOUNT = "配送金额(元)"
Q1, Q3 = Quarter(2026, 1), Quarter(2026, 3)


def test_an_untouched_volume_saves_as_it_was(qtbot, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    db = lead_database(tmp_path)
    try:
        with db.session() as s:
            ids = unit_ids(s)
            a = agreements.create_agreement(
                s,
                data=AgreementData(
                    number="PS-1", title="药品统一配送", kind="药品统一采购配送",
                    provider_id=ids[LEAD], recipient_ids=[ids[A]],
                    effective_from=dt.date(2026, 1, 1), provider_share=33.333334,
                    recipient_shares={ids[A]: 66.666666},
                    volumes={(str(Q1), AMOUNT): 1234567.89, (str(Q1.next()), AMOUNT): 1e6 + 1},
                ),
            )  # fmt: skip
            a_id = a.id
        dialog = open_dialog(qtbot, AgreementDialog(db, a_id, today=dt.date(2026, 10, 15)))
        rows = {dialog.grid.verticalHeaderItem(r).text(): r for r in range(dialog.grid.rowCount())}
        type_in_cell(qtbot, dialog, rows[Q3.label], 0, "5")
        qtbot.waitUntil(dialog.save_button.isEnabled)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: not dialog.isVisible())
        with db.session() as s:
            saved = agreements.to_data(s.get(Agreement, a_id))
        assert saved.volumes == {
            (str(Q1), AMOUNT): 1234567.89,
            (str(Q1.next()), AMOUNT): 1000001.0,
            (str(Q3), AMOUNT): 5.0,
        }
        assert saved.provider_share == 33.333334
        assert saved.recipient_shares == {ids[A]: 66.666666}
    finally:
        db.close()
