"""encrypt more personal fields: date of birth, action texts, triage reasons, timeline params, info queries,
audit details (erase reasons)

Existing rows are encrypted here with the key from ``storage.migrate.upgrade(..., encryption_key=)`` or
``KETENBOT_ENCRYPTION_KEY``; with rows to convert and no (or a malformed) key the upgrade refuses with one
line. The downgrade decrypts them again (it needs the key too) and restores the old column types.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 04:00:00
"""

import os
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage.crypto import KEY_SETTING, PREFIX, KeyRing
from storage.names import name_key

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
# table, column, type before, nullable, Postgres cast back (downgrade)
COLUMNS: tuple[tuple[str, str, sa.types.TypeEngine[Any], bool, str | None], ...] = (
    ("subject", "birth_date", sa.Date(), True, "birth_date::date"),
    ("signal", "reason", sa.String(length=500), True, None),
    ("case_action", "text", sa.String(length=500), False, None),
    ("case_event", "params", sa.JSON(), False, "params::json"),
    ("info_request", "query", sa.String(length=120), False, None),
    ("audit_event", "detail", sa.String(length=500), True, None),
)


def _keyring() -> KeyRing:
    config = op.get_context().config
    setting = config.attributes.get("encryption_key") if config is not None else None
    return KeyRing.parse(setting or os.environ.get(KEY_SETTING))


def _query_key(query: str) -> str:
    """storage.network.flows_repository.query_key as of this revision."""
    return query.strip().upper() if any(ch.isdigit() for ch in query) else name_key(query)


def _convert(table: str, column: str, change: Callable[[str], str], *, encrypted: bool) -> int:
    """Rewrite the values that are (``encrypted=False``: not yet; True: already) encrypted, in id order."""
    bind = op.get_bind()
    condition = "LIKE" if encrypted else "NOT LIKE"
    select = sa.text(
        f'SELECT id, "{column}" FROM "{table}" WHERE id > :last AND "{column}" IS NOT NULL'
        f' AND CAST("{column}" AS TEXT) {condition} :p ORDER BY id LIMIT {BATCH}'
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
        sql = (
            f'SELECT 1 FROM "{table}" WHERE "{column}" IS NOT NULL'
            f' AND CAST("{column}" AS TEXT) {condition} :p LIMIT 1'
        )
        if op.get_bind().execute(sa.text(sql), {"p": PREFIX + "%"}).first():
            return True
    return False


def upgrade() -> None:
    # the key first, before any DDL (SQLite does not roll DDL back): no key, no change at all
    keyring = _keyring() if _needs_key(encrypted=False) else None
    for table, column, old_type, nullable, _ in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                type_=sa.Text(),
                existing_type=old_type,
                existing_nullable=nullable,
                postgresql_using=f'"{column}"::text',
            )
    with op.batch_alter_table("info_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("query_key", sa.String(length=80), nullable=False, server_default=""))
        batch_op.create_index("ix_info_request_query_key", ["query_key"])
    if keyring is None:
        return  # an empty (or already encrypted) database needs no key here
    for table, column, *_ in COLUMNS:
        _convert(table, column, keyring.encrypt, encrypted=False)
    rows = op.get_bind().execute(sa.text("SELECT id, query FROM info_request WHERE query_key = ''")).all()
    if rows:
        op.get_bind().execute(
            sa.text("UPDATE info_request SET query_key = :k WHERE id = :id"),
            [{"id": row[0], "k": keyring.index(_query_key(keyring.decrypt(str(row[1]))))} for row in rows],
        )


def downgrade() -> None:
    if _needs_key(encrypted=True):
        keyring = _keyring()
        for table, column, *_ in COLUMNS:
            _convert(table, column, keyring.decrypt, encrypted=True)
    with op.batch_alter_table("info_request", schema=None) as batch_op:
        batch_op.drop_index("ix_info_request_query_key")
        batch_op.drop_column("query_key")
    # SQLite's batch copy CASTs to the old type, and CAST AS DATE / JSON turns '1985-03-12' into 1985: keep
    # the values aside and put them back as they were (SQLite stores them as text under any type)
    sqlite = op.get_bind().dialect.name == "sqlite"
    kept = {
        (table, column): op.get_bind().execute(sa.text(f'SELECT id, "{column}" FROM "{table}"')).all()
        for table, column, *_ in COLUMNS
        if sqlite
    }
    for table, column, old_type, nullable, cast_back in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                type_=old_type,
                existing_type=sa.Text(),
                existing_nullable=nullable,
                postgresql_using=cast_back or f'"{column}"',
            )
    for (table, column), rows in kept.items():
        if rows:
            op.get_bind().execute(
                sa.text(f'UPDATE "{table}" SET "{column}" = :v WHERE id = :id'),
                [{"id": row[0], "v": row[1]} for row in rows],
            )
