"""Members' data packages (issue #16): the lead opens every member's package of the demo
consortium for one quarter — preview, then apply in one transaction after a backup.

The demo consortium (``build_demo``) is the source, with a bench-only 45th member (a copy of
its busiest member: issue #16 asks for 45 members' packages, the demo has 44 members and the
lead): each member's data package for the last finished quarter is made from it
(``exchange.content.data_parts``). The lead's
database is a copy of the demo with what the members own for that quarter removed (their
rotations that do not involve the lead unit, their persons, their operating figures, the
quarter's agreement volumes), so opening the packages writes them all back. Timed: previewing
and applying all packages (a fresh copy of the lead's database per run). Floor: only reading
and decrypting the same files (scrypt once, AES-GCM, JSON) — the part no store work can avoid.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

from bench.common import Context, cpu_note, figure, interleaved, part, target

PASSPHRASE = "基准-交换口令-2026"
TARGET_SECONDS = 10.0
MEMBERS = 45  # issue #16: "45 members' packages of the demo's size"


def _add_twin(db, quarter) -> str:  # noqa: ANN001
    """A bench-only member beside the demo's 44: a copy of its member with the most records
    for ``quarter`` (profile, own persons with new ID numbers, their rotations, its figures),
    so the lead opens 45 packages of the demo's size. Returns the copied unit's name."""
    import dataclasses
    import datetime as dt

    from sqlalchemy import func, or_, select

    from ylt_desktop.domain import lists
    from ylt_desktop.domain.codes import make_uscc, ric_check_char
    from ylt_desktop.store import figures, institutions, rotations, rotations_bulk, staff
    from ylt_desktop.store.models import Institution, Rotation, Staff
    from ylt_desktop.store.tx import all_or_nothing

    with db.session() as s, all_or_nothing(s):
        touching = (
            select(Rotation.from_id, func.count())
            .where(Rotation.start <= quarter.last_day)
            .where(or_(Rotation.end.is_(None), Rotation.end >= quarter.first_day))
            .group_by(Rotation.from_id)
        )
        counts = dict(s.execute(touching).all())
        units = [i for i in s.scalars(select(Institution)) if i.role != lists.ROLE_LEAD]
        model = max(units, key=lambda i: (counts.get(i.id, 0), -i.id))
        data = dataclasses.replace(
            institutions.to_data(model),
            name=f"{model.name}（基准第{MEMBERS}家）",
            uscc=make_uscc("12", model.division[:6], "B0000045"),
        )
        twin = institutions.create_institution(s, data=data)
        taken = set(s.scalars(select(Staff.id_number)))
        people = list(s.scalars(select(Staff).where(Staff.home_id == model.id)))
        rows, seq = [], 0
        for person in people:
            first14, sex_odd = person.id_number[:14], int(person.id_number[16]) % 2
            while True:
                seq += 1
                first17 = f"{first14}{seq % 100:02d}{(seq // 100 * 2 + sex_odd) % 10}"
                number = first17 + ric_check_char(first17)
                if number not in taken:
                    break
            taken.add(number)
            rows.append(
                dataclasses.replace(staff.to_data(person), id_number=number, home_id=twin.id)
            )
        new_people = staff.create_many_staff(s, rows=rows)
        s.flush()
        ids = {old.id: new for old, new in zip(people, new_people, strict=True)}
        copied = []
        for r in s.scalars(select(Rotation).where(Rotation.staff_id.in_(list(ids)))):
            d = rotations.to_data(r)
            d.staff_id = ids[r.staff_id]
            d.from_id = twin.id if d.from_id == model.id else d.from_id
            d.to_id = twin.id if d.to_id == model.id else d.to_id
            copied.append((d, r.note or ""))
        rotations_bulk.create_rotations(s, rows=copied, today=dt.date.today())
        mine = figures.member_figures(s, quarter).get(model.id)
        if mine is not None:
            figures.save_figures(s, quarter=quarter, members={twin.id: mine})
    return model.name


def _strip_members(path: Path, quarter: str, lead_id: int) -> None:
    """Remove from the lead's copy what the members' packages will bring (bench only: raw
    SQL, not audited)."""
    conn = sqlite3.connect(path)
    try:
        rot = "SELECT id FROM rotation WHERE from_id != ? AND to_id != ?"
        conn.execute(f"DELETE FROM rotation_quarter WHERE rotation_id IN ({rot})", (lead_id,) * 2)
        conn.execute("DELETE FROM rotation WHERE from_id != ? AND to_id != ?", (lead_id,) * 2)
        conn.execute(
            "DELETE FROM staff WHERE home_id != ? AND id NOT IN (SELECT staff_id FROM rotation)",
            (lead_id,),
        )
        conn.execute("DELETE FROM member_figures WHERE institution_id != ? AND quarter = ?",
                     (lead_id, quarter))  # fmt: skip
        conn.execute("DELETE FROM agreement_volume WHERE quarter = ?", (quarter,))
        conn.commit()
    finally:
        conn.close()


@part("packages", order=70)
def bench_packages(ctx: Context) -> None:
    """45 members' data packages of the demo's size opened by the lead (target < 10 s)"""
    import datetime as dt

    from sqlalchemy import select

    from ylt_desktop.demo import build_demo
    from ylt_desktop.demo.users import DEMO_PASSWORDS
    from ylt_desktop.domain import lists
    from ylt_desktop.domain.periods import Quarter
    from ylt_desktop.exchange import apply_packages, preview_packages, read_package
    from ylt_desktop.exchange.content import DATA, data_parts
    from ylt_desktop.exchange.package import package_bytes
    from ylt_desktop.exchange.sealed import Keys
    from ylt_desktop.store import exchange, users
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.models import Consortium, Institution

    quarter = Quarter.last_finished(dt.date.today())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = open_database(folder / "demo.sqlite")
        build_demo(source)
        with source.session() as s:
            source.sign_in(users.authenticate(s, name="admin", password=DEMO_PASSWORDS["admin"]))
        with source.session() as s:
            exchange.set_passphrase(s, passphrase=PASSPHRASE)
        model = _add_twin(source, quarter)
        files, rows = [], 0
        keys = Keys(PASSPHRASE)
        with source.session() as s:
            c = s.scalar(select(Consortium))
            exchange_id = c.exchange_id
            members = list(s.scalars(select(Institution).order_by(Institution.id)))
            lead_id = next(m.id for m in members if m.role == lists.ROLE_LEAD)
            for m in members:
                if m.id == lead_id:
                    continue
                parts = data_parts(s, m.id, quarter)
                rows += sum(len(v) for v in parts.values())
                _h, data = package_bytes(
                    kind=DATA, exchange_id=c.exchange_id, consortium=c.name, member=m,
                    quarter=quarter, parts=parts, keys=keys, made_by="bench",
                )  # fmt: skip
                path = folder / "packages" / f"{m.id:03d}.ylt"
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(data)
                files.append(path)
        source.close()
        if len(files) != MEMBERS:
            raise RuntimeError(f"bench packages: {len(files)} members, {MEMBERS} expected")
        pristine = folder / "lead-pristine.sqlite"
        shutil.copyfile(folder / "demo.sqlite", pristine)
        _strip_members(pristine, str(quarter), lead_id)
        size = sum(f.stat().st_size for f in files)
        figure(
            "packages",
            f"{len(files)} data packages for {quarter} (the demo's 44 members and a bench-only "
            f"copy of {model}), {rows} rows in all, {size / 1024:.0f} KiB of files",
        )
        counter = iter(range(10_000))
        outcome: dict[str, object] = {}

        def open_all() -> None:
            target_path = folder / f"lead-{next(counter)}.sqlite"
            shutil.copyfile(pristine, target_path)
            db = open_database(target_path)
            with db.session() as s:
                db.sign_in(users.authenticate(s, name="admin", password=DEMO_PASSWORDS["admin"]))
            previews = preview_packages(db, files, passphrase=PASSPHRASE)
            refused = [p.refusal for p in previews if p.refusal]
            if refused:
                raise RuntimeError(f"bench packages refused: {refused[:3]}")
            conflicts = sum(len(p.conflicts) for p in previews)
            result = apply_packages(db, previews, choices={
                c.key: c.options[0].member_id for p in previews for c in p.conflicts})  # fmt: skip
            outcome["applied"], outcome["conflicts"] = len(result.applied), conflicts
            outcome["new"] = sum(p.counts()[k]["新增"] for p in previews for k in p.counts())
            db.close()

        def read_only() -> None:
            fresh = Keys(PASSPHRASE)
            for f in files:
                read_package(f, fresh, kind=DATA, exchange_id=exchange_id)

        found = interleaved(max(1, min(ctx.runs, 3)), {"open": open_all, "floor": read_only})
        figure(
            "packages applied",
            f"{outcome['applied']} packages, {outcome['new']} new records, "
            f"{outcome['conflicts']} conflicts chosen",
        )
        figure("packages: reading and decrypting only (floor)", cpu_note(found["floor"]))
        figure("packages: preview + apply", cpu_note(found["open"]))
        figure("packages: ratio to the floor", f"{found['open'].wall / found['floor'].wall:.1f}")
        target(
            f"opening {len(files)} members' packages (preview + backup + apply)",
            found["open"].wall,
            limit=TARGET_SECONDS,
            note=f"per package {found['open'].wall / len(files):.2f} s",
        )
