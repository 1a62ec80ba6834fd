"""signal.import_source: the kind of partner an imported signal came from (its reporter is the importer)

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-06 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signal") as batch:
        batch.add_column(sa.Column("import_source", sa.String(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signal") as batch:
        batch.drop_column("import_source")
