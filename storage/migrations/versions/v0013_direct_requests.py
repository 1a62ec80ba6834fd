"""direct requests: details asked in a group, opened in the direct chat by a start token

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "direct_request",
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("command", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("token"),
    )
    op.create_index("ix_direct_request_member_id", "direct_request", ["member_id"])
    op.create_index("ix_direct_request_expires_at", "direct_request", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_direct_request_expires_at", table_name="direct_request")
    op.drop_index("ix_direct_request_member_id", table_name="direct_request")
    op.drop_table("direct_request")
