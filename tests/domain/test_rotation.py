"""Rotation rules: direction, quarter days, overlaps, membership and promotion service."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ylt_desktop.domain import lists
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.problems import Level
from ylt_desktop.domain.rotation import (
    PROMOTION_SERVICE_TARGET,
    VOLUME_LABELS,
    QuarterFigures,
    RotationData,
    Span,
    default_days,
    derive_direction,
    find_overlaps,
    promotion_service_days,
    quarter_days,
    split_quarters,
    validate_rotation,
)

D = dt.date
TODAY = D(2026, 11, 15)
MEMBER = (D(2020, 1, 1), None)
dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# --- direction (the tiers themselves are tested in test_tiers.py) ----------------


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (("三级甲等", "综合医院", "二级甲等", "综合医院"), "下沉"),
        (("二级甲等", "综合医院", "一级", "乡镇卫生院"), "下沉"),
        (("一级", "综合医院", "未定级", "村卫生室"), "下沉"),
        (("一级", "乡镇卫生院", "三级甲等", "综合医院"), "上派"),
        (("三级甲等", "综合医院", "三级乙等", "中医医院"), "平级交流"),
        (("一级", "乡镇卫生院", "未定级", "村卫生室"), "下沉"),  # 乡管村用
        (("未定级", "其他", "一级", "综合医院"), "平级交流"),
    ],
)
def test_direction_examples(pair, expected):
    assert derive_direction(*pair) == expected


def test_training_that_does_not_go_up_is_a_warning():
    data = RotationData(
        staff_id=1, from_id=1, to_id=2, form="进修学习", start=D(2026, 1, 5), end=D(2026, 2, 5)
    )
    kw = dict(from_member=MEMBER, to_member=MEMBER, others=[], today=TODAY)
    for direction in ("下沉", "平级交流"):
        found = validate_rotation(data, direction=direction, **kw)
        assert [(p.field, p.level) for p in found] == [("form", Level.WARNING)], direction
        assert "进修一般到上级单位" in found[0].message
    assert validate_rotation(data, direction="上派", **kw) == []
    assert validate_rotation(data, **kw) == []  # direction unknown: no warning
    clinic = dataclasses.replace(data, form="坐诊/巡诊", quarters={"2026Q1": QuarterFigures(3)})
    assert validate_rotation(clinic, direction="上派", **kw) == []


# --- days per quarter ------------------------------------------------------------


def test_volume_labels_are_the_listed_volumes():
    assert sorted(VOLUME_LABELS.values()) == sorted(lists.ROTATION_VOLUMES)
    assert set(VOLUME_LABELS) <= {f.name for f in dataclasses.fields(QuarterFigures)}


@pytest.mark.parametrize("form", ["派驻", "晋升前基层服务", "进修学习"])
def test_default_days_for_full_time_forms(form):
    q3 = Quarter(2026, 3)
    assert default_days(form, D(2026, 7, 15), D(2026, 10, 20), q3) == 17 + 31 + 30
    assert default_days(form, D(2026, 5, 1), None, q3) == 92
    assert default_days(form, D(2026, 10, 1), None, q3) == 0


@pytest.mark.parametrize("form", ["坐诊/巡诊", "带教/查房", "多点执业"])
def test_default_days_left_to_the_clerk(form):
    assert default_days(form, D(2026, 7, 15), D(2026, 10, 20), Quarter(2026, 3)) is None


def test_split_across_a_year_end():
    got = split_quarters(D(2025, 12, 15), D(2026, 1, 10), today=TODAY)
    assert got == [(Quarter(2025, 4), 17), (Quarter(2026, 1), 10)]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 1, 1), D(2024, 3, 31), [(Quarter(2024, 1), 91)]),
        (D(2024, 2, 1), D(2024, 3, 31), [(Quarter(2024, 1), 29 + 31)]),
        (D(2024, 2, 29), D(2024, 2, 29), [(Quarter(2024, 1), 1)]),
        (D(2024, 2, 29), D(2024, 4, 1), [(Quarter(2024, 1), 32), (Quarter(2024, 2), 1)]),
        (D(2025, 2, 1), D(2025, 3, 31), [(Quarter(2025, 1), 28 + 31)]),
    ],
)
def test_split_around_leap_days(start, end, expected):
    assert split_quarters(start, end, today=TODAY) == expected


def test_split_open_end_runs_to_the_quarter_of_today():
    got = split_quarters(D(2026, 2, 10), None, today=D(2026, 5, 20))
    assert got == [(Quarter(2026, 1), 19 + 31), (Quarter(2026, 2), 91)]


def test_split_open_end_starting_later_still_shows_its_first_quarter():
    got = split_quarters(D(2026, 8, 1), None, today=D(2026, 5, 20))
    assert got == [(Quarter(2026, 3), 31 + 30)]


@given(dates, dates)
def test_split_days_add_up_to_the_range(a, b):
    start, end = min(a, b), max(a, b)
    parts = split_quarters(start, end, today=TODAY)
    assert sum(days for _, days in parts) == (end - start).days + 1
    quarters = [q for q, _ in parts]
    assert quarters[0] == Quarter.containing(start) and quarters[-1] == Quarter.containing(end)
    assert all(q.next() == n for q, n in itertools.pairwise(quarters))
    counted = collections.Counter(Quarter.containing(d) for d in _days(start, end))
    assert dict(parts) == counted


def _rotation(**changes) -> RotationData:
    base = RotationData(
        staff_id=7,
        from_id=1,
        to_id=2,
        form="派驻",
        start=D(2026, 7, 1),
        end=D(2026, 9, 30),
    )
    return dataclasses.replace(base, **changes)


def test_quarter_days_entered_default_or_missing():
    q3 = Quarter(2026, 3)
    assert quarter_days(_rotation(), q3) == 92
    entered = _rotation(quarters={"2026Q3": QuarterFigures(days=40)})
    assert quarter_days(entered, q3) == 40
    assert quarter_days(_rotation(form="坐诊/巡诊"), q3) is None


# --- overlaps --------------------------------------------------------------------

PAIZHU = Span(11, D(2026, 3, 1), D(2026, 3, 31), "派驻", "县人民医院 → 大树乡卫生院")


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [
        (D(2026, 3, 31), D(2026, 5, 1), True),  # shares 31 March
        (D(2026, 2, 1), D(2026, 3, 1), True),  # shares 1 March
        (D(2026, 4, 1), D(2026, 5, 1), False),  # starts the day after
        (D(2026, 1, 1), D(2026, 2, 28), False),  # ends the day before
        (D(2026, 3, 10), D(2026, 3, 12), True),  # inside
        (D(2025, 1, 1), None, True),  # open end reaches it
        (D(2026, 4, 1), None, False),  # open end, but after it
    ],
)
def test_overlap_boundaries(start, end, clash):
    new = Span(None, start, end, "进修学习", "")
    assert find_overlaps(new, [PAIZHU]) == ([PAIZHU] if clash else [])


def test_an_open_ended_other_rotation_conflicts_with_anything_later():
    ongoing = Span(12, D(2026, 1, 1), None, "晋升前基层服务", "市一院 → 大树乡卫生院")
    assert find_overlaps(Span(None, D(2030, 6, 1), D(2030, 6, 2), "派驻", ""), [ongoing]) == [
        ongoing
    ]
    assert find_overlaps(Span(None, D(2025, 6, 1), D(2025, 12, 31), "派驻", ""), [ongoing]) == []


@pytest.mark.parametrize("form", ["坐诊/巡诊", "带教/查房", "多点执业"])
def test_non_full_time_forms_never_conflict(form):
    assert find_overlaps(Span(None, D(2026, 3, 1), D(2026, 3, 31), form, ""), [PAIZHU]) == []
    clinic = dataclasses.replace(PAIZHU, form=form)
    assert find_overlaps(Span(None, D(2026, 3, 1), D(2026, 3, 31), "派驻", ""), [clinic]) == []


def test_a_rotation_does_not_overlap_itself():
    assert find_overlaps(PAIZHU, [PAIZHU]) == []


spans = st.builds(
    lambda start, length, open_end: (start, None if open_end else start + dt.timedelta(length)),
    dates,
    st.integers(0, 120),
    st.booleans(),
)


@given(spans, spans)
def test_overlap_means_a_shared_day(a, b):
    horizon = D(2031, 12, 31)
    days_a = set(_days(a[0], a[1] or horizon))
    days_b = set(_days(b[0], b[1] or horizon))
    new = Span(None, a[0], a[1], "派驻", "")
    other = Span(1, b[0], b[1], "进修学习", "x")
    assert bool(find_overlaps(new, [other])) == bool(days_a & days_b)


# --- validate_rotation -------------------------------------------------------------


def check(d: RotationData, **kw):
    args = {"from_member": MEMBER, "to_member": MEMBER, "others": [], "today": TODAY}
    args.update(kw)
    return validate_rotation(d, **args)


def errors(problems):
    return [(p.field, p.message) for p in problems if p.level == Level.ERROR]


def test_a_complete_rotation_has_no_problems():
    d = _rotation(quarters={"2026Q3": QuarterFigures(days=92, outpatient=300, procedures=12)})
    assert check(d) == []


def test_end_before_start():
    problems = check(_rotation(start=D(2026, 7, 2), end=D(2026, 7, 1)))
    assert errors(problems) == [("end", "结束日期不得早于开始日期")]
    assert check(_rotation(start=D(2026, 7, 1), end=D(2026, 7, 1))) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"staff_id": None}, "staff_id"),
        ({"from_id": None}, "from_id"),
        ({"to_id": None}, "to_id"),
        ({"to_id": 1}, "to_id"),  # same as from
        ({"form": ""}, "form"),
        ({"form": "挂职"}, "form"),
        ({"start": None}, "start"),
    ],
)
def test_required_fields(changes, field):
    assert [f for f, _ in errors(check(_rotation(**changes)))] == [field]


@pytest.mark.parametrize(
    ("member", "end", "ok"),
    [
        ((D(2026, 7, 1), None), D(2026, 9, 30), True),  # joined on the first day
        ((D(2026, 7, 2), None), D(2026, 9, 30), False),  # joined a day late
        ((D(2020, 1, 1), D(2026, 9, 30)), D(2026, 9, 30), True),  # left on the last day
        ((D(2020, 1, 1), D(2026, 9, 29)), D(2026, 9, 30), False),  # left a day early
        ((D(2020, 1, 1), D(2030, 1, 1)), None, False),  # open-ended needs left empty
        ((D(2020, 1, 1), None), None, True),
        (None, D(2026, 9, 30), False),  # not a member at all
    ],
)
@pytest.mark.parametrize("side", ["from", "to"])
def test_both_institutions_are_members_all_along(member, end, ok, side):
    d = _rotation(end=end)
    problems = check(d, **{f"{side}_member": member})
    assert [f for f, _ in errors(problems)] == ([] if ok else [f"{side}_id"])


def test_overlap_names_the_other_rotation():
    other = Span(3, D(2026, 3, 1), D(2026, 5, 31), "派驻", "县人民医院 → 大树乡卫生院")
    problems = check(_rotation(start=D(2026, 5, 31), end=D(2026, 6, 30)), others=[other])
    assert errors(problems) == [
        (
            "start",
            "该人员在 2026-03-01 至 2026-05-31 已有全职流动（派驻，县人民医院 → 大树乡卫生院），日期重叠",
        )
    ]
    assert check(_rotation(start=D(2026, 6, 1), end=D(2026, 6, 30)), others=[other]) == []


def test_clinics_may_overlap_a_posting():
    other = Span(3, D(2026, 1, 1), None, "派驻", "县人民医院 → 大树乡卫生院")
    d = _rotation(form="坐诊/巡诊", quarters={"2026Q3": QuarterFigures(days=10)})
    assert check(d, others=[other]) == []


def test_days_above_the_calendar_days_of_the_quarter():
    d = _rotation(quarters={"2026Q3": QuarterFigures(days=95)})
    assert errors(check(d)) == [
        ("quarters.2026Q3.days", "2026年第3季度：工作天数 95 超过本季度内的日历天数 92")
    ]


@pytest.mark.parametrize(("days", "ok"), [(78, True), (79, False), (0, True), (-1, False)])
def test_days_limited_to_the_rotation_inside_the_quarter(days, ok):
    d = _rotation(start=D(2026, 7, 15), quarters={"2026Q3": QuarterFigures(days=days)})
    assert [f for f, _ in errors(check(d))] == ([] if ok else ["quarters.2026Q3.days"])


def test_figures_for_a_quarter_the_rotation_does_not_touch():
    d = _rotation(quarters={"2026Q2": QuarterFigures(days=1)})
    assert [f for f, _ in errors(check(d))] == ["quarters.2026Q2"]


def test_figures_for_a_quarter_not_yet_begun():
    d = _rotation(end=None, quarters={"2027Q1": QuarterFigures(days=1)})
    assert [f for f, _ in errors(check(d))] == ["quarters.2027Q1"]


def test_bad_quarter_key():
    d = _rotation(quarters={"2026Q9": QuarterFigures(days=1)})
    assert [f for f, _ in errors(check(d))] == ["quarters.2026Q9"]


@pytest.mark.parametrize("attr", list(VOLUME_LABELS))
def test_volumes_must_be_counts(attr):
    bad = QuarterFigures(days=10, **{attr: -1})
    problems = check(_rotation(quarters={"2026Q3": bad}))
    assert errors(problems) == [
        (f"quarters.2026Q3.{attr}", f"2026年第3季度：{VOLUME_LABELS[attr]}须为不小于 0 的整数")
    ]


def test_missing_days_warn_for_clinics_only():
    clinic = _rotation(form="坐诊/巡诊", quarters={"2026Q3": QuarterFigures(outpatient=5)})
    problems = check(clinic)
    assert [(p.field, p.level) for p in problems] == [("quarters.2026Q3.days", Level.WARNING)]
    assert "未填写工作天数" in problems[0].message
    posting = _rotation(quarters={"2026Q3": QuarterFigures(outpatient=5)})
    assert check(posting) == []


def test_finished_quarters_without_figures_warn_for_clinics():
    clinic = _rotation(form="带教/查房", start=D(2026, 2, 1), end=None)
    problems = check(clinic, today=D(2026, 8, 1))
    assert [(p.field, p.level) for p in problems] == [
        ("quarters.2026Q1.days", Level.WARNING),
        ("quarters.2026Q2.days", Level.WARNING),
    ]
    assert check(dataclasses.replace(clinic, form="派驻"), today=D(2026, 8, 1)) == []


def test_starting_elsewhere_than_home_is_a_warning():
    problems = check(_rotation(), staff_home_id=5)
    assert [(p.field, p.level) for p in problems] == [("from_id", Level.WARNING)]
    assert check(_rotation(), staff_home_id=1) == []


# --- promotion service -------------------------------------------------------------


def test_promotion_days_count_overlaps_once_and_ignore_other_forms():
    rotations = [
        ("晋升前基层服务", D(2026, 1, 1), D(2026, 1, 31)),
        ("晋升前基层服务", D(2026, 1, 20), D(2026, 2, 10)),  # 11 days already counted
        ("派驻", D(2026, 3, 1), D(2026, 3, 31)),
        ("晋升前基层服务", D(2026, 2, 11), D(2026, 2, 11)),
    ]
    assert promotion_service_days(rotations, today=TODAY) == 31 + 10 + 1


def test_promotion_days_stop_at_today():
    rotations = [("晋升前基层服务", D(2026, 1, 1), None), ("晋升前基层服务", D(2027, 1, 1), None)]
    assert promotion_service_days(rotations, today=D(2026, 1, 10)) == 10
    closed = [("晋升前基层服务", D(2026, 1, 1), D(2026, 12, 31))]
    assert promotion_service_days(closed, today=D(2026, 1, 10)) == 10


def test_a_full_year_reaches_the_target():
    year = [("晋升前基层服务", D(2025, 3, 1), D(2026, 2, 28))]
    assert promotion_service_days(year, today=TODAY) == 365 == PROMOTION_SERVICE_TARGET


promotion_rows = st.lists(
    st.tuples(
        st.sampled_from(["晋升前基层服务", "派驻", "坐诊/巡诊"]),
        dates,
        st.one_of(st.none(), st.integers(0, 400)),
    ),
    max_size=6,
)


@given(promotion_rows, dates)
def test_promotion_days_are_the_distinct_days_served(rows, today):
    rotations = [
        (form, start, None if n is None else start + dt.timedelta(n)) for form, start, n in rows
    ]
    served: set[dt.date] = set()
    for form, start, end in rotations:
        if form == "晋升前基层服务":
            served.update(d for d in _days(start, end or today) if d <= today)
    assert promotion_service_days(rotations, today=today) == len(served)
