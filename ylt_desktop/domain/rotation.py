"""Staff rotation (人员柔性流动 / 下沉) rules of DESIGN.md §1: days, overlaps, membership.

Direction and purpose (流动方向, 流动性质) live in ``tiers.py``; ``derive_direction`` is
re-exported here for callers that know it from this module.

Missing working days: full-time forms (派驻, 晋升前基层服务, 进修学习) fall back to the
calendar days of the rotation inside the quarter, so they never lack days. For the other
forms the clerk enters the days; a missing figure is a *warning* here (the record may be
saved half-filled) and ``quarter_days`` returns ``None`` so the pre-export check can flag it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import ric_in_text_problems, unless_kept
from ylt_desktop.domain.periods import Quarter, overlap_days, quarters_between
from ylt_desktop.domain.problems import Problem, error, warning
from ylt_desktop.domain.tiers import (
    derive_direction,  # noqa: F401 - re-exported
    purpose_problems,
)

PROMOTION_FORM = "晋升前基层服务"
PROMOTION_SERVICE_TARGET = 365

Member = tuple[dt.date | None, dt.date | None]
"""(joined, left) of an institution; ``left=None`` while it is still a member."""


@dataclass
class QuarterFigures:
    """One rotation's own figures for one quarter; ``days=None`` means not entered."""

    days: int | None = None
    outpatient: int = 0
    procedures: int = 0
    trainees: int = 0
    rounds: int = 0
    lectures: int = 0


# Attribute of QuarterFigures -> the volume's name (lists.ROTATION_VOLUMES).
VOLUME_LABELS: dict[str, str] = {
    "outpatient": "门急诊人次",
    "procedures": "手术/操作台次",
    "trainees": "带教培训人次",
    "rounds": "查房次数",
    "lectures": "讲座次数",
}


@dataclass
class RotationData:
    """What a form or an import row holds for one rotation; quarters are keyed ``2026Q3``."""

    staff_id: int | None = None
    from_id: int | None = None
    to_id: int | None = None
    form: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    quarters: dict[str, QuarterFigures] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """Another rotation of the same person, as the overlap check needs it."""

    id: int | None
    start: dt.date
    end: dt.date | None
    form: str
    label: str  # e.g. "县人民医院 → 大树乡卫生院"


def calendar_days(start: dt.date, end: dt.date | None, quarter: Quarter) -> int:
    """Days of the rotation inside ``quarter`` (an open end runs to the quarter's last day)."""
    return overlap_days(start, end, quarter.first_day, quarter.last_day)


def default_days(form: str, start: dt.date, end: dt.date | None, quarter: Quarter) -> int | None:
    """Calendar days inside the quarter for full-time forms; ``None`` (clerk enters) otherwise."""
    if form not in lists.FULL_TIME_FORMS:
        return None
    return calendar_days(start, end, quarter)


def quarter_days(d: RotationData, quarter: Quarter) -> int | None:
    """The quarter's working days: entered, else the full-time default, else ``None``."""
    figures = d.quarters.get(str(quarter))
    if figures is not None and figures.days is not None:
        return figures.days
    if d.start is None:
        return None
    return default_days(d.form, d.start, d.end, quarter)


def split_quarters(
    start: dt.date, end: dt.date | None, *, today: dt.date
) -> list[tuple[Quarter, int]]:
    """Each quarter the rotation touches with its calendar days there.

    An open end runs up to the quarter containing ``today`` (or the first quarter, when the
    rotation has not started yet), counting that quarter to its last day.
    """
    last = end if end is not None else max(today, start)
    return [(q, calendar_days(start, end, q)) for q in quarters_between(start, last)]


def _ranges_meet(a: Span, b: Span) -> bool:
    return a.start <= (b.end or dt.date.max) and b.start <= (a.end or dt.date.max)


