"""Alembic environment: runs on the engine handed over by ``store.db``, batch mode for SQLite.

The same migrations run on a PostgreSQL server, without batch mode (it alters tables in place)
and under the server's write lock, so two programs starting at once migrate once: the second
waits, then finds the schema at head.

Foreign keys are off while migrating: batch mode rebuilds a table by copying it, dropping the
old one and renaming the copy, and with foreign keys on SQLite would refuse (or cascade) that
drop of a table other tables point at. The keys are checked once the migration is done.
"""

from alembic import context

from ylt_desktop.store.models import Base

config = context.config
engine = config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"


def _run_on_engine() -> None:
    with engine.connect() as connection:
        if sqlite:
            # Outside a transaction (the driver only opens one before data changes), so it holds.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            if not sqlite:
                from ylt_desktop.store import server

                server.lock_for_writing(connection.connection.dbapi_connection, wait=600)
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(
                        f"migration left {len(broken)} broken references: {broken[:5]}"
                    )
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


restoring = config.attributes.get("connection")
if restoring is not None:
    # store/pg_backup.py: an older dump just loaded, migrated inside the restore's own
    # transaction (the write lock is held), committed or rolled back there as one.
    context.configure(
        connection=restoring, target_metadata=Base.metadata, render_as_batch=False,
        compare_type=True,
    )  # fmt: skip
    context.run_migrations()
else:
    _run_on_engine()
