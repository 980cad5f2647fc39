"""Agreement rules: status at every boundary date, parties, shares and quarterly volumes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ylt_desktop.domain import lists
from ylt_desktop.domain.agreement import (
    AgreementData,
    expires_within,
    in_force_days,
    in_force_in,
    measures_for,
    missing_volumes,
    status_on,
    validate_agreement,
)
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Level

D = dt.date
FROM, TO, TERM = D(2026, 3, 1), D(2026, 12, 31), D(2026, 6, 15)


def status(day, effective_from=FROM, effective_to=TO, terminated_on=None):
    return status_on(
        day, effective_from=effective_from, effective_to=effective_to, terminated_on=terminated_on
    )


# --- status --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 28), "待生效"),
        (D(2026, 3, 1), "生效"),
        (D(2026, 3, 2), "生效"),
        (D(2026, 12, 30), "生效"),
        (D(2026, 12, 31), "生效"),
        (D(2027, 1, 1), "到期"),
    ],
)
def test_status_around_effective_dates(day, expected):
    assert status(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 28), "待生效"),
        (D(2026, 6, 14), "生效"),
        (D(2026, 6, 15), "终止"),
        (D(2026, 6, 16), "终止"),
        (D(2027, 1, 1), "终止"),  # stays 终止, never 到期
    ],
)
def test_status_around_termination(day, expected):
    assert status(day, terminated_on=TERM) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(D(2026, 1, 1), "草拟"), (D(2026, 6, 14), "草拟"), (D(2026, 6, 15), "终止")],
)
def test_status_without_effective_date(day, expected):
    assert status(day, effective_from=None, effective_to=None, terminated_on=TERM) == expected


def test_status_open_ended():
    assert status(D(2099, 1, 1), effective_to=None) == "生效"
    assert status(D(2026, 2, 28), effective_to=None) == "待生效"


def test_status_terminated_before_it_took_effect():
    assert status(D(2026, 2, 27), terminated_on=D(2026, 2, 28)) == "待生效"
    assert status(D(2026, 3, 1), terminated_on=D(2026, 2, 28)) == "终止"


def test_every_status_is_a_listed_status():
    seen = {
        status(D(2026, 1, 1), effective_from=None),
        status(D(2026, 1, 1)),
        status(D(2026, 5, 1)),
        status(D(2027, 5, 1)),
        status(D(2026, 7, 1), terminated_on=TERM),
    }
    assert seen == set(lists.AGREEMENT_STATUSES)


# --- in force -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        ((FROM, TO, None), (FROM, TO)),
        ((FROM, None, None), (FROM, None)),
        ((FROM, TO, TERM), (FROM, D(2026, 6, 14))),
        ((FROM, None, TERM), (FROM, D(2026, 6, 14))),
        ((FROM, TO, D(2027, 3, 1)), (FROM, TO)),  # terminated after it expired
        ((FROM, TO, FROM), None),  # terminated on its first day: never in force
        ((None, TO, None), None),  # draft
    ],
)
def test_in_force_days(dates, expected):
    f, t, term = dates
    assert in_force_days(effective_from=f, effective_to=t, terminated_on=term) == expected


@pytest.mark.parametrize(
    ("dates", "quarter", "expected"),
    [
        ((D(2026, 3, 31), None, None), Quarter(2026, 1), True),  # one day in Q1
        ((D(2026, 1, 1), D(2026, 3, 31), None), Quarter(2026, 2), False),
        ((D(2026, 1, 1), D(2026, 4, 1), None), Quarter(2026, 2), True),
        ((D(2026, 1, 1), None, D(2026, 4, 1)), Quarter(2026, 2), False),  # 终止 on 1 April
        ((D(2026, 1, 1), None, D(2026, 4, 2)), Quarter(2026, 2), True),
        ((D(2026, 7, 1), None, None), Quarter(2026, 2), False),
        ((None, None, None), Quarter(2026, 2), False),
    ],
)
def test_in_force_in_quarter(dates, quarter, expected):
    f, t, term = dates
    assert in_force_in(quarter, effective_from=f, effective_to=t, terminated_on=term) is expected


dates = st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31))


@given(st.one_of(st.none(), dates), st.one_of(st.none(), dates), st.one_of(st.none(), dates))
def test_in_force_in_means_some_day_of_the_quarter_is_in_force(f, t, term):
    if f is not None and t is not None and t < f:
        f, t = t, f
    for year in (2025, 2026, 2027):
        for q in range(1, 5):
            quarter = Quarter(year, q)
            days = [quarter.first_day + dt.timedelta(i) for i in range(quarter.days)]
            any_day = any(status(d, f, t, term) == "生效" for d in days)
            got = in_force_in(quarter, effective_from=f, effective_to=t, terminated_on=term)
            assert got is any_day


# --- measures and expiry ---------------------------------------------------------


def test_measures_for_kinds():
    assert measures_for("双向转诊绿色通道", "") == ("上转人次", "下转人次")
    assert measures_for("区域医学影像中心", "ignored") == ("影像诊断例数",)
    assert measures_for("其他", " 家庭病床数 ") == ("家庭病床数",)
    assert measures_for("其他", "  ") == ()
    assert measures_for("不存在的类型", "") == ()


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (None, False),
        (D(2026, 5, 31), False),  # already past
        (D(2026, 6, 1), True),  # today
        (D(2026, 7, 1), True),  # 30 days on
        (D(2026, 7, 2), False),  # 31 days on
    ],
)
def test_expires_within(end, expected):
    assert expires_within(D(2026, 6, 1), end) is expected


def test_expires_within_other_window():
    assert expires_within(D(2026, 6, 1), D(2026, 6, 8), days=7) is True
    assert expires_within(D(2026, 6, 1), D(2026, 6, 9), days=7) is False


# --- validate_agreement ------------------------------------------------------------


def agreement(**changes) -> AgreementData:
    base = AgreementData(
        number="YLT-2026-001",
        title="区域影像中心共享协议",
        kind="区域医学影像中心",
        provider_id=1,
        recipient_ids=[2, 3],
        signed=D(2026, 2, 20),
        effective_from=FROM,
        effective_to=TO,
        provider_share=40.0,
        recipient_shares={2: 30.0, 3: 30.0},
        volumes={("2026Q1", "影像诊断例数"): 120, ("2026Q2", "影像诊断例数"): 480},
    )
    return dataclasses.replace(base, **changes)


def error_fields(problems):
    return [p.field for p in problems if p.level == Level.ERROR]


def test_a_complete_agreement_has_no_problems():
    assert validate_agreement(agreement()) == []
    assert validate_agreement(agreement(provider_share=None, recipient_shares={})) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": " "}, "number"),
        ({"title": ""}, "title"),
        ({"kind": "", "volumes": {}}, "kind"),
        ({"kind": "远程教育", "volumes": {}}, "kind"),
        ({"provider_id": None}, "provider_id"),
        ({"recipient_ids": [], "recipient_shares": {}, "provider_share": None}, "recipient_ids"),
        ({"recipient_ids": [2, 3, 3]}, "recipient_ids"),
        ({"kind": "其他", "volumes": {}}, "other_measure"),
        ({"effective_to": D(2026, 2, 28)}, "effective_to"),
        ({"terminated_on": TERM}, "termination_reason"),
        ({"termination_reason": "接收方退出医联体"}, "terminated_on"),
    ],
)
def test_single_rule_broken(changes, field):
    assert error_fields(validate_agreement(agreement(**changes))) == [field]


def test_effective_to_equal_to_effective_from_is_fine():
    one_day = agreement(effective_to=FROM, volumes={("2026Q1", "影像诊断例数"): 3})
    assert validate_agreement(one_day) == []


def test_termination_with_date_and_reason_is_fine():
    ended = agreement(terminated_on=TERM, termination_reason="设备报废")
    assert validate_agreement(ended) == []


def test_provider_among_recipients():
    problems = validate_agreement(agreement(recipient_ids=[1, 2], recipient_shares={1: 30, 2: 30}))
    assert [(p.field, p.message) for p in problems] == [
        ("recipient_ids", "提供方不得同时作为接收方")
    ]


@pytest.mark.parametrize(
    ("provider", "shares", "ok"),
    [
        (40.0, {2: 30.0, 3: 30.0}, True),
        (40.0, {2: 30.0, 3: 29.995}, True),  # within 0.01
        (40.0, {2: 30.0, 3: 29.98}, False),
        (40.0, {2: 30.0, 3: 20.0}, False),  # 90
        (50.0, {2: 30.0, 3: 30.0}, False),  # 110
        (None, {2: 50.0, 3: 50.0}, True),  # provider takes nothing
        (100.0, {}, True),
        (70.0, {}, False),
    ],
)
def test_shares_add_up_to_100(provider, shares, ok):
    problems = validate_agreement(agreement(provider_share=provider, recipient_shares=shares))
    assert error_fields(problems) == ([] if ok else ["provider_share"])
    if not ok:
        assert "100%" in problems[0].message


def test_shares_must_not_be_negative():
    problems = validate_agreement(agreement(provider_share=-10.0, recipient_shares={2: 60, 3: 50}))
    assert error_fields(problems) == ["provider_share"]
    problems = validate_agreement(agreement(provider_share=60.0, recipient_shares={2: -10, 3: 50}))
    assert error_fields(problems) == ["recipient_shares.2"]


@pytest.mark.parametrize("odd", [math.inf, -math.inf, math.nan])
def test_shares_and_volumes_must_be_finite(odd):
    """float("inf") and float("nan") parse from typed or imported text; none may be stored
    (an infinite volume made the return's exact 合计 raise)."""
    problems = validate_agreement(agreement(provider_share=odd, recipient_shares={2: 50, 3: 50}))
    assert "provider_share" in error_fields(problems)
    problems = validate_agreement(agreement(provider_share=0.0, recipient_shares={2: odd, 3: 50}))
    assert "recipient_shares.2" in error_fields(problems)
    problems = validate_agreement(agreement(volumes={("2026Q2", "影像诊断例数"): odd}))
    assert error_fields(problems) == ["volumes.2026Q2.影像诊断例数"]
    assert "须为不小于 0 的数" in problems[0].message


def test_share_for_an_institution_that_is_not_a_recipient():
    problems = validate_agreement(agreement(recipient_shares={2: 30.0, 9: 30.0}))
    assert error_fields(problems) == ["recipient_shares.9"]


def test_a_measure_not_of_the_kind():
    problems = validate_agreement(agreement(volumes={("2026Q2", "检验标本数"): 10}))
    assert error_fields(problems) == ["volumes.2026Q2.检验标本数"]
    assert "“检验标本数”不是“区域医学影像中心”协议的服务量指标" in problems[0].message
    assert "影像诊断例数" in problems[0].message


def test_other_kind_uses_its_named_measure():
    d = agreement(kind="其他", other_measure="家庭病床数", volumes={("2026Q2", "家庭病床数"): 8})
    assert validate_agreement(d) == []
    wrong = dataclasses.replace(d, volumes={("2026Q2", "影像诊断例数"): 8})
    assert error_fields(validate_agreement(wrong)) == ["volumes.2026Q2.影像诊断例数"]


def test_negative_volume():
    problems = validate_agreement(agreement(volumes={("2026Q2", "影像诊断例数"): -1}))
    assert error_fields(problems) == ["volumes.2026Q2.影像诊断例数"]


@pytest.mark.parametrize(
    ("changes", "quarter", "validity"),
    [
        ({}, "2025Q4", "有效期 2026-03-01 至 2026-12-31"),
        ({}, "2027Q1", "有效期 2026-03-01 至 2026-12-31"),
        ({"effective_to": None}, "2026Q1", None),  # in force from 1 March: fine
        ({"effective_to": None}, "2025Q4", "有效期自 2026-03-01 起"),
        (
            {"terminated_on": D(2026, 4, 1), "termination_reason": "撤销"},
            "2026Q2",
            "有效期 2026-03-01 至 2026-03-31",
        ),
        ({"effective_from": None, "effective_to": None}, "2026Q1", "尚未填写生效日期"),
    ],
)
def test_volumes_outside_validity(changes, quarter, validity):
    d = agreement(**changes, volumes={(quarter, "影像诊断例数"): 5})
    problems = validate_agreement(d)
    if validity is None:
        assert problems == []
        return
    assert error_fields(problems) == [f"volumes.{quarter}.影像诊断例数"]
    label = Quarter.parse(quarter).label
    assert label in problems[0].message and validity in problems[0].message


def test_bad_quarter_in_volumes():
    problems = validate_agreement(agreement(volumes={("2026-7", "影像诊断例数"): 5}))
    assert error_fields(problems) == ["volumes.2026-7.影像诊断例数"]


def test_missing_volumes_only_in_quarters_in_force():
    d = agreement(kind="双向转诊绿色通道", volumes={("2026Q2", "上转人次"): 12})
    assert missing_volumes(d, Quarter(2026, 2)) == ["下转人次"]
    assert missing_volumes(d, Quarter(2026, 3)) == ["上转人次", "下转人次"]
    assert missing_volumes(d, Quarter(2027, 1)) == []
