"""encrypt the remaining free texts a user types: meeting places, cancel and change reasons, an upload's file
name, a detention's facility, invite notes, group chat titles

Existing rows are encrypted here with the key from ``storage.migrate.upgrade(..., encryption_key=)`` or
``KETENBOT_ENCRYPTION_KEY`` (as in 0010: with rows to convert and no key the upgrade refuses before any
change); the downgrade decrypts them again and restores the old column types.

Revision ID: 0021
Revises: 0019
Create Date: 2026-12-06 07:00:00
"""

import os
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.crypto import KEY_SETTING, PREFIX, KeyRing

revision: str = "0021"
down_revision: str | None = "0019"
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


def downgrade() -> None:
    if _needs_key(encrypted=True):
        keyring = _keyring()
        for table, column, *_ in COLUMNS:
            _convert(table, column, keyring.decrypt, encrypted=True)
    _alter(to_text=False)
