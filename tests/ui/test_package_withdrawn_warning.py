"""生成数据包 at a member: an agreement the lead deleted, kept here for volumes the lead has not
accepted, makes the lead refuse the whole package. The box before anything is written says so
in its title and text, naming the agreement, with 取消 as its default (Enter does not make a
package the lead will refuse); 仍然生成 still makes it (the lead may restore the agreement)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from tests.exchange.test_agreement_deletions import _delete
from tests.exchange.test_deletions import _roster
from tests.exchange.world import A, Q, _volume, lead_database, member_database
from ylt_desktop.ui.dialogs.packages import own_agreements_go_on


def _box(monkeypatch, click: str | None):  # noqa: ANN001, ANN202
    seen: dict = {}

    def exec_box(box: QMessageBox) -> int:
        seen.update(title=box.windowTitle(), text=box.text(), default=box.defaultButton().text())
        if click is not None:
            [button] = [b for b in box.buttons() if b.text() == click]
            button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    return seen


def test_the_box_says_the_lead_will_refuse_and_defaults_to_cancel(
    qtbot, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    with member.session() as s:
        _volume(s, 120)
    _delete(lead, "YX-2026-01")
    _roster(lead, member, A, tmp_path / "r2")

    seen = _box(monkeypatch, None)
    assert own_agreements_go_on(None, member, Q) is False  # closed: cancelled
    assert seen["title"] == "牵头单位将拒收这个数据包"
    assert "“YX-2026-01 影像诊断中心”" in seen["text"] and "拒收整个数据包" in seen["text"]
    assert seen["default"] == "取消"
    seen = _box(monkeypatch, "仍然生成")
    assert own_agreements_go_on(None, member, Q) is True
    member.close()
    lead.close()
