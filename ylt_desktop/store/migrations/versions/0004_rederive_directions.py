"""re-derive every rotation's 流动方向

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 17:45:00

Before this version a rotation kept the direction derived when it was saved, also after one
of its units' level or category was corrected. Correcting a unit now re-derives it
(store.institutions.rederive_directions); this brings the directions already stored in line
once. Data only: the schema is unchanged. The database was backed up before the upgrade.
"""

import sqlalchemy as sa
from alembic import op

from ylt_desktop.domain.rotation import derive_direction

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT r.id, r.direction, a.level, a.category, b.level, b.category "
            "FROM rotation AS r "
            "JOIN institution AS a ON a.id = r.from_id "
            "JOIN institution AS b ON b.id = r.to_id"
        )
    ).all()
    update = sa.text("UPDATE rotation SET direction = :direction WHERE id = :id")
    for rotation_id, stored, from_level, from_category, to_level, to_category in rows:
        direction = derive_direction(from_level, from_category, to_level, to_category)
        if direction != stored:
            conn.execute(update, {"direction": direction, "id": rotation_id})


def downgrade() -> None:
    pass  # the corrected directions are kept
