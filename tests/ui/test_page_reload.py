"""List pages reload when shown only if something was written since they last loaded."""

from __future__ import annotations

from ylt_desktop.store import institutions as store
from ylt_desktop.ui.pages import rotations as rotations_ui


def test_rotation_page_reloads_only_after_a_write(qtbot, demo_db, monkeypatch) -> None:  # noqa: ANN001
    calls: list[int] = []
    real = rotations_ui.rotation_read.read_first

    def counting(session, limit, today):  # noqa: ANN001, ANN202
        calls.append(1)
        return real(session, limit, today)

    monkeypatch.setattr(rotations_ui.rotation_read, "read_first", counting)
    page = rotations_ui.RotationsPage(demo_db)
    qtbot.addWidget(page)
    assert len(calls) == 1
    page.show()
    page.hide()
    page.show()
    assert len(calls) == 1  # nothing written: the 50,000-row case stays instant
    page.hide()
    with demo_db.session() as s:
        lead = store.lead_institution(s)
        data = store.to_data(lead)
        data.contact = "新联系人"
        store.update_institution(s, institution_id=lead.id, data=data)
    page.show()
    assert len(calls) == 2
