"""Issue #16's first done-when: a lead database and three member databases made from rosters;
each member enters its quarter and makes a data package; the lead opens them; the lead's
return equals the return of one database into which the same data were entered directly."""

from __future__ import annotations

from tests.exchange.world import (
    COVER,
    ENTER,
    PASSPHRASE,
    A,
    B,
    C,
    Q,
    build_consortium,
    enter_a,
    enter_b,
    enter_c,
    lead_database,
    make_package,
    member_database,
)
from ylt_desktop.exchange import apply_packages, preview_packages
from ylt_desktop.returns.rows import quarter_rows
from ylt_desktop.store import exchange
from ylt_desktop.store.db import open_database


def figures_of(db) -> list:  # noqa: ANN001
    """Every figure of every table of the return: the rows and the 合计 rows."""
    with db.session() as s:
        ret = quarter_rows(s, Q, cover_fields=COVER)
    return [(t.key, t.rows, t.total_rows) for t in ret.tables]


def test_three_members_report_and_the_lead_return_equals_direct_entry(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    packages = []
    for name in (A, B, C):
        member = member_database(lead, name, tmp_path)
        with member.session() as s:
            assert exchange.database_kind(s) == exchange.MEMBER
        ENTER[name](member)
        packages.append(make_package(member, tmp_path))
        member.close()
    previews = preview_packages(lead, packages, passphrase=PASSPHRASE)
    assert [p.refusal for p in previews] == [None, None, None]
    assert all(not p.conflicts for p in previews)
    counts = previews[0].counts()
    assert counts["rotations"]["新增"] == 1 and counts["rotations"]["不变"] == 1
    assert counts["profile"]["修改"] == 1
    result = apply_packages(lead, previews)
    assert len(result.applied) == 3 and result.backup is not None and result.backup.exists()

    direct = open_database(tmp_path / "direct.sqlite")
    build_consortium(direct)
    enter_a(direct)
    enter_b(direct)
    enter_c(direct)

    got, want = figures_of(lead), figures_of(direct)
    assert [k for k, _r, _t in got] == [k for k, _r, _t in want]
    for (key, rows, totals), (_k, rows2, totals2) in zip(got, want, strict=True):
        assert rows == rows2, key
        assert totals == totals2, key
    assert any(rows for _k, rows, _t in got[1:3])  # 表2/表3 are not empty: the test can fail

    with lead.session() as s:
        statuses = {m.name: m.status for m in exchange.report_status(s, Q)}
    assert statuses == {A: exchange.REPORTED, B: exchange.REPORTED, C: exchange.REPORTED}
    lead.close()
    direct.close()