def find_overlaps(new: Span, others: Iterable[Span]) -> list[Span]:
    """Full-time rotations among ``others`` sharing at least one day with ``new``.

    Only full-time forms conflict; sharing a single day counts. ``new`` itself (same non-None
    id) is skipped, so the caller may pass all the person's rotations when editing.
    """
    if new.form not in lists.FULL_TIME_FORMS:
        return []
    return [
        o
        for o in others
        if o.form in lists.FULL_TIME_FORMS
        and not (new.id is not None and o.id == new.id)
        and _ranges_meet(new, o)
    ]


def promotion_service_days(
    rotations: Iterable[tuple[str, dt.date, dt.date | None]], *, today: dt.date
) -> int:
    """Days of 晋升前基层服务 served up to and including ``today``; overlaps count once."""
    ranges = sorted(
        (start, min(end or today, today))
        for form, start, end in rotations
        if form == PROMOTION_FORM and start <= today
    )
    total, covered_to = 0, None
    for start, end in ranges:
        if covered_to is not None and start <= covered_to:
            start = covered_to + dt.timedelta(days=1)
        if end >= start:
            total += (end - start).days + 1
            covered_to = end
    return total


def validate_rotation(
    d: RotationData,
    *,
    from_member: Member | None,
    to_member: Member | None,
    others: Iterable[Span],
    today: dt.date,
    staff_home_id: int | None = None,
    direction: str | None = None,
) -> list[Problem]:
    """Every rule one rotation breaks.

    ``from_member``/``to_member`` are the (joined, left) dates of the chosen institutions,
    ``None`` when the institution is not a member at all. ``others`` are the person's other
    rotations (exclude this one, or give it its id). ``staff_home_id``, when known, adds a
    warning if the rotation does not start from the person's own institution. ``direction``,
    when known (the units' tiers on the start date), adds the warning of a 进修学习 that does
    not go up.
    """
    problems = _check_parties(d, staff_home_id) + purpose_problems(direction, d.form)
    date_problems = _check_dates(d)
    if date_problems or d.start is None:
        return problems + date_problems
    problems += _check_member(d, "from_id", "派出单位", d.from_id, from_member)
    problems += _check_member(d, "to_id", "接收单位", d.to_id, to_member)
    problems += _overlap_problems(d, others)
    problems += _check_quarters(d, d.start, today)
    return problems


def note_problems(note: str | None, *, stored: str | None = None) -> list[Problem]:
    """The rules of a rotation's 备注 (kept apart from ``RotationData``): no whole identity
    number, which every list, the return and the package would show unmasked. ``stored``: the
    rotation's note as saved, when it is one (a note saved before the rule and kept as it was
    is a warning, ``codes.unless_kept``, as an agreement's texts are)."""
    return unless_kept(ric_in_text_problems(note, "note", "备注"), note, stored)


def _check_parties(d: RotationData, staff_home_id: int | None) -> list[Problem]:
    problems = []
    if d.staff_id is None:
        problems.append(error("staff_id", "人员为必填项"))
    if not d.form:
        problems.append(error("form", "流动形式为必填项"))
    elif d.form not in lists.ROTATION_FORMS:
        problems.append(error("form", f"流动形式“{d.form}”不在规定的选项中"))
    if d.from_id is None:
        problems.append(error("from_id", "派出单位为必填项"))
    if d.to_id is None:
        problems.append(error("to_id", "接收单位为必填项"))
    elif d.to_id == d.from_id:
        problems.append(error("to_id", "接收单位不得与派出单位相同"))
    if None not in (staff_home_id, d.from_id) and staff_home_id != d.from_id:
        problems.append(warning("from_id", "派出单位通常应为该人员的所属机构，请核对"))
    return problems


def _check_dates(d: RotationData) -> list[Problem]:
    if d.start is None:
        return [error("start", "开始日期为必填项")]
    if d.end is not None and d.end < d.start:
        return [error("end", "结束日期不得早于开始日期")]
    return []


def _fmt_range(start: dt.date, end: dt.date | None) -> str:
    return f"{start} 至 {end}" if end is not None else f"{start} 起（尚未结束）"


