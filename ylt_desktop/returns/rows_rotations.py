"""表2 (the rotations) and 表3 (their summary per unit) of the return: pure figures.

Every figure follows DESIGN.md §4; the rotations are the records ``load.py`` reads, which
carry their 流动方向, 流动性质, calendar days and the quarter's figures already.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import mask_id
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.rotation import QuarterFigures, default_days
from ylt_desktop.domain.staff import is_senior
from ylt_desktop.returns.load import RotationRecord
from ylt_desktop.store.models import Institution, Rotation

Record = dict[str, Any]
_VOLUME_ATTRS = ("outpatient", "procedures", "trainees", "rounds", "lectures")


def _is_lead(inst: Institution) -> bool:
    return inst.role == lists.ROLE_LEAD


# --- 表2 ---------------------------------------------------------------------------


def rotation_figures(rotation: Rotation, quarter: Quarter) -> QuarterFigures:
    """Q's own figures of one ORM rotation (its ``quarters`` loaded); full-time forms default
    to the calendar days. ``load.py`` works the same out for the return's records."""
    row = next((r for r in rotation.quarters if r.quarter == str(quarter)), None)
    figures = QuarterFigures()
    if row is not None:
        figures = QuarterFigures(row.days, *(getattr(row, a) or 0 for a in _VOLUME_ATTRS))
    if figures.days is None:
        figures.days = default_days(rotation.form, rotation.start, rotation.end, quarter)
    return figures


def rotation_records(
    rotations: Iterable[RotationRecord], *, full_ids: bool = False
) -> list[Record]:
    records = []
    masked: dict[str | None, str] = {}  # a person's number is masked once
    for n, r in enumerate(rotations, 1):
        person = r.staff
        number = person.id_number
        if not full_ids:
            shown = masked.get(number)
            if shown is None:
                shown = masked[number] = mask_id(number)
            number = shown
        records.append(
            {
                "seq": n,
                "staff_name": person.name,
                "sex": person.sex,
                "id_type": person.id_type,
                "id_number": number,
                "licence_code": person.licence_code,
                "title": person.title,
                "specialty": person.specialty,
                "home_name": person.home.name,
                "from_name": r.from_inst.name,
                "to_name": r.to_inst.name,
                "direction": r.direction,
                "purpose": r.purpose,
                "form": r.form,
                "start": r.start,
                "end": r.end,
                "calendar_days": r.calendar_days,
                "days": r.days,
                "outpatient": r.outpatient,
                "procedures": r.procedures,
                "trainees": r.trainees,
                "rounds": r.rounds,
                "lectures": r.lectures,
                "note": r.note,
            }
        )
    return records


# --- 表3 ---------------------------------------------------------------------------


POSTED_FORMS = frozenset({"派驻", "晋升前基层服务"})
MID_DOCTOR_TITLES = frozenset({"主治医师", "副主任医师", "主任医师"})
SENIOR_SPLIT = (("down_senior_doctors", "医师"), ("down_senior_nurses", "护师"),
                ("down_senior_techs", "技师"))  # fmt: skip
PERSON_KEYS = ("down_persons", "down_posted", "down_mid_doctors", "down_senior",
               *(k for k, _ in SENIOR_SPLIT), "up_persons")  # fmt: skip
"""The 表3 columns that count persons: their 合计 counts each person once (DESIGN.md §4)."""


def _persons(went: list[RotationRecord]) -> dict[str, set[int]]:
    """The persons behind each person column of 表3, for some 下沉 rotations."""
    titles = {r.staff_id: r.staff.title or "" for r in went}
    posted = {r.staff_id for r in went if r.form in POSTED_FORMS}
    senior = {s for s, t in titles.items() if is_senior(t)}
    found = {
        "down_persons": set(titles),
        "down_posted": posted,
        "down_mid_doctors": {s for s in posted if titles[s] in MID_DOCTOR_TITLES},
        "down_senior": senior,
    }
    for key, ending in SENIOR_SPLIT:
        found[key] = {s for s in senior if titles[s].endswith(ending)}
    return found


def capped_days(went: list[RotationRecord], quarter: Quarter) -> tuple[int, dict[int, int]]:
    """下沉总天数 at one unit: each person's days there summed, capped at the quarter's calendar
    days; and the raw sums above the cap, by person (the pre-export check warns of them)."""
    raw: dict[int, int] = defaultdict(int)
    for r in went:
        raw[r.staff_id] += r.days or 0
    cap = quarter.days
    return sum(min(d, cap) for d in raw.values()), {s: d for s, d in raw.items() if d > cap}


def summary_groups(
    rotations: Iterable[RotationRecord],
) -> tuple[
    dict[int, list[RotationRecord]], dict[int, list[RotationRecord]], dict[int, Institution]
]:
    """The 下沉 rotations by receiving unit, the 上派进修 rotations by sending unit, the units."""
    units: dict[int, Institution] = {}
    down: dict[int, list[RotationRecord]] = defaultdict(list)
    up: dict[int, list[RotationRecord]] = defaultdict(list)
    for r in rotations:
        kind = r.purpose
        if kind == lists.PURPOSE_DOWN:
            down[r.to_id].append(r)
            units[r.to_id] = r.to_inst
        elif kind == lists.PURPOSE_TRAINING:
            up[r.from_id].append(r)
            units[r.from_id] = r.from_inst
    return down, up, units


def rotation_summary(
    rotations: Iterable[RotationRecord], quarter: Quarter
) -> tuple[list[Record], Record]:
    """表3: per receiving unit over 下沉, then per sending unit over 上派进修 (one row per unit);
    and its 合计, where the person columns count distinct persons over the whole consortium."""
    down, up, units = summary_groups(rotations)
    order = sorted(units.values(), key=lambda i: (not _is_lead(i), i.id))
    records = []
    everyone: dict[str, set[int]] = defaultdict(set)
    total: Record = defaultdict(int)
    for n, inst in enumerate(order, 1):
        went = down.get(inst.id, [])
        sent = up.get(inst.id, [])
        persons = _persons(went)
        persons["up_persons"] = {r.staff_id for r in sent}
        record: Record = {"seq": n, "name": inst.name}
        for key, found in persons.items():
            record[key] = len(found)
            everyone[key] |= found
        record["down_days"] = capped_days(went, quarter)[0]
        record["down_outpatient"] = sum(r.outpatient for r in went)
        record["down_procedures"] = sum(r.procedures for r in went)
        record["down_trainees"] = sum(r.trainees for r in went)
        record["down_rounds"] = sum(r.rounds for r in went)
        record["down_lectures"] = sum(r.lectures for r in went)
        record["up_days"] = sum(r.days or 0 for r in sent)
        for key, value in record.items():
            if key not in ("seq", "name") and key not in persons:
                total[key] += value
        records.append(record)
    total.update({key: len(everyone[key]) for key in PERSON_KEYS})
    return records, dict(total)
