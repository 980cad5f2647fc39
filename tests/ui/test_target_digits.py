"""The targets dialog saves back what it shows: a stored target keeps every digit when the
dialog is saved for another row (it showed 6 significant digits and saved those)."""

from __future__ import annotations

from ylt_desktop.store import targets as store
from ylt_desktop.ui.dialogs.targets import TargetsDialog


def test_an_untouched_target_keeps_its_digits(qtbot, db) -> None:  # noqa: ANN001
    default = {x.key: x.target for x in store.default_indicators() if x.target is not None}
    wanted = {**default["primary_share"].to_json(), "value": 65.123456789}
    with db.session() as s:
        store.set_target(s, key="primary_share", target=wanted)
    dialog = TargetsDialog(db)
    qtbot.addWidget(dialog)
    other = next(i for i, x in enumerate(dialog.specs) if x.key != "primary_share")
    dialog.table.item(other, 4).setText("示例县")  # a change elsewhere: the dialog saves
    dialog.save()
    with db.session() as s:
        stored = store.target_overrides(s)
    assert stored["primary_share"]["value"] == 65.123456789
