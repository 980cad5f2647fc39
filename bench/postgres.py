"""The bench on a PostgreSQL server (``bench/run.py --db postgresql://…``, DESIGN §8): the bench
consortium generated into the server database once, the parts that read it through the
program run again on it, and the quarter's export timed on both engines, interleaved."""

from __future__ import annotations

import dataclasses
import time

from bench.common import COVER, Context, cpu_note, interleaved, target

# Parts that only open ctx.db_path through the program (the others copy SQLite files).
SERVER_PARTS = {"export", "export-detail", "memory", "start"}


def reset_sequences(db) -> None:  # noqa: ANN001
    """After ``generate``'s inserts with explicit ids, the server's id sequences follow them."""
    from sqlalchemy import text

    from ylt_desktop.store.models import Base

    with db.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
                    )
                )


def server_database(url: str) -> None:
    """The bench consortium on the server: generated once, when the database is empty."""
    from bench.generate import generate
    from ylt_desktop.store.db import open_database
    from ylt_desktop.store.institutions import get_consortium

    db = open_database(url)
    with db.session() as s:
        empty = get_consortium(s) is None
    if empty:
        started = time.perf_counter()
        generate(db)
        reset_sequences(db)
        print(
            f"generated the bench consortium on the server in {time.perf_counter() - started:.1f} s"
        )
    db.close()


def compare_export(ctx: Context, url: str) -> None:
    """The quarter's check + Excel + PDF export on the server and on the SQLite file."""
    from ylt_desktop.returns.files import export_quarter
    from ylt_desktop.store.db import open_database

    server, local = open_database(url), open_database(ctx.db_path)
    with server.session() as s_pg, local.session() as s_lite:
        got = interleaved(
            ctx.runs,
            {
                "sqlite": lambda: export_quarter(s_lite, ctx.quarter, ctx.out / "lite",
                                                 cover_fields=COVER),
                "postgresql": lambda: export_quarter(s_pg, ctx.quarter, ctx.out / "pg",
                                                     cover_fields=COVER),
            },
        )  # fmt: skip
    server.close(), local.close()
    pg, lite = got["postgresql"], got["sqlite"]
    target("return export on PostgreSQL against SQLite", pg.wall, floor=lite.wall, limit=1.5,
           note=f"medians of {ctx.runs}, interleaved; PostgreSQL {cpu_note(pg)}, "
           f"SQLite {cpu_note(lite)}")  # fmt: skip


def on_server(ctx: Context, url: str, parts: list) -> None:  # noqa: ANN001
    server_database(url)
    print(f"--- postgresql: the export on both engines ({url})", flush=True)
    compare_export(ctx, url)
    server_ctx = dataclasses.replace(ctx, db_path=url)
    for p in parts:
        if p.name in SERVER_PARTS:
            print(f"--- {p.name} on PostgreSQL: {p.help}", flush=True)
            p.fn(server_ctx)
