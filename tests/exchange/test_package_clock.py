"""A member PC whose clock is wrong (a township clinic's dead CMOS battery, a date typed
wrong): packages are ordered by the time they were made (DESIGN §7: an older one is refused).

A package dated in the future was accepted, and from then on every package the member made at
the right date was "older" and refused, returning the quarter did not help: the member could
not report again until its wrong date had passed. Such a package is now refused first, saying
to check the date; an "older" package's refusal says a wrong date can be the cause.
"""

from __future__ import annotations

import datetime as dt

from tests.exchange.world import (
    PASSPHRASE,
    A,
    Q,
    enter_a,
    lead_database,
    member_database,
)
from ylt_desktop.exchange import apply_packages, make_data_package, preview_packages


def _package(member, folder, now: dt.datetime):  # noqa: ANN001, ANN202
    with member.session() as s:
        return make_data_package(s, quarter=Q, passphrase=PASSPHRASE, out_dir=folder, now=now)


def test_a_package_dated_in_the_future_is_refused_and_blocks_nothing(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    now = dt.datetime.now().replace(microsecond=0)
    ahead = _package(member, tmp_path / "ahead", now + dt.timedelta(days=400))
    [preview] = preview_packages(lead, [ahead], passphrase=PASSPHRASE)
    assert preview.refusal is not None
    assert "日期" in preview.refusal and "电脑" in preview.refusal, preview.refusal
    right = _package(member, tmp_path / "right", now)  # made again once the date is right
    [preview] = preview_packages(lead, [right], passphrase=PASSPHRASE)
    assert preview.refusal is None
    assert len(apply_packages(lead, [preview]).applied) == 1
    member.close()
    lead.close()


def test_an_older_package_says_a_wrong_date_may_be_why(tmp_path) -> None:  # noqa: ANN001
    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    enter_a(member)
    now = dt.datetime.now().replace(microsecond=0)
    first = _package(member, tmp_path / "first", now)
    apply_packages(lead, preview_packages(lead, [first], passphrase=PASSPHRASE))
    behind = _package(member, tmp_path / "behind", now - dt.timedelta(days=3000))
    [preview] = preview_packages(lead, [behind], passphrase=PASSPHRASE)
    assert preview.refusal is not None and "旧" in preview.refusal
    assert "日期" in preview.refusal and "电脑" in preview.refusal, preview.refusal
    member.close()
    lead.close()


def test_a_roster_dated_in_the_future_is_refused_and_blocks_nothing(tmp_path) -> None:  # noqa: ANN001
    # The same trap the other way: a roster made on a lead PC whose date is ahead made every
    # later roster "older" at the member ("请使用牵头单位最新的名册包", which it was).
    from ylt_desktop.exchange import make_roster, open_roster
    from ylt_desktop.exchange.sealed import PackageRefused

    lead = lead_database(tmp_path)
    member = member_database(lead, A, tmp_path)
    now = dt.datetime.now()  # after the roster member_database opened
    with lead.session() as s:
        from tests.exchange.world import unit_ids

        ahead, right = (
            make_roster(
                s,
                member_id=unit_ids(s)[A],
                passphrase=PASSPHRASE,
                out_dir=tmp_path / name,
                now=when,
            )  # fmt: skip
            for name, when in (("ahead", now + dt.timedelta(days=400)), ("right", now))
        )
    with member.session() as s:
        try:
            open_roster(s, ahead, passphrase=PASSPHRASE)
        except PackageRefused as exc:
            assert "日期" in str(exc) and "电脑" in str(exc), str(exc)
        else:
            raise AssertionError("a roster dated a year ahead was opened")
    with member.session() as s:
        assert open_roster(s, right, passphrase=PASSPHRASE).created is False
    member.close()
    lead.close()
