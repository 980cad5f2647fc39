"""Tiers, 流动方向, 流动性质 and the dated level history (DESIGN.md §1)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ylt_desktop.domain import lists
from ylt_desktop.domain.problems import Level
from ylt_desktop.domain.tiers import (
    Directions,
    LevelEntry,
    LevelHistory,
    check_level_change,
    derive_direction,
    direction_on,
    purpose,
    purpose_problems,
    tier,
)

D = dt.date

# (level, category, tier written out from DESIGN.md §1)
UNITS = [
    ("三级甲等", "综合医院", 1),
    ("三级乙等", "中医医院", 1),
    ("三级", "专科医院", 1),
    ("三级甲等", "妇幼保健院", 1),
    ("二级甲等", "综合医院", 2),
    ("二级乙等", "妇幼保健院", 2),
    ("二级", "中西医结合医院", 2),
    ("一级", "综合医院", 3),
    ("未定级", "护理院", 3),
    ("未定级", "其他", 3),
    ("", "", 3),
    ("一级", "乡镇卫生院", 3),
    ("二级", "乡镇卫生院", 3),  # a township centre rated 二级 is still township level
    ("未定级", "社区卫生服务中心", 3),
    ("三级甲等", "社区卫生服务中心", 3),
    ("未定级", "专业公共卫生机构", 3),  # public-health units
    ("二级", "专业公共卫生机构", 3),
    ("一级", "社区卫生服务站", 4),
    ("未定级", "村卫生室", 4),
    ("一级", "村卫生室", 4),
]


@pytest.mark.parametrize(("level", "category", "expected"), UNITS)
def test_tier_of_each_kind_of_unit(level, category, expected):
    assert tier(level, category) == expected


@pytest.mark.parametrize(("giver", "taker"), list(itertools.product(UNITS, repeat=2)))
def test_direction_for_every_pair(giver, taker):
    got = derive_direction(giver[0], giver[1], taker[0], taker[1])
    a, b = giver[2], taker[2]
    assert got == ("下沉" if a < b else "上派" if a > b else "平级交流")


def test_every_category_and_level_has_a_tier():
    for level, category in itertools.product(lists.LEVELS, lists.CATEGORIES):
        assert tier(level, category) in (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("direction", "form", "expected"),
    [
        ("上派", "进修学习", "上派进修"),
        ("上派", "坐诊/巡诊", "上派（其他）"),  # a township doctor's clinics at the county hospital
        ("上派", "派驻", "上派（其他）"),
        ("下沉", "派驻", "下沉"),
        ("下沉", "带教/查房", "下沉"),
        ("下沉", "晋升前基层服务", "下沉"),
        ("下沉", "进修学习", "平级交流"),  # 进修 downwards: counted as 平级交流, with a warning
        ("平级交流", "进修学习", "平级交流"),
        ("平级交流", "多点执业", "平级交流"),
    ],
)
def test_purpose(direction, form, expected):
    assert purpose(direction, form) == expected


def test_purpose_for_every_direction_and_form_is_listed():
    for direction, form in itertools.product(lists.DIRECTIONS, lists.ROTATION_FORMS):
        assert purpose(direction, form) in lists.PURPOSES


def test_training_warning_only_when_not_up():
    assert purpose_problems("上派", "进修学习") == []
    assert purpose_problems("下沉", "派驻") == []
    [p] = purpose_problems("平级交流", "进修学习")
    assert (p.field, p.level) == ("form", Level.WARNING)
    assert p.message.startswith("进修一般到上级单位")


# --- history ----------------------------------------------------------------------------

UPGRADED = LevelHistory(
    [
        LevelEntry(D(2026, 7, 1), "三级乙等", "综合医院"),  # given out of order on purpose
        LevelEntry(None, "二级甲等", "综合医院"),
    ]
)
TOWNSHIP = LevelHistory([LevelEntry(None, "一级", "乡镇卫生院")])


def test_history_answers_the_entry_in_force_on_a_day():
    assert UPGRADED.on(D(2020, 1, 1)).level == "二级甲等"
    assert UPGRADED.on(D(2026, 6, 30)).level == "二级甲等"
    assert UPGRADED.on(D(2026, 7, 1)).level == "三级乙等"  # from its date on
    assert UPGRADED.on(D(2030, 1, 1)).level == "三级乙等"
    assert [e.since for e in UPGRADED.entries] == [None, D(2026, 7, 1)]


def test_a_day_before_the_first_dated_entry_takes_the_first():
    dated_only = LevelHistory([LevelEntry(D(2024, 1, 1), "一级", "综合医院")])
    assert dated_only.on(D(2000, 1, 1)).level == "一级"
    with pytest.raises(ValueError):
        LevelHistory([])


def test_direction_follows_the_history_on_the_start_date():
    assert direction_on(UPGRADED, TOWNSHIP, D(2026, 6, 30)) == "下沉"
    assert direction_on(TOWNSHIP, UPGRADED, D(2026, 6, 30)) == "上派"
    # an upgrade 二级 -> 三级 between two hospitals: 平级 before, 上派 from its date
    county = LevelHistory([LevelEntry(None, "二级乙等", "中医医院")])
    assert direction_on(county, UPGRADED, D(2026, 6, 30)) == "平级交流"
    assert direction_on(county, UPGRADED, D(2026, 7, 1)) == "上派"


@settings(deadline=None)
@given(
    st.lists(st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 1, 1)), unique=True, max_size=6),
    st.dates(min_value=D(1990, 1, 1), max_value=D(2050, 1, 1)),
)
def test_history_on_is_the_latest_entry_not_after_the_day(days, day):
    entries = [LevelEntry(None, "未定级", "其他")] + [
        LevelEntry(d, f"L{i}", "其他") for i, d in enumerate(days)
    ]
    found = LevelHistory(entries).on(day)
    started = [e for e in entries[1:] if e.since <= day]
    expected = max(started, key=lambda e: e.since) if started else entries[0]
    assert found == expected


def test_a_dated_change_comes_after_the_last_one_and_after_joining():
    entries = [LevelEntry(None, "二级", "综合医院"), LevelEntry(D(2025, 1, 1), "三级", "综合医院")]
    joined = D(2020, 1, 1)
    assert check_level_change(entries, None, joined=joined) == []  # a correction
    assert check_level_change(entries, D(2025, 1, 1), joined=joined) == []  # rewrites that entry
    assert check_level_change(entries, D(2026, 1, 1), joined=joined) == []
    [p] = check_level_change(entries, D(2024, 12, 31), joined=joined)
    assert (p.field, p.level) == ("level_since", Level.ERROR)
    assert "2025-01-01" in p.message
    [p] = check_level_change(entries[:1], D(2019, 12, 31), joined=joined)
    assert "加入日期" in p.message


_ENTRY = st.builds(
    LevelEntry,
    st.none() | st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 1, 1)),
    st.sampled_from([u[0] for u in UNITS]),
    st.sampled_from([u[1] for u in UNITS]),
)


@settings(deadline=None)
@given(
    st.lists(st.lists(_ENTRY, min_size=1, max_size=3), min_size=1, max_size=5),
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 4),
            st.dates(min_value=D(2019, 1, 1), max_value=D(2031, 1, 1)),
        ),  # fmt: skip
        max_size=20,
    ),
)
def test_directions_of_many_rotations_are_direction_on(units, rotations):
    """The return's shortcut (a unit that never changed level has one tier) answers as
    ``direction_on`` does, whether or not either unit changed level."""
    histories = {n: LevelHistory(entries) for n, entries in enumerate(units)}
    directions = Directions(histories)
    for giver, taker, day in rotations:
        if giver in histories and taker in histories:
            expected = direction_on(histories[giver], histories[taker], day)
            assert directions.on(giver, taker, day) == expected
    with pytest.raises(KeyError):  # a unit without a history is an error, as before
        directions.on(len(units), 0, D(2026, 1, 1))
