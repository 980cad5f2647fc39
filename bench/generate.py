"""A large consortium for benchmarks, deterministic from a seed.

300 institutions, 5,000 staff, 50,000 rotations over 8 quarters, 3,000 agreements with
volumes. Written with bulk inserts (the commands' per-record checks would dominate), but every
record obeys the rules: valid codes, members on every date, no overlapping full-time rotations.

    python -m bench.generate OUT.sqlite [--seed 7] [--end 2026Q3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from pathlib import Path

from sqlalchemy import insert

from ylt_desktop.domain import lists
from ylt_desktop.domain.codes import make_uscc, ric_check_char
from ylt_desktop.domain.periods import Quarter
from ylt_desktop.domain.roles import ADMIN
from ylt_desktop.domain.rotation import calendar_days, derive_direction
from ylt_desktop.store import models as m
from ylt_desktop.store import users
from ylt_desktop.store.chain import entry_hash
from ylt_desktop.store.db import Database, open_database


def act_as_bench() -> None:
    """The bench databases have no users; the bench acts as a 管理员 (a script, not the
    program). Called by the bench's entry points, never on import: a test importing this
    module (tests/returns/return_capture.py) must not change who every later test acts as."""
    users.DEFAULT_ACTOR = users.Actor("bench", ADMIN)


COUNTY = "360428"
JOINED = dt.date(2018, 1, 1)


def _institutions(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        if i == 0:
            category, level, role = "综合医院", "三级甲等", lists.ROLE_LEAD
        elif i < 20:
            category, level, role = (
                rng.choice(("综合医院", "中医医院", "专科医院")),
                "二级甲等",
                lists.ROLE_MEMBER,
            )
        elif i < 120:
            category, level, role = "乡镇卫生院", "一级", lists.ROLE_MEMBER
        else:
            category, level, role = "村卫生室", "未定级", lists.ROLE_MEMBER
        staff = rng.randint(5, 900) if i < 20 else rng.randint(1, 80)
        tech = int(staff * 0.8)
        name = f"基准{i:03d}号{category}"
        rows.append(
            dict(
                id=i + 1,
                name=name,
                name_key=name,
                uscc=make_uscc("12", COUNTY, f"{i:08d}") if category != "村卫生室" else None,
                licence_no="",
                division=COUNTY,
                category=category,
                level=level,
                ownership="公立",
                role=role,
                joined=JOINED,
                left=None,
                beds_authorised=staff // 2,
                beds_actual=staff // 2,
                staff_total=staff,
                health_tech_staff=tech,
                doctors=tech // 3,
                nurses=tech // 3,
                address="",
                contact="",
                phone="0792-2221234",
            )
        )
    return rows


def _staff(rng: random.Random, n: int, n_inst: int) -> list[dict]:
    rows = []
    for i in range(n):
        # Past 5,000 people the birth days repeat, each block of 5,000 with its own sequence
        # numbers (offsets 50 apart mod 499), so every number stays unique and born before 2002.
        block, day = divmod(i, 5000)
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=day * 3)
        sex = rng.choice("男女")
        seq = 2 * ((day % 499 + 50 * block) % 499) + (1 if sex == "男" else 0)  # 17th odd: 男
        first17 = f"{COUNTY}{birth:%Y%m%d}{seq:03d}"
        rows.append(
            dict(
                id=i + 1,
                name=f"人员{i:05d}",
                sex=sex,
                id_type=lists.ID_RIC,
                id_number=first17 + ric_check_char(first17),
                licence_code="",
                title=rng.choice(lists.TITLES),
                specialty=rng.choice(lists.SPECIALTIES),
                home_id=rng.randint(1, n_inst),
            )
        )
    return rows


def _rotations(rng, staff, insts, quarters, per_person):  # noqa: ANN001, ANN202
    first, last = quarters[0].first_day, quarters[-1].last_day
    span = (last - first).days + 1
    rotations, figures = [], []
    slot = span // per_person
    for person in staff:
        for k in range(per_person):
            start = first + dt.timedelta(days=k * slot + rng.randint(0, slot // 3))
            end = start + dt.timedelta(days=rng.randint(10, slot - slot // 3 - 2))
            from_inst = insts[person["home_id"] - 1]
            to_inst = insts[rng.randrange(len(insts))]
            if to_inst["id"] == from_inst["id"]:
                to_inst = insts[(to_inst["id"]) % len(insts)]
            form = rng.choice(lists.ROTATION_FORMS)
            rid = len(rotations) + 1
            rotations.append(
                dict(
                    id=rid,
                    staff_id=person["id"],
                    from_id=from_inst["id"],
                    to_id=to_inst["id"],
                    form=form,
                    start=start,
                    end=end,
                    note="",
                    direction=derive_direction(
                        from_inst["level"],
                        from_inst["category"],
                        to_inst["level"],
                        to_inst["category"],
                    ),
                )
            )
            for q in quarters:
                cal = calendar_days(start, end, q)
                if cal:
                    days = cal if form in lists.FULL_TIME_FORMS else rng.randint(1, cal)
                    figures.append(
                        dict(
                            rotation_id=rid,
                            quarter=str(q),
                            days=days,
                            outpatient=rng.randint(0, 400),
                            procedures=rng.randint(0, 30),
                            trainees=rng.randint(0, 50),
                            rounds=rng.randint(0, 20),
                            lectures=rng.randint(0, 6),
                        )
                    )
    return rotations, figures


def _agreements(rng, n, insts, quarters):  # noqa: ANN001, ANN202
    agreements, recipients, volumes = [], [], []
    kinds = [k for k in lists.AGREEMENT_KINDS if k != "其他"]
    for i in range(n):
        kind = rng.choice(kinds)
        provider = rng.randint(1, 20)
        start_q = rng.randrange(len(quarters))
        frm = quarters[start_q].first_day
        to = quarters[-1].last_day + dt.timedelta(days=rng.randint(0, 400))
        agreements.append(
            dict(
                id=i + 1,
                number=f"JZ-{i:05d}",
                title=f"基准协议{i:05d}",
                kind=kind,
                other_measure="",
                provider_id=provider,
                provider_share=None,
                signed=frm,
                effective_from=frm,
                effective_to=to,
                terminated_on=None,
                termination_reason="",
                terms="",
            )
        )
        for rid in rng.sample(range(21, len(insts) + 1), rng.randint(1, 3)):
            recipients.append(dict(agreement_id=i + 1, institution_id=rid, share=None))
        for q in quarters[start_q:]:
            for measure in lists.AGREEMENT_MEASURES[kind]:
                volumes.append(
                    dict(
                        agreement_id=i + 1,
                        quarter=str(q),
                        measure=measure,
                        value=float(rng.randint(1, 5000)),
                    )
                )
    return agreements, recipients, volumes


_GRASS = ("乡镇卫生院", "社区卫生服务中心", "社区卫生服务站", "村卫生室")


def _figures(rng, insts, quarters):  # noqa: ANN001, ANN202
    """Operating figures of every institution and the county, every quarter (运行指标)."""
    members, counties = [], []
    for step, q in enumerate(quarters):
        total = 0
        for i, inst in enumerate(insts, 1):
            grass = inst["category"] in _GRASS
            village = inst["category"] == "村卫生室"
            visits = rng.randint(1_500, 4_000) if village else rng.randint(20_000, 160_000)
            total += visits
            population = int(visits * 1.1) if grass else None
            contracts = int(population * (0.33 + 0.01 * step)) if grass else None
            members.append(
                dict(
                    institution_id=i,
                    quarter=str(q),
                    visits=visits,
                    tcm_visits=visits // 10,
                    discharges=0 if village else inst["beds_actual"] * 10,
                    up_outpatient=rng.randint(5, 100) if grass else 5,
                    up_inpatient=0 if village else rng.randint(2, 40),
                    down_outpatient=0 if grass else rng.randint(50, 400),
                    down_inpatient=0 if grass else rng.randint(10, 100),
                    received_up=0 if grass else rng.randint(100, 900),
                    received_down=rng.randint(5, 60) if grass and not village else 0,
                    contracts=contracts,
                    key_contracts=contracts // 3 if contracts else None,
                    population=population,
                    key_population=population // 5 if population else None,
                )
            )
        counties.append(
            dict(
                quarter=str(q),
                resident_population=2_000_000,
                county_visits=int(total * 1.4),
                inpatients_in=60_000 + 500 * step,
                inpatients_out=7_000,
            )  # fmt: skip
        )
    return members, counties


AUDIT_END = dt.datetime(2026, 9, 30, 17, 0)
"""The newest generated audit entry; entries go back from it, one every ten minutes."""


def _audit(rng: random.Random, n: int, people: list[dict]) -> list[dict]:
    """Audit entries (操作日志) as the program writes them: a clerk's edits of quarter figures
    and new people (their ID numbers masked when shown), hash-chained like the real log."""
    rows, previous = [], None
    first = AUDIT_END - dt.timedelta(minutes=10 * n)
    for i in range(n):
        at = first + dt.timedelta(minutes=10 * (i + 1))
        if i % 4:
            old = rng.randint(0, 400)
            row = dict(id=i + 1, at=at, user="填表人", action="update",
                       table_name="rotation_quarter", record_id=str(i + 1),
                       old_values=json.dumps({"outpatient": old}),
                       new_values=json.dumps({"outpatient": old + 1}))  # fmt: skip
        else:
            p = people[i % len(people)]
            new = {k: p[k] for k in ("id", "name", "sex", "id_type", "id_number", "title")}
            row = dict(id=i + 1, at=at, user="填表人", action="insert", table_name="staff",
                       record_id=str(p["id"]), old_values=None,
                       new_values=json.dumps(new, ensure_ascii=False))  # fmt: skip
        row["hash"] = previous = entry_hash(previous, row)
        rows.append(row)
    return rows


def generate(
    db: Database,
    *,
    seed: int = 7,
    end: Quarter | None = None,
    institutions: int = 300,
    staff: int = 5000,
    rotations: int = 50_000,
    agreements: int = 3000,
    audit: int = 0,
) -> Quarter:
    """Fill an empty database; returns the last quarter generated. ``audit`` entries are
    added at the end of the log (none by default; ``bench/run.py`` asks for ``SIZES[1]``'s)."""
    rng = random.Random(seed)
    end = end or Quarter(2026, 3)
    quarters = [end]
    while len(quarters) < 8:
        quarters.insert(0, quarters[0].prev())
    insts = _institutions(rng, institutions)
    people = _staff(rng, staff, institutions)
    rots, figures = _rotations(rng, people, insts, quarters, max(1, rotations // staff))
    agrs, recips, vols = _agreements(rng, agreements, insts, quarters)
    members, counties = _figures(rng, insts, quarters)
    log = _audit(random.Random(seed + 1), audit, people)
    with db.engine.begin() as conn:
        conn.execute(
            insert(m.Consortium),
            [dict(name="基准县医共体", kind="县域医共体", division=COUNTY, founded=JOINED)],
        )
        for model, rows in (
            (m.Institution, insts),
            (m.Staff, people),
            (m.Rotation, rots),
            (m.RotationQuarter, figures),
            (m.Agreement, agrs),
            (m.AgreementRecipient, recips),
            (m.AgreementVolume, vols),
            (m.MemberQuarterFigures, members),
            (m.CountyQuarterFigures, counties),
            (m.AuditEntry, log),
        ):
            if rows:
                conn.execute(insert(model), rows)
    return end


GENERATOR_VERSION = 2
"""Raise when the generated data change: cached databases of another version are not used."""

CACHE = Path(__file__).resolve().parent / ".cache"

SIZES = {
    1: dict(institutions=300, staff=5000, rotations=50_000, agreements=3000, audit=3000),
}
SIZES[10] = {kind: count * 10 for kind, count in SIZES[1].items()}
"""The bench consortium (1) and one ten times larger (10: 3,000 institutions, 500,000
rotations); both with an audit log (the list bench shows it)."""


def _schema_key() -> str:
    """The newest migration's number: a database of an older schema is generated again."""
    versions = Path(__file__).resolve().parent.parent / "ylt_desktop/store/migrations/versions"
    return max(p.name[:4] for p in versions.glob("[0-9]*.py"))


def cached_database(scale: int, *, seed: int = 7) -> tuple[Path, float | None]:
    """The path of the ``scale`` × consortium, generated once into ``bench/.cache`` (keyed by
    generator version, schema and seed) and reused; also the seconds generating took (None
    when it was cached). Open it read-only in spirit: benches that write work on a copy."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"consortium-x{scale}-g{GENERATOR_VERSION}-s{_schema_key()}-seed{seed}.sqlite"
    if path.exists():
        return path, None
    started = time.perf_counter()
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    db = open_database(partial)
    generate(db, seed=seed, **SIZES[scale])
    db.close()
    partial.rename(path)
    return path, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=Quarter.parse, default=Quarter(2026, 3))
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"{args.out} exists")
    act_as_bench()
    started = time.perf_counter()
    db = open_database(args.out)
    generate(db, seed=args.seed, end=args.end)
    print(f"generated {args.out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
