"""What the indicators of 表7 rest on, read from the database for many quarters at once.

``indicator_inputs(session, quarters)`` gives one ``QuarterInputs`` per quarter in which the
consortium had members: the members as units, their stored figures, the county's figures,
the 派驻 doctors of 中级及以上 title sent down in that quarter (person ids) and how many
persons had served a year before promotion by its last day. The arithmetic is in
``domain/indicators.py``.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ylt_desktop.domain import lists
from ylt_desktop.domain.indicators import Inputs, QuarterInputs, last_quarters, quarters_needed
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import (
    PROMOTION_FORM,
    PROMOTION_SERVICE_TARGET,
)
from ylt_desktop.domain.tiers import Directions
from ylt_desktop.store.figures import figures_by_quarter, unit_of
from ylt_desktop.store.levels import histories
from ylt_desktop.store.models import Institution, Rotation, Staff, unindexed

POSTED_FORMS = frozenset({"派驻", PROMOTION_FORM})
MID_DOCTOR_TITLES = frozenset({"主治医师", "副主任医师", "主任医师"})


def _members(institutions: list[Any], quarter: Quarter) -> list[Any]:
    first, last = quarter.first_day, quarter.last_day
    found = [i for i in institutions if i.joined <= last and (i.left is None or i.left >= first)]
    return sorted(found, key=lambda i: (i.role != lists.ROLE_LEAD, i.id))


def year_reached_on(spans: list[tuple[dt.date, dt.date | None]]) -> dt.date | None:
    """The day a person's 晋升前基层服务 adds up to 365 days (overlapping dates count once, as
    ``domain.rotation.promotion_service_days``), or None when it never does."""
    total, covered_to = 0, None
    for start, end in sorted(spans, key=lambda r: r[0]):
        if covered_to is not None and start <= covered_to:
            start = covered_to + dt.timedelta(days=1)
        stop = end if end is not None else dt.date.max
        if stop < start:
            continue
        need = PROMOTION_SERVICE_TARGET - total
        if (stop - start).days + 1 >= need:
            return start + dt.timedelta(days=need - 1)
        total += (stop - start).days + 1
        covered_to = stop
    return None


def indicator_inputs(
    session: Session, quarters: list[Quarter], *, unit: int | None = None
) -> Inputs:
    """``unit``: one member unit's own part (a member's own return): that unit alone, its
    own figures, no county figures, no 派驻 doctors (a county figure divides them), and the
    persons of that unit who served a year before promotion."""
    if not quarters:
        return {}
    quarters = sorted(set(quarters))
    i = Institution
    institutions = list(  # plain rows with the attributes ``_members`` and ``unit_of`` read
        session.execute(
            select(
                i.id, i.name, i.category, i.level, i.beds_actual, i.role, i.joined, i.left
            ).order_by(i.id)
        )
    )
    members, county = figures_by_quarter(session, quarters)
    if unit is not None:
        institutions = [i for i in institutions if i.id == unit]
        members = {q: {k: v for k, v in f.items() if k == unit} for q, f in members.items()}
        county = {}
    first, last = quarters[0].first_day, quarters[-1].last_day
    # Most rotations start before the last quarter ends: reading the table in order beats
    # walking the start index (``unindexed``).
    stmt = (
        select(
            Rotation.staff_id,
            Rotation.from_id,
            Rotation.to_id,
            Rotation.form,
            Rotation.start,
            Rotation.end,
            Staff.title,
        )  # fmt: skip
        .join(Staff, Staff.id == Rotation.staff_id)
        .where(unindexed(Rotation.start) <= last)
        .where(or_(Rotation.end.is_(None), Rotation.end >= first))
        .where(Rotation.form.in_(POSTED_FORMS))
        .where(Staff.title.in_(MID_DOCTOR_TITLES))
    )
    posted = []
    # directions as of each rotation's start date (表3's rule)
    directions = Directions(histories(session))
    conn = session.connection()  # plain rows (years of rotations): no ORM row processing
    for staff_id, from_id, to_id, form, start, end, title in (
        conn.execute(stmt) if unit is None else ()
    ):
        if title not in MID_DOCTOR_TITLES or form not in POSTED_FORMS:
            continue
        if directions.on(from_id, to_id, start) == lists.DIRECTION_DOWN:
            posted.append((staff_id, start, end))
    promotion: dict[int, list] = defaultdict(list)
    stmt2 = select(Rotation.staff_id, Rotation.start, Rotation.end).where(
        Rotation.form == PROMOTION_FORM, unindexed(Rotation.start) <= last
    )
    if unit is not None:
        stmt2 = stmt2.join(Staff, Staff.id == Rotation.staff_id).where(Staff.home_id == unit)
    for staff_id, start, end in conn.execute(stmt2):
        promotion[staff_id].append((start, end))
    reached = sorted(d for spans in promotion.values() if (d := year_reached_on(spans)))
    inputs: Inputs = {}
    unit_by_id = {i.id: unit_of(i) for i in institutions}  # one (frozen) Unit each, shared
    for q in quarters:
        units = _members(institutions, q)
        if not units:
            continue
        done = bisect_right(reached, q.last_day)
        q_first, q_last = q.first_day, q.last_day
        inputs[q] = QuarterInputs(
            quarter=q,
            units=[unit_by_id[i.id] for i in units],
            figures=members.get(str(q), {}),
            county=county.get(str(q)),
            # domain.periods.touches, with the quarter's days worked out once
            posted_doctor_ids=frozenset(
                s for s, start, end in posted if start <= q_last and (end is None or end >= q_first)
            ),  # fmt: skip
            promotion_done=done,
        )
    return inputs


def inputs_for_quarter(
    session: Session, quarter: Quarter, *, chart_quarters: int = 0, unit: int | None = None
) -> Inputs:
    """The inputs 表7 of ``quarter`` needs, and those of charts of its last ``chart_quarters``
    quarters (four more: a quarter's 下转 growth compares it with a year earlier); ``unit``:
    one member unit's own part (``indicator_inputs``)."""
    wanted = set(quarters_needed(quarter))
    if chart_quarters:
        wanted |= set(last_quarters(quarter, chart_quarters + 4))
    return indicator_inputs(session, sorted(wanted), unit=unit)
