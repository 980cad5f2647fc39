"""A member's database (成员库) shows its own unit's 表7 on the 概览 page and in ``ylt
indicators``, as its own return prints it. They computed the consortium's indicators from a
database that holds one unit's figures: its own 家庭医生签约覆盖率 showed "—" (the other
members' figures missing), and 基层诊疗量占比 said nothing of why it is not the unit's."""

from __future__ import annotations

import json

from tests.exchange.test_member_own_return import world  # noqa: F401 - the fixture
from tests.exchange.world import Q
from ylt_desktop.cli import main as cli_main
from ylt_desktop.ui.pages.overview import OverviewPage


def test_the_overview_shows_the_units_own_indicators(qtbot, world) -> None:  # noqa: ANN001, F811
    lead, member = world
    page = OverviewPage(member)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.computed, timeout=60_000):
        page.quarter_box.blockSignals(True)
        page.quarter_box.set_quarter(Q)
        page.quarter_box.blockSignals(False)
        page.refresh()
    assert page.data.quarter == Q
    assert page.indicator_text("primary_share") == "—"
    assert page.indicator_text("contract_rate") == "30.0%"
    qtbot.waitUntil(lambda: not page._workers)


def test_ylt_indicators_prints_the_units_own(world, capsys) -> None:  # noqa: ANN001, F811
    lead, member = world
    assert cli_main(["indicators", "--db", str(member.path), "--quarter", str(Q), "--json"]) == 0
    rows = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["primary_share"]["quarter"] == "—"
    assert "由牵头单位填报" in rows["primary_share"]["basis"]
    assert rows["contract_rate"]["quarter"] == "30.0%"
    assert rows["contract_rate"]["basis"] == "本单位口径"
    # The lead's database prints the consortium's figures as before.
    assert cli_main(["indicators", "--db", str(lead.path), "--quarter", str(Q), "--json"]) == 0
    at_lead = {r["key"]: r for r in json.loads(capsys.readouterr().out)}
    assert "由牵头单位填报" not in at_lead["primary_share"]["basis"]
