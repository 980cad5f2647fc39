"""等级变更记录, 在岗职工 may be empty, directions by tier

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:19:12

- ``institution_level``: the dated history of each unit's level and category. Every existing
  unit gets one entry (``since`` empty: from the start) with its current level and category.
- ``institution.staff_total`` (在岗职工) may be empty: NULL means not known, not 0.
- Every stored 流动方向 is derived again by the tiers of DESIGN.md §1 (village-level units are
  a tier of their own; upward moves are 上派, their purpose is derived from the form). With one
  history entry per unit this is the units' current level and category. The rules are written
  out here, as they stood at this version, so that later changes to the domain do not change
  what this migration did. The database was backed up before the upgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_VILLAGE = {"村卫生室", "社区卫生服务站"}
_TOWNSHIP = {"乡镇卫生院", "社区卫生服务中心", "专业公共卫生机构"}


def _tier(level: str | None, category: str | None) -> int:
    if category in _VILLAGE:
        return 4
    if category in _TOWNSHIP:
        return 3
    level = level or ""
    return 1 if level.startswith("三级") else 2 if level.startswith("二级") else 3


def _direction(a: int, b: int) -> str:
    return "下沉" if a < b else "上派" if a > b else "平级交流"


def upgrade() -> None:
    op.create_table(
        "institution_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institution.id"],
            name=op.f("fk_institution_level_institution_id_institution"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_level")),
    )
    with op.batch_alter_table("institution_level", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_institution_level_institution_id"), ["institution_id"], unique=False
        )
    with op.batch_alter_table("institution", schema=None) as batch_op:
        batch_op.alter_column("staff_total", existing_type=sa.INTEGER(), nullable=True)

    conn = op.get_bind()
    conn.execute(
        sa.text(
            "INSERT INTO institution_level (institution_id, since, level, category) "
            "SELECT id, NULL, level, category FROM institution ORDER BY id"
        )
    )
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
        direction = _direction(_tier(from_level, from_category), _tier(to_level, to_category))
        if direction != stored:
            conn.execute(update, {"direction": direction, "id": rotation_id})


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE institution SET staff_total = 0 WHERE staff_total IS NULL"))
    conn.execute(sa.text("UPDATE rotation SET direction = '上派进修' WHERE direction = '上派'"))
    with op.batch_alter_table("institution", schema=None) as batch_op:
        batch_op.alter_column("staff_total", existing_type=sa.INTEGER(), nullable=False)
    with op.batch_alter_table("institution_level", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_institution_level_institution_id"))
    op.drop_table("institution_level")
