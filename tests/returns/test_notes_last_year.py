"""The 填报说明 says what 表7's 上年同期 is: the same quarters of last year added up (last
year's 本年累计 at the same quarter), which is what 同比 compares 本年累计 with. It read
"上年同期为上年相同季度" — a reader compared 本季度 with it (59.0% against 53.9%) and found
a 同比 that did not add up (+4.0 个百分点 is 57.9% − 53.9%)."""

from __future__ import annotations

from ylt_desktop.domain.periods import Quarter
from ylt_desktop.returns.indicators import quarter_indicators
from ylt_desktop.returns.templates import load_template


def test_the_notes_describe_last_year_as_computed(demo_db) -> None:  # noqa: ANN001
    q, a_year_ago = Quarter(2026, 3), Quarter(2025, 3)
    with demo_db.session() as s:
        now = {r.key: r for r in quarter_indicators(s, q).results}
        then = {r.key: r for r in quarter_indicators(s, a_year_ago).results}
    share = "primary_share"
    assert now[share].last_year == then[share].ytd != then[share].quarter
    notes = "".join(load_template().notes)
    assert "上年相同季度；" not in notes
    assert "上年同期为上年第一季度至相同季度" in notes
    assert "同比为本年累计与上年同期相比" in notes
