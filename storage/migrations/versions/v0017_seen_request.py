"""seen requests: signed Slack requests already handled (replay protection shared by all instances)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seen_request",
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature"),
    )
    op.create_index("ix_seen_request_seen_at", "seen_request", ["seen_at"])


def downgrade() -> None:
    op.drop_index("ix_seen_request_seen_at", table_name="seen_request")
    op.drop_table("seen_request")
