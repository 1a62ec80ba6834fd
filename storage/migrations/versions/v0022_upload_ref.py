"""pending_upload.ref: a random reference the upload's buttons carry instead of its id

SQLite gives a deleted row's id to the next row, so the "Importeren" button under an older dry run named the
newer upload that replaced it, and imported that file. Uploads still pending at this revision are deleted:
their buttons carry ids, which no longer name anything, and a pending upload lives at most a day anyway
(pressing such a button says the file is gone and asks to send it again).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM pending_upload"))
    with op.batch_alter_table("pending_upload") as batch:
        batch.add_column(sa.Column("ref", sa.String(length=24), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("pending_upload") as batch:
        batch.drop_column("ref")
