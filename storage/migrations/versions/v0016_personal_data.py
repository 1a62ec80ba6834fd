"""personal data everywhere: encrypt outbox payloads and form states, invite codes as HMAC, anonymous poll
rows without sequential ids

- ``outbox.payload`` and ``form_state.values`` become encrypted JSON text; existing rows are encrypted here
  with the key from ``storage.migrate.upgrade(..., encryption_key=)`` or ``KETENBOT_ENCRYPTION_KEY`` (as
  in 0010: with rows to convert and no key the upgrade refuses); the downgrade decrypts them.
- ``invite.code_hash`` was an unsalted SHA-256 of the code; it becomes HMAC-SHA256 of that hash with a
  key derived from the encryption key (``KeyRing.invite_hash``), so existing codes keep working. The
  downgrade cannot undo an HMAC: it revokes the invites that are still open.
- ``direct_request.command`` (a details-in-privé link's command, which may name a person) becomes
  encrypted text; the links live minutes, so the ones there are dropped rather than converted.
- ``poll_answer`` gets random text ids and ``poll_response`` (who answered) no id at all, both WITHOUT
  ROWID on SQLite: nothing orders answers the way the markers were written, so no answer joins a member.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-06 04:30:00
"""

import os
import random
import secrets
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from storage.crypto import KEY_SETTING, PREFIX, KeyRing

revision: str = "0016"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
COLUMNS = (("outbox", "payload"), ("form_state", "values"))


def _keyring() -> KeyRing:
    config = op.get_context().config
    setting = config.attributes.get("encryption_key") if config is not None else None
    return KeyRing.parse(setting or os.environ.get(KEY_SETTING))


def _convert(table: str, column: str, change: Callable[[str], str], *, encrypted: bool) -> int:
    bind = op.get_bind()
    condition = "LIKE" if encrypted else "NOT LIKE"
    select = sa.text(
        f'SELECT id, CAST("{column}" AS TEXT) FROM "{table}" WHERE id > :last'
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


def _has_rows(sql: str, **params: str) -> bool:
    return op.get_bind().execute(sa.text(sql), params).first() is not None


def _needs_key(*, encrypted: bool) -> bool:
    condition = "LIKE" if encrypted else "NOT LIKE"
    return any(
        _has_rows(f'SELECT 1 FROM "{t}" WHERE CAST("{c}" AS TEXT) {condition} :p LIMIT 1', p=PREFIX + "%")
        for t, c in COLUMNS
    )


def _alter(to_text: bool) -> None:
    # SQLite's batch copy CASTs to the new type, and CAST AS JSON (numeric affinity) turns text into 0:
    # keep the values aside and put them back as they were
    sqlite = op.get_bind().dialect.name == "sqlite" and not to_text
    kept = {
        (table, column): op.get_bind().execute(sa.text(f'SELECT id, "{column}" FROM "{table}"')).all()
        for table, column in COLUMNS
        if sqlite
    }
    for table, column in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column,
                type_=sa.Text() if to_text else sa.JSON(),
                existing_type=sa.JSON() if to_text else sa.Text(),
                existing_nullable=False,
                postgresql_using=f'"{column}"::text' if to_text else f'"{column}"::json',
            )
    for (table, column), rows in kept.items():
        if rows:
            op.get_bind().execute(
                sa.text(f'UPDATE "{table}" SET "{column}" = :v WHERE id = :id'),
                [{"id": row[0], "v": row[1]} for row in rows],
            )


def _direct_requests(*, to_text: bool) -> None:
    op.execute("DELETE FROM direct_request")  # short-lived links: dropped, not converted
    with op.batch_alter_table("direct_request", schema=None) as batch_op:
        batch_op.alter_column(
            "command",
            type_=sa.Text() if to_text else sa.String(length=500),
            existing_type=sa.String(length=500) if to_text else sa.Text(),
            existing_nullable=False,
        )


