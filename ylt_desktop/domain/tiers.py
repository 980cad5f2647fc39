"""Tiers of units, a rotation's 流动方向 and 流动性质, and the dated history of a unit's level
and category (等级变更记录), as DESIGN.md §1 defines them.

Tiers, highest first (a smaller number is a higher tier)::

    1  三级 hospitals                      (any level starting with 三级)
    2  二级 hospitals                      (any level starting with 二级)
    3  county- or township-level units    一级/未定级 hospitals, 乡镇卫生院, 社区卫生服务中心,
                                          专业公共卫生机构 (whatever their level)
    4  village-level units                村卫生室, 社区卫生服务站 (whatever their level)

Grades inside a level (甲等/乙等) do not matter: 三甲 → 三乙 is 平级交流. A township clinic
sending a doctor to its village clinic is 下沉 (县管乡用、乡管村用).

流动性质 (what the return counts) follows from the direction and the form: 上派 + 进修学习 is
上派进修; 下沉 in any other form is 下沉; 进修学习 to an equal or lower tier counts as 平级交流
(with a warning); 上派 in another form is 上派（其他）, counted in neither.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ylt_desktop.domain import lists
from ylt_desktop.domain.problems import Problem, error, warning

TRAINING_WARNING = (
    "进修一般到上级单位：该流动的接收单位不高于派出单位，不计入上派进修，按平级交流统计"
)


def tier(level: str | None, category: str | None) -> int:
    """1 三级, 2 二级, 3 county/township level, 4 village level (see the module doc)."""
    if category in lists.VILLAGE_CATEGORIES:
        return 4
    if category in lists.TOWNSHIP_CATEGORIES:
        return 3
    level = level or ""
    if level.startswith("三级"):
        return 1
    if level.startswith("二级"):
        return 2
    return 3


def direction_of_tiers(giver: int, taker: int) -> str:
    """下沉 when the giver's tier is higher (smaller number), 上派 when lower, else 平级交流."""
    if giver < taker:
        return lists.DIRECTION_DOWN
    if giver > taker:
        return lists.DIRECTION_UP
    return lists.DIRECTION_LEVEL


def derive_direction(
    from_level: str | None, from_category: str | None, to_level: str | None, to_category: str | None
) -> str:
    """The 流动方向 between two units with these levels and categories."""
    return direction_of_tiers(tier(from_level, from_category), tier(to_level, to_category))


def purpose(direction: str, form: str) -> str:
    """流动性质 from 流动方向 and 流动形式 (see the module doc)."""
    if form == lists.TRAINING_FORM:
        return lists.PURPOSE_TRAINING if direction == lists.DIRECTION_UP else lists.PURPOSE_LEVEL
    if direction == lists.DIRECTION_DOWN:
        return lists.PURPOSE_DOWN
    if direction == lists.DIRECTION_UP:
        return lists.PURPOSE_UP_OTHER
    return lists.PURPOSE_LEVEL


def purpose_problems(direction: str | None, form: str) -> list[Problem]:
    """The warning of a 进修学习 that does not go up (DESIGN.md §1, 流动性质)."""
    if direction and form == lists.TRAINING_FORM and direction != lists.DIRECTION_UP:
        return [warning("form", TRAINING_WARNING)]
    return []


# --- 等级变更记录 ------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelEntry:
    """One entry of a unit's history: its level and category from ``since`` on (``None``: from
    the start, the entry made when the unit was entered)."""

    since: dt.date | None
    level: str
    category: str


class LevelHistory:
    """A unit's entries in date order; ``on(day)`` answers its (level, category) on a day.

    A day before the first dated entry takes the first entry (the unit as first entered).
    """

    __slots__ = ("_days", "_entries")

    def __init__(self, entries: Iterable[LevelEntry]) -> None:
        ordered = sorted(entries, key=lambda e: e.since or dt.date.min)
        if not ordered:
            raise ValueError("a level history needs at least one entry")
        self._entries: Sequence[LevelEntry] = ordered
        self._days = [e.since or dt.date.min for e in ordered]

    @property
    def entries(self) -> Sequence[LevelEntry]:
        return self._entries

    def on(self, day: dt.date) -> LevelEntry:
        i = bisect.bisect_right(self._days, day) - 1
        return self._entries[max(i, 0)]

    def tier_on(self, day: dt.date) -> int:
        entry = self.on(day)
        return tier(entry.level, entry.category)


def direction_on(giver: LevelHistory, taker: LevelHistory, day: dt.date) -> str:
    """The 流动方向 of a rotation starting on ``day`` between these two units."""
    return direction_of_tiers(giver.tier_on(day), taker.tier_on(day))


class Directions:
    """``direction_on`` for many rotations, by unit id: most units never changed level, and
    their tier is worked out once instead of looked up by date for every rotation."""

    __slots__ = ("_fixed", "_histories")

    def __init__(self, histories: dict[int, LevelHistory]) -> None:
        self._histories = histories
        self._fixed = {
            unit: tier(h.entries[0].level, h.entries[0].category)
            for unit, h in histories.items()
            if len(h.entries) == 1
        }

    def on(self, giver_id: int, taker_id: int, day: dt.date) -> str:
        """The 流动方向 of a rotation from unit ``giver_id`` to ``taker_id`` starting on ``day``."""
        giver = self._fixed.get(giver_id)
        if giver is None:
            giver = self._histories[giver_id].tier_on(day)
        taker = self._fixed.get(taker_id)
        if taker is None:
            taker = self._histories[taker_id].tier_on(day)
        return direction_of_tiers(giver, taker)


def check_level_change(
    entries: Sequence[LevelEntry], since: dt.date | None, *, joined: dt.date | None
) -> list[Problem]:
    """Rules of a dated change of level or category (``since`` given): it takes effect after the
    latest dated entry and not before the unit joined. ``since=None`` is a correction of the
    entry in force (no rule)."""
    if since is None:
        return []
    last = max((e.since for e in entries if e.since is not None), default=None)
    if last is not None and since < last:
        return [error("level_since", f"等级变更日期不得早于上次变更日期 {last}")]
    if joined is not None and since < joined:
        return [error("level_since", f"等级变更日期不得早于加入日期 {joined}")]
    return []