def _check_member(
    d: RotationData, field: str, label: str, inst_id: int | None, member: Member | None
) -> list[Problem]:
    """The institution must be a member on every day of the rotation."""
    assert d.start is not None
    if inst_id is None:
        return []
    if member is None:
        return [error(field, f"{label}不是医联体成员单位")]
    joined, left = member
    period = _fmt_range(d.start, d.end)
    if joined is not None and joined > d.start:
        return [
            error(field, f"{label}于 {joined} 才加入医联体，晚于流动开始日期（流动期间 {period}）")
        ]
    if left is not None and d.end is None:
        return [error(field, f"{label}已于 {left} 退出医联体，流动须在退出前结束，请填写结束日期")]
    if left is not None and d.end is not None and left < d.end:
        return [
            error(field, f"{label}已于 {left} 退出医联体，早于流动结束日期（流动期间 {period}）")
        ]
    return []


def _overlap_problems(d: RotationData, others: Iterable[Span]) -> list[Problem]:
    assert d.start is not None
    new = Span(None, d.start, d.end, d.form, "")
    return [
        error(
            "start",
            f"该人员在 {_fmt_range(o.start, o.end)} 已有全职流动（{o.form}，{o.label}），日期重叠",
        )
        for o in find_overlaps(new, others)
    ]


def _check_quarters(d: RotationData, start: dt.date, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    entered: set[Quarter] = set()
    for key, figures in d.quarters.items():
        try:
            quarter = Quarter.parse(key)
        except ValueError as exc:
            problems.append(error(f"quarters.{key}", str(exc)))
            continue
        entered.add(quarter)
        problems += _check_one_quarter(d, quarter, figures, today)
    if d.form in lists.ROTATION_FORMS and d.form not in lists.FULL_TIME_FORMS:
        # Finished quarters with no figures at all lack their days too.
        problems += [
            warning(f"quarters.{q}.days", f"{q.label}：未填写工作天数")
            for q, _ in split_quarters(start, d.end, today=today)
            if q.last_day < today and q not in entered
        ]
    return problems


def _check_one_quarter(
    d: RotationData, quarter: Quarter, figures: QuarterFigures, today: dt.date
) -> list[Problem]:
    assert d.start is not None
    prefix = f"quarters.{quarter}"
    cal = calendar_days(d.start, d.end, quarter)
    if cal == 0:
        period = _fmt_range(d.start, d.end)
        return [error(prefix, f"{quarter.label}不在流动期间（{period}）内，不能填写该季度数据")]
    if quarter.first_day > today:
        return [error(prefix, f"{quarter.label}尚未开始，不能填写该季度数据")]
    problems = _check_days(d.form, quarter, figures.days, cal)
    for attr, label in VOLUME_LABELS.items():
        value = getattr(figures, attr)
        if not _is_count(value):
            problems.append(
                error(f"{prefix}.{attr}", f"{quarter.label}：{label}须为不小于 0 的整数")
            )
        elif value > VOLUME_MAX:
            problems.append(
                error(
                    f"{prefix}.{attr}", f"{quarter.label}：{label}超过上限：不得大于{VOLUME_MAX:,}"
                )
            )
    return problems


def _check_days(form: str, quarter: Quarter, days: int | None, cal: int) -> list[Problem]:
    field_name = f"quarters.{quarter}.days"
    if days is None:
        if form in lists.FULL_TIME_FORMS:
            return []
        return [warning(field_name, f"{quarter.label}：未填写工作天数")]
    if not _is_count(days):
        return [error(field_name, f"{quarter.label}：工作天数须为不小于 0 的整数")]
    if days > cal:
        return [error(field_name, f"{quarter.label}：工作天数 {days} 超过本季度内的日历天数 {cal}")]
    return []


# One person's work in one quarter: 100 visits a day for 92 days is under 10,000.
VOLUME_MAX = 100_000


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