def _poll_tables(*, random_ids: bool) -> None:
    """Rebuild poll_answer and poll_response: random text ids and no ids (upgrade), or integer ids."""
    bind = op.get_bind()
    answers = bind.execute(sa.text("SELECT round_id, question, score, comment FROM poll_answer")).all()
    markers = bind.execute(sa.text("SELECT round_id, member_id, question FROM poll_response")).all()
    answers = list(answers)
    random.SystemRandom().shuffle(answers)  # the old order was the order of answering: not kept
    op.drop_index("ix_poll_answer_round_id", table_name="poll_answer")
    op.drop_table("poll_answer")
    op.drop_table("poll_response")
    rowid = {"sqlite_with_rowid": False} if random_ids else {}
    op.create_table(
        "poll_answer",
        sa.Column("id", sa.String(length=32) if random_ids else sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["poll_round.id"]),
        sa.PrimaryKeyConstraint("id"),
        **rowid,
    )
    op.create_index("ix_poll_answer_round_id", "poll_answer", ["round_id"])
    if random_ids:
        op.create_table(
            "poll_response",
            sa.Column("round_id", sa.Integer(), nullable=False),
            sa.Column("member_id", sa.Integer(), nullable=False),
            sa.Column("question", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["round_id"], ["poll_round.id"]),
            sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
            sa.PrimaryKeyConstraint("round_id", "member_id", "question"),
            **rowid,
        )
    else:
        op.create_table(
            "poll_response",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("round_id", sa.Integer(), nullable=False),
            sa.Column("member_id", sa.Integer(), nullable=False),
            sa.Column("question", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["round_id"], ["poll_round.id"]),
            sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("round_id", "member_id", "question", name="uq_poll_response"),
        )
    if answers:
        bind.execute(
            sa.text(
                "INSERT INTO poll_answer (id, round_id, question, score, comment)"
                " VALUES (:id, :r, :q, :s, :c)"
            ),
            [
                {"id": secrets.token_hex(16) if random_ids else n, "r": a[0], "q": a[1], "s": a[2], "c": a[3]}
                for n, a in enumerate(answers, start=1)
            ],
        )
    if markers:
        markers = sorted(markers)
        columns, values = ("round_id, member_id, question", ":r, :m, :q")
        if not random_ids:
            columns, values = "id, " + columns, ":id, " + values
        bind.execute(
            sa.text(f"INSERT INTO poll_response ({columns}) VALUES ({values})"),
            [{"id": n, "r": m[0], "m": m[1], "q": m[2]} for n, m in enumerate(markers, start=1)],
        )


def upgrade() -> None:
    needs_key = _needs_key(encrypted=False) or _has_rows("SELECT 1 FROM invite LIMIT 1")
    keyring = _keyring() if needs_key else None  # before any DDL: no key, no change at all
    _alter(to_text=True)
    _direct_requests(to_text=True)
    _poll_tables(random_ids=True)
    if keyring is None:
        return
    for table, column in COLUMNS:
        _convert(table, column, keyring.encrypt, encrypted=False)
    bind = op.get_bind()
    invites = bind.execute(sa.text("SELECT id, code_hash FROM invite")).all()
    if invites:
        bind.execute(
            sa.text("UPDATE invite SET code_hash = :h WHERE id = :id"),
            [{"id": row[0], "h": keyring.invite_hash_of_digest(str(row[1]))} for row in invites],
        )


def downgrade() -> None:
    if _needs_key(encrypted=True):
        keyring = _keyring()
        for table, column in COLUMNS:
            _convert(table, column, keyring.decrypt, encrypted=True)
    # an HMAC cannot be turned back into the plain SHA-256: open invites stop working, say so by revoking
    op.get_bind().execute(
        sa.text(
            "UPDATE invite SET revoked_at = CURRENT_TIMESTAMP WHERE used_at IS NULL AND revoked_at IS NULL"
        )
    )
    _poll_tables(random_ids=False)
    _direct_requests(to_text=False)
    _alter(to_text=False)
