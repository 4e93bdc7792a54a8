"""the cycle (Stap 6): yearly measurements of effect indicators, an indicator's unit, an action's year,
state and money spent, what a previous priority reached, and the trajectory a new IVP was made from

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 06:30:00

Issue 28: an effect indicator was never measured again after its nulmeting, the uitvoeringsplan had no
state per action and no year, and a new IVP started from nothing. Hand-entered measurements are stored in
``indicator_measurement``; imported figures are read where they are (``figure``), so undoing an import also
removes the realised values it brought.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["indicator_id"], ["effect_indicator.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("indicator_id", "year"),
    )
    op.create_index("ix_indicator_measurement_trajectory_id", "indicator_measurement", ["trajectory_id"])
    with op.batch_alter_table("effect_indicator") as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=60), nullable=False, server_default=""))
    with op.batch_alter_table("plan_action") as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=12), nullable=False, server_default="gepland")
        )
        batch_op.add_column(sa.Column("spent_amount", sa.Integer(), nullable=True))
    with op.batch_alter_table("previous_priority") as batch_op:
        batch_op.add_column(sa.Column("result", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("trajectory") as batch_op:
        batch_op.add_column(sa.Column("predecessor_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_trajectory_predecessor_id", "trajectory", ["predecessor_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("trajectory") as batch_op:
        batch_op.drop_constraint("fk_trajectory_predecessor_id", type_="foreignkey")
        batch_op.drop_column("predecessor_id")
    with op.batch_alter_table("previous_priority") as batch_op:
        batch_op.drop_column("result")
    with op.batch_alter_table("plan_action") as batch_op:
        for column in ("spent_amount", "state", "year"):
            batch_op.drop_column(column)
    with op.batch_alter_table("effect_indicator") as batch_op:
        batch_op.drop_column("unit")
    op.drop_index("ix_indicator_measurement_trajectory_id", table_name="indicator_measurement")
    op.drop_table("indicator_measurement")
