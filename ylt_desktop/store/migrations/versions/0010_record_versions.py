"""Record versions: two clerks editing one record (DESIGN.md §8)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 01:20:00

Institutions, staff, rotations, agreements and the operating-figure rows get a ``version``
that grows with every saved change; a save or delete based on an older version is refused
(``store/versions.py``). Existing rows start at 1. Engine-neutral: batch mode on SQLite, a
plain ``ALTER TABLE … ADD COLUMN`` on PostgreSQL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TABLES = ("institution", "staff", "rotation", "agreement", "member_figures", "county_figures")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
