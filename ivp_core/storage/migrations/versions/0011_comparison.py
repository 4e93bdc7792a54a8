"""comparison with similar municipalities: yearly theme counts and inhabitants of every municipality of a
whole-country file, per trajectory

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 06:30:00

Issue 29: a 47013NED download of all municipalities and a population file (CBS "Bevolking op 1 januari" or
"Kerncijfers wijken en buurten" with MateVanStedelijkheid) give the groups of similar municipalities. Only
the yearly count per theme and the inhabitants per year are kept, not every row of the file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparison_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("theme_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("count", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("trajectory_id", "region_code", "theme_code", "year"),
    )
    op.create_index("ix_comparison_count_trajectory_id", "comparison_count", ["trajectory_id"])
    op.create_table(
        "comparison_population",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("inhabitants", sa.Float(), nullable=True),
        sa.Column("urbanisation", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("trajectory_id", "region_code", "year"),
    )
    op.create_index("ix_comparison_population_trajectory_id", "comparison_population", ["trajectory_id"])
    op.create_table(
        "comparison_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("regions", sa.Integer(), nullable=False),
        sa.Column("mapping_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comparison_source_trajectory_id", "comparison_source", ["trajectory_id"])


def downgrade() -> None:
    for table in ("comparison_source", "comparison_population", "comparison_count"):
        op.drop_index(f"ix_{table}_trajectory_id", table_name=table)
        op.drop_table(table)
