"""Autogenerate a migration from the models: python scripts/new_migration.py "message" REV_ID."""

import sys
import tempfile
from pathlib import Path

from alembic import command

from ylt_desktop.store.db import MIGRATIONS_DIR, alembic_config, make_engine, upgrade


def main() -> None:
    message, rev_id = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scratch.sqlite"
        engine = make_engine(path)
        if any((MIGRATIONS_DIR / "versions").glob("*.py")):
            upgrade(engine, path)  # autogenerate compares the models with the current head
        command.revision(alembic_config(engine), message=message, autogenerate=True, rev_id=rev_id)


if __name__ == "__main__":
    main()
