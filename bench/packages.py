"""Members' data packages (issue #16): the lead opens every member's package of the demo
consortium for one quarter — preview, then apply in one transaction after a backup.

The demo consortium (``build_demo``) is the source: each of its 44 member units' data package
for the last finished quarter is made from it (``exchange.content.data_parts``). The lead's
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
    """44 members' data packages of the demo's size opened by the lead (target < 10 s)"""
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
        pristine = folder / "lead-pristine.sqlite"
        shutil.copyfile(folder / "demo.sqlite", pristine)
        _strip_members(pristine, str(quarter), lead_id)
        size = sum(f.stat().st_size for f in files)
        figure(
            "packages",
            f"{len(files)} data packages for {quarter}, {rows} rows in all, "
            f"{size / 1024:.0f} KiB of files",
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
