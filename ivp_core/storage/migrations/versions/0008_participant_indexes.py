"""indexes on the columns that point at a participant: removing participants no longer scans every ballot

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 08:45:00

Removing a participant makes the database find the rows that refer to it (its ballot: ON DELETE CASCADE;
its comments and invitation code: SET NULL). Only (session_id, participant_id) was indexed, so each removal
scanned the whole ballot table: the clean-up of a killed restore, the undo of a failed one and "vervangen"
took longer than 10 minutes for 10^5 ballots in a database that held 2·10^5 others.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_ballot_participant_id", "ballot", "participant_id"),
    ("ix_comment_participant_id", "comment", "participant_id"),
    ("ix_invitation_code_used_by", "invitation_code", "used_by"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
