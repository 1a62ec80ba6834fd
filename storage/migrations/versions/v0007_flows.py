"""flows: informatieverzoeken

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "info_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=120), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["asker_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["answered_by"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_info_request_status_deadline", "info_request", ["status", "deadline"])
    op.create_index("ix_info_request_org_created", "info_request", ["organisation_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_info_request_org_created", table_name="info_request")
    op.drop_index("ix_info_request_status_deadline", table_name="info_request")
    op.drop_table("info_request")
