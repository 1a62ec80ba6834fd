"""occurrence rsvp: an invitee's answer for one occurrence of a meeting series

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_occurrence_rsvp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("original_start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rsvp", sa.String(length=10), nullable=False),
        sa.Column("substitute_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["substitute_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "meeting_id", "member_id", "original_start_at", name="uq_meeting_occurrence_rsvp"
        ),
    )
    with op.batch_alter_table("meeting_occurrence_rsvp", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_occurrence_rsvp_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_occurrence_rsvp", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_occurrence_rsvp_meeting_id"))
    op.drop_table("meeting_occurrence_rsvp")
