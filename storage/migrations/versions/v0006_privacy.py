"""privacy: anonymised_at on case and signal; wider encrypted personal fields and HMAC name indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 02:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # existing plaintext rows stay readable; `ketenbot privacy rotate-key` encrypts them and hashes the keys
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("description", type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.alter_column("name", type_=sa.Text(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("subject", schema=None) as batch_op:
        batch_op.alter_column("name", type_=sa.String(length=120), existing_nullable=False)
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.alter_column("description", type_=sa.String(length=2000), existing_nullable=False)
        batch_op.drop_column("anonymised_at")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
