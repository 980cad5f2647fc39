"""Eight quarters of plausible operating figures for the demo consortium (运行指标).

Grassroots visits grow slowly (基层诊疗量占比 climbs from about 52% toward 60%), the county
keeps more inpatients each year (县域就诊率 about 88% → 92%), the hospitals' 下转 grow about
12% a year, and family-doctor contracts widen. Referrals sent within the consortium match
those received to within a few percent, so the pre-export check has no referral warning.
Deterministic from the seed; the quarters are the eight before today's.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from ylt_desktop.domain.figures import CountyFigures, MemberFigures, Unit
from ylt_desktop.domain.indicators import last_quarters
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.store import figures as store

SEASON = {1: 1.10, 2: 0.96, 3: 0.94, 4: 1.00}
HOSPITAL_VISITS = {"综合医院": 160_000, "中医医院": 70_000, "妇幼保健院": 30_000}


def _hospital(rng: random.Random, unit: Unit, k: float, year_growth: float) -> MemberFigures:
    base = HOSPITAL_VISITS.get(unit.category, 40_000)
    visits = int(base * k * rng.uniform(0.97, 1.03))
    tcm_share = 0.55 if unit.category == "中医医院" else 0.05
    down = base / 400 * year_growth
    return MemberFigures(
        visits=visits,
        tcm_visits=int(visits * tcm_share * rng.uniform(0.95, 1.05)),
        discharges=int(unit.beds_actual * 12 * k * rng.uniform(0.95, 1.05)),
        up_outpatient=rng.randint(5, 15),
        up_inpatient=rng.randint(2, 8),
        down_outpatient=int(down * 0.7 * rng.uniform(0.95, 1.05)),
        down_inpatient=int(down * 0.3 * rng.uniform(0.95, 1.05)),
        received_up=0,
        received_down=0,
    )


def _grassroots(
    rng: random.Random, unit: Unit, k: float, step: int, size: dict[int, int]
) -> MemberFigures:
    village = unit.category == "村卫生室"
    base = size[unit.id]
    visits = int(base * k * (1 + 0.015 * step) * rng.uniform(0.96, 1.04))
    population = int(base * (0.8 if village else 1.05))
    key_population = int(population * 0.22)
    rate = 0.33 + 0.012 * step
    contracts = int(population * rate * rng.uniform(0.97, 1.03))
    return MemberFigures(
        visits=visits,
        tcm_visits=int(visits * rng.uniform(0.08, 0.2)),
        discharges=0 if village or not unit.beds_actual else int(unit.beds_actual * 9 * k),
        up_outpatient=rng.randint(5, 20) if village else rng.randint(60, 150),
        up_inpatient=0 if village else rng.randint(20, 60),
        down_outpatient=0 if village else rng.randint(0, 10),
        down_inpatient=0,
        received_up=0,
        received_down=0,
        contracts=contracts,
        key_contracts=min(key_population, int(contracts * 0.45)),
        population=population,
        key_population=key_population,
    )


def _share_received(rows: dict[int, MemberFigures], units: list[Unit], rng: random.Random) -> None:
    """Received referrals: what the members sent, spread over the units that receive them."""
    upper = [u for u in units if u.category not in _GRASS]
    lower = [u for u in units if u.category in _GRASS and u.category != "村卫生室"]
    sent_up = sum(rows[u.id].sent_up or 0 for u in units)
    sent_down = sum(rows[u.id].sent_down or 0 for u in units)
    for pool, total, key in ((upper, sent_up, "received_up"), (lower, sent_down, "received_down")):
        weights = [rng.uniform(0.5, 1.5) for _ in pool]
        scale = total * rng.uniform(0.97, 1.0) / sum(weights)
        for unit, w in zip(pool, weights, strict=True):
            setattr(rows[unit.id], key, int(w * scale))


_GRASS = frozenset({"乡镇卫生院", "社区卫生服务中心", "社区卫生服务站", "村卫生室"})


def build_demo_figures(session: Session, *, seed: int, today: dt.date) -> None:
    """Eight quarters of figures up to the last finished quarter (inside the caller's
    transaction, or one per quarter)."""
    rng = random.Random(seed + 15)
    quarters = last_quarters(Quarter.last_finished(today), 8)
    size: dict[int, int] = {}
    for step, q in enumerate(quarters):
        units = store.units_in(session, q)
        for u in units:
            if u.id not in size:
                size[u.id] = (
                    rng.randint(1_500, 4_000)
                    if u.category == "村卫生室"
                    else rng.randint(22_000, 45_000)
                )
        k = SEASON[q.q]
        year_growth = 1.12 ** (step / 4)
        rows = {
            u.id: _grassroots(rng, u, k, step, size)
            if u.category in _GRASS
            else _hospital(rng, u, k, year_growth)
            for u in units
        }
        _share_received(rows, units, rng)
        members_visits = sum(f.visits or 0 for f in rows.values())
        grass_visits = sum(rows[u.id].visits or 0 for u in units if u.category in _GRASS)
        share = 0.52 + 0.01 * step  # the grassroots share of all visits in the county
        county_visits = max(int(grass_visits / share), members_visits + 1)
        inside = int(21_000 * k * rng.uniform(0.98, 1.02))
        rate = 0.88 + 0.005 * step
        county = CountyFigures(
            resident_population=752_000 - 400 * step,
            county_visits=county_visits,
            inpatients_in=inside,
            inpatients_out=int(inside * (1 - rate) / rate),
            key_population=int(752_000 * 0.21),
        )
        store.save_figures(session, quarter=q, members=rows, county=county)
