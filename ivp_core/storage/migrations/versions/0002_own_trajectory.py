"""own trajectory: Stap 1 (werkgroep, milestones, role of the raad, previous priorities, agenda inputs),
wijken per municipality, archived trajectories, import batches per trajectory with undo, decision records

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch_op:
        batch_op.add_column(sa.Column("wijken", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("trajectory") as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("council_role", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column(
                "opinion_gremium", sa.String(length=30), nullable=False, server_default="raadscommissie"
            )
        )
        batch_op.add_column(
            sa.Column("deciding_gremium", sa.String(length=30), nullable=False, server_default="raad")
        )
    with op.batch_alter_table("import_batch") as batch_op:
        batch_op.add_column(sa.Column("trajectory_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_import_batch_trajectory_id", "trajectory", ["trajectory_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("priority_decision") as batch_op:
        batch_op.add_column(sa.Column("gremium", sa.String(length=30), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("meeting_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), nullable=False, server_default="advies")
        )
        batch_op.add_column(sa.Column("focus", sa.JSON(), nullable=False, server_default="{}"))

    op.create_table(
        "werkgroep_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_werkgroep_member_trajectory_id", "werkgroep_member", ["trajectory_id"])
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_milestone_trajectory_id", "milestone", ["trajectory_id"])
    op.create_table(
        "previous_priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("theme_code", sa.String(length=8), nullable=False),
        sa.Column("wording", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_previous_priority_trajectory_id", "previous_priority", ["trajectory_id"])
    op.create_table(
        "agenda_input",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("theme_code", sa.String(length=8), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agenda_input_trajectory_id", "agenda_input", ["trajectory_id"])


def downgrade() -> None:
    for table in ("agenda_input", "previous_priority", "milestone", "werkgroep_member"):
        op.drop_index(f"ix_{table}_trajectory_id", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("priority_decision") as batch_op:
        for column in ("focus", "status", "meeting_date", "gremium"):
            batch_op.drop_column(column)
    with op.batch_alter_table("import_batch") as batch_op:
        batch_op.drop_constraint("fk_import_batch_trajectory_id", type_="foreignkey")
        batch_op.drop_column("undone_at")
        batch_op.drop_column("trajectory_id")
    with op.batch_alter_table("trajectory") as batch_op:
        for column in ("deciding_gremium", "opinion_gremium", "council_role", "archived_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("municipality") as batch_op:
        batch_op.drop_column("wijken")
