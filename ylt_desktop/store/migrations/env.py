"""Alembic environment: runs on the engine handed over by ``store.db``, batch mode for SQLite."""

from alembic import context

from ylt_desktop.store.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
