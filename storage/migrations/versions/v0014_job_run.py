"""job runs: scheduled jobs that happen once per period across instances

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("instance", sa.String(length=120), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", "period"),
    )


def downgrade() -> None:
    op.drop_table("job_run")
