"""personal accounts, a role per trajectory, invitations that expire, and the audit trail (issue 30)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 06:20:00

A login token now says whose login it is (``user_id``, empty for the shared administrator password), so
logging out, a password change or removing an account can revoke exactly that person's logins on every app
server. The audit trail keeps who as text (the e-mail address at that moment), so it outlives the account,
and never references a ballot or participant.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "trajectory_id"),
    )
    op.create_index("ix_user_role_trajectory_id", "user_role", ["trajectory_id"])
    op.create_table(
        "user_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_user_invitation_user_id", "user_invitation", ["user_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_trajectory_id", "audit_event", ["trajectory_id"])
    op.create_table(
        "access_setting",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.add_column("login_token", sa.Column("user_id", sa.Integer(), nullable=True))
    op.create_index("ix_login_token_user_id", "login_token", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_login_token_user_id", table_name="login_token")
    with op.batch_alter_table("login_token") as batch:
        batch.drop_column("user_id")
    op.drop_table("access_setting")
    op.drop_index("ix_audit_event_trajectory_id", table_name="audit_event")
    op.drop_table("audit_event")
    op.drop_index("ix_user_invitation_user_id", table_name="user_invitation")
    op.drop_table("user_invitation")
    op.drop_index("ix_user_role_trajectory_id", table_name="user_role")
    op.drop_table("user_role")
    op.drop_table("user_account")
