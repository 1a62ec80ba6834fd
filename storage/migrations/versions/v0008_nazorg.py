"""nazorg: the checklist per detention, the case scenario, unexpected releases

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nazorg_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("detention_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["detention_id"], ["detention.id"]),
        sa.ForeignKeyConstraint(["owner_id"], ["member.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("detention_id", "item", name="uq_nazorg_item"),
    )
    op.create_table(
        "case_scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    op.create_table(
        "unexpected_release",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("detention_id", sa.Integer(), nullable=False),
        sa.Column("release_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("picked_up_by", sa.Integer(), nullable=True),
        sa.Column("picked_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["detention_id"], ["detention.id"]),
        sa.ForeignKeyConstraint(["recorded_by"], ["member.id"]),
        sa.ForeignKeyConstraint(["picked_up_by"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("unexpected_release", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unexpected_release_detention_id"), ["detention_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("unexpected_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unexpected_release_detention_id"))
    op.drop_table("unexpected_release")
    op.drop_table("case_scenario")
    op.drop_table("nazorg_item")
