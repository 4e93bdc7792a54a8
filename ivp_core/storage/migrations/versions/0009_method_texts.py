"""method texts: the IVP's visie, uitgangspunten, coördinatie and flankerend beleid; the startnotitie's
partners, capacity, budget, bewonersconsultatie, beleidscyclus and adopters; police priorities per
municipality; an uitvoeringsplan action's budget as an amount in euros

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 02:30:00

Issue 25: the IVP draft's chapters 2, 3 and 6 and every "flankerend beleid" were placeholders because the app
had no place to write them, and budgets were free text ("40000" beside "€ 25.000") that no total could add.
An action's budget text that starts with an amount ("€ 25.000 per jaar", "40000") gets that amount in
``budget_amount`` and keeps only the rest ("per jaar") as its note.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: An amount at the start of a budget text: "€ 25.000 per jaar", "EUR 40.000,-", "12500 euro", or a bare
#: "40000"; "2 fte" or "€ 1,5 mln" stay text.
_NUMBER = r"(\d{1,3}(?:\.\d{3})+|\d+)(?:,-|,00)?(?![\d.,])"
AMOUNTS = (
    re.compile(r"^\s*(?:€|eur|euro)\s*" + _NUMBER + r"\s*(.*)$", re.I),
    re.compile(r"^\s*" + _NUMBER + r"\s*(?:euro|eur)\b\s*(.*)$", re.I),
    re.compile(r"^\s*" + _NUMBER + r"\s*()$"),
)


def _split(text: str) -> tuple[int | None, str]:
    for pattern in AMOUNTS:
        match = pattern.match(text or "")
        if match is not None:
            return int(match.group(1).replace(".", "")), match.group(2).strip(" ,;-")
    return None, text


def upgrade() -> None:
    with op.batch_alter_table("trajectory") as batch_op:
        batch_op.add_column(sa.Column("partners", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("capacity_hours", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("budget_amount", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resident_consultation", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("policy_cycle", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("startnote_adopted_by", sa.String(length=30), nullable=False, server_default="college")
        )
        batch_op.add_column(
            sa.Column("ivp_adopted_by", sa.String(length=30), nullable=False, server_default="raad")
        )
    with op.batch_alter_table("agenda_input") as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_agenda_input_municipality_id", "municipality", ["municipality_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("plan_action") as batch_op:
        batch_op.add_column(sa.Column("budget_amount", sa.Integer(), nullable=True))
    op.create_table(
        "ivp_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("vision", sa.Text(), nullable=False),
        sa.Column("principles", sa.Text(), nullable=False),
        sa.Column("coordination", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("trajectory_id", "municipality_id"),
    )
    op.create_index("ix_ivp_text_trajectory_id", "ivp_text", ["trajectory_id"])
    op.create_table(
        "flanking_policy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("theme_code", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("trajectory_id", "municipality_id", "theme_code"),
    )
    op.create_index("ix_flanking_policy_trajectory_id", "flanking_policy", ["trajectory_id"])
    connection = op.get_bind()
    actions = sa.table(
        "plan_action", sa.column("id", sa.Integer), sa.column("budget", sa.String), sa.column("budget_amount")
    )
    for row in connection.execute(sa.select(actions.c.id, actions.c.budget)).all():
        amount, note = _split(row.budget)
        if amount is not None:
            connection.execute(
                actions.update().where(actions.c.id == row.id).values(budget_amount=amount, budget=note)
            )


def downgrade() -> None:
    for table in ("flanking_policy", "ivp_text"):
        op.drop_index(f"ix_{table}_trajectory_id", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("plan_action") as batch_op:
        batch_op.drop_column("budget_amount")
    with op.batch_alter_table("agenda_input") as batch_op:
        batch_op.drop_constraint("fk_agenda_input_municipality_id", type_="foreignkey")
        batch_op.drop_column("municipality_id")
    with op.batch_alter_table("trajectory") as batch_op:
        for column in (
            "ivp_adopted_by",
            "startnote_adopted_by",
            "policy_cycle",
            "resident_consultation",
            "budget_amount",
            "capacity_hours",
            "partners",
        ):
            batch_op.drop_column(column)
