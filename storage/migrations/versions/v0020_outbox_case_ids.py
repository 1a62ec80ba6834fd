"""outbox.case_ids: the cases a queued message is about, so a deputy receives only what they may know

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 07:10:00

Rows queued before this revision say nothing (NULL): they are not forwarded to a deputy (default deny);
they reach the absent member themselves.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("case_ids", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("case_ids")
