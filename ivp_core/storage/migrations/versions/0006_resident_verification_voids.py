"""residents: e-mail identity and void mark on participants, voided-ballot records, e-mail verifications

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch_op:
        batch_op.add_column(sa.Column("identity_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint("uq_participant_identity", ["session_id", "identity_hash"])
    op.create_table(
        "ballot_void",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("participant_label", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("voided_by", sa.String(length=120), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["opinion_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ballot_void_session_id", "ballot_void", ["session_id"])
    op.create_table(
        "email_verification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["opinion_session.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("nonce_hash"),
    )
    op.create_index("ix_email_verification_session_id", "email_verification", ["session_id"])
    op.create_index("ix_email_verification_email_hash", "email_verification", ["email_hash"])


def downgrade() -> None:
    op.drop_table("email_verification")
    op.drop_table("ballot_void")
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_constraint("uq_participant_identity", type_="unique")
        batch_op.drop_column("voided_at")
        batch_op.drop_column("identity_hash")
