"""encrypt the remaining free texts a user types: meeting places, cancel and change reasons, an upload's file
name, a detention's facility, invite notes, group chat titles; sealed poll ballots

- ``poll_ballot`` holds an answer while its round is open (random id, round, one ciphertext; WITHOUT ROWID
  on SQLite); answers reach ``poll_answer`` in a shuffled batch when the round closes. The downgrade writes
  the ballots there (shuffled) and drops the table.

Existing rows are encrypted here with the key from ``storage.migrate.upgrade(..., encryption_key=)`` or
``KETENBOT_ENCRYPTION_KEY`` (as in 0010: with rows to convert and no key the upgrade refuses before any
change); the downgrade decrypts them again and restores the old column types.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-06 07:00:00
"""

import json
import os
import random
import secrets
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.crypto import KEY_SETTING, PREFIX, KeyRing

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# table, column, type before, nullable
COLUMNS: tuple[tuple[str, str, sa.types.TypeEngine[Any], bool], ...] = (
    ("meeting", "place", sa.String(length=300), False),
    ("meeting", "cancel_reason", sa.String(length=300), True),
    ("meeting_change", "reason", sa.String(length=300), True),
    ("pending_upload", "file_name", sa.String(length=200), False),
    ("detention", "facility", sa.String(length=120), False),
    ("invite", "note", sa.String(length=200), True),
    ("group_chat", "title", sa.String(length=120), True),
)


def _keyring() -> KeyRing:
    config = op.get_context().config
    setting = config.attributes.get("encryption_key") if config is not None else None
    return KeyRing.parse(setting or os.environ.get(KEY_SETTING))


def _convert(table: str, column: str, change: Callable[[str], str], *, encrypted: bool) -> int:
    """Rewrite the values that are (``encrypted=False``: not yet; True: already) encrypted, in id order."""
    bind = op.get_bind()
    condition = "LIKE" if encrypted else "NOT LIKE"
    select = sa.text(
        f'SELECT id, "{column}" FROM "{table}" WHERE id > :last AND "{column}" IS NOT NULL'
        f' AND "{column}" {condition} :p ORDER BY id LIMIT {BATCH}'
    )
    update = sa.text(f'UPDATE "{table}" SET "{column}" = :v WHERE id = :id')
    count, last = 0, 0
    while True:
        rows = bind.execute(select, {"last": last, "p": PREFIX + "%"}).all()
        if not rows:
            return count
        bind.execute(update, [{"id": row[0], "v": change(str(row[1]))} for row in rows])
        count += len(rows)
        last = rows[-1][0]


def _needs_key(*, encrypted: bool) -> bool:
    condition = "LIKE" if encrypted else "NOT LIKE"
    for table, column, *_ in COLUMNS:
        sql = f'SELECT 1 FROM "{table}" WHERE "{column}" IS NOT NULL AND "{column}" {condition} :p LIMIT 1'
        if op.get_bind().execute(sa.text(sql), {"p": PREFIX + "%"}).first():
            return True
    return False


def _alter(*, to_text: bool) -> None:
    for table, column, old_type, nullable in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                type_=sa.Text() if to_text else old_type,
                existing_type=old_type if to_text else sa.Text(),
                existing_nullable=nullable,
            )


def upgrade() -> None:
    # the key first, before any DDL (SQLite does not roll DDL back): no key, no change at all
    keyring = _keyring() if _needs_key(encrypted=False) else None
    _alter(to_text=True)  # a ciphertext is longer than the old limits (still checked on input)
    if keyring is not None:
        for table, column, *_ in COLUMNS:
            _convert(table, column, keyring.encrypt, encrypted=False)
    op.create_table(
        "poll_ballot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["poll_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_poll_ballot_round_id", "poll_ballot", ["round_id"])


def downgrade() -> None:
    bind = op.get_bind()
    ballots = bind.execute(sa.text("SELECT round_id, sealed FROM poll_ballot")).all()
    if ballots or _needs_key(encrypted=True):
        keyring = _keyring()
        for table, column, *_ in COLUMNS:
            _convert(table, column, keyring.decrypt, encrypted=True)
        rows = []
        for round_id, sealed in ballots:
            answer = json.loads(keyring.decrypt(str(sealed)))
            comment = answer.get("comment")
            rows.append(
                {
                    "id": secrets.token_hex(16),
                    "r": round_id,
                    "q": answer["question"],
                    "s": answer.get("score"),
                    "c": None if comment is None else keyring.encrypt(comment),  # poll_answer.comment
                }
            )
        random.SystemRandom().shuffle(rows)
        if rows:
            bind.execute(
                sa.text(
                    "INSERT INTO poll_answer (id, round_id, question, score, comment) VALUES (:id, :r, :q, :s, :c)"
                ),
                rows,
            )
    op.drop_index("ix_poll_ballot_round_id", table_name="poll_ballot")
    op.drop_table("poll_ballot")
    _alter(to_text=False)
