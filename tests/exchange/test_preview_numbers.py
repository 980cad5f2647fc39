"""The preview shows a whole volume as the clerk typed it: 影像诊断例数 120 was shown
'（空） → 120.0' (volumes are stored as decimals for 配送金额(元))."""

from __future__ import annotations

from tests.exchange.world import (
    PASSPHRASE,
    A,
    enter_a,
    lead_database,
    make_package,
    member_database,
)
from ylt_desktop.exchange import preview_packages
from ylt_desktop.exchange.preview_model import _shown


def test_a_whole_volume_is_shown_without_a_decimal(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    [preview] = preview_packages(lead, [make_package(member, tmp_path)], passphrase=PASSPHRASE)
    [volumes] = [c for c in preview.changes if c.kind == "volumes"]
    assert volumes.fields == [("影像诊断例数", "（空）", "120")]
    assert _shown(2544000.5) == "2544000.5" and _shown(0.0) == "0" and _shown(0) == "0"
    member.close()
    lead.close()
