"""clean institution names: invisible characters dropped, NFKC

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 23:00:00

Names are now stored as ``domain.text.normalize_name`` gives them: zero-width, bidi-control and
BOM characters dropped, NFKC, brackets full-width (issue #11). ``name_key`` is what uniqueness
is judged on, so a stored key in the older form would let a look-alike in again; this brings
every stored name and key to the new form once. A name whose new form another unit already
holds is left as it was (both stay visible in the list for the clerk to merge or rename).
Data only: the schema is unchanged. The database was backed up before the upgrade.
"""

import logging

import sqlalchemy as sa
from alembic import op

from ylt_desktop.domain.text import normalize_name

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name, name_key FROM institution ORDER BY id")).all()
    taken = {key for _id, _name, key in rows}
    update = sa.text("UPDATE institution SET name = :name, name_key = :name WHERE id = :id")
    for inst_id, name, key in rows:
        new = normalize_name(name)
        if new == name and new == key:
            continue
        if new != key and new in taken:
            log.warning(
                "institution %s: its cleaned name is another unit's; left as it was", inst_id
            )
            continue
        taken.discard(key)
        taken.add(new)
        conn.execute(update, {"name": new, "id": inst_id})


def downgrade() -> None:
    pass  # the cleaned names are kept
