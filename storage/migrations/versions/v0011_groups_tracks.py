"""groups and tracks: case kind and drang/dwang fallback, subject role, action track and subject

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=12), nullable=True))
        batch.add_column(sa.Column("fallback", sa.Text(), nullable=True))
    with op.batch_alter_table("subject") as batch:
        batch.add_column(sa.Column("role", sa.String(length=20), nullable=True))
    with op.batch_alter_table("case_action") as batch:
        batch.add_column(sa.Column("track", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_case_action_subject_id_subject", "subject", ["subject_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("case_action") as batch:
        batch.drop_constraint("fk_case_action_subject_id_subject", type_="foreignkey")
        batch.drop_column("subject_id")
        batch.drop_column("track")
    with op.batch_alter_table("subject") as batch:
        batch.drop_column("role")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("fallback")
        batch.drop_column("kind")
