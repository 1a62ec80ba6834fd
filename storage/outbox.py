"""The notification outbox: rows written with the change that causes them, claimed by the dispatcher."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import col, select

from storage.models import OutboxMessage, OutboxStatus
from storage.repositories import Repository


class OutboxRepository(Repository):
    def add(
        self,
        dedupe_key: str,
        payload: dict[str, Any],
        *,
        due_at: datetime,
        now: datetime,
        member_id: int | None = None,
        group_purpose: str | None = None,
        expires_at: datetime | None = None,
    ) -> OutboxMessage | None:
        """Queue a message; a key already queued (in any state) is left alone and None returned."""
        if self.by_key(dedupe_key) is not None:
            return None
        message = OutboxMessage(
            dedupe_key=dedupe_key,
            member_id=member_id,
            group_purpose=group_purpose,
            payload=payload,
            due_at=due_at,
            expires_at=expires_at,
            created_at=now,
        )
        self.session.add(message)
        self.session.flush()
        return message

    def by_key(self, dedupe_key: str) -> OutboxMessage | None:
        return self.session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()

    def cancel_prefix(self, prefix: str) -> int:
        """Cancel pending rows whose key starts with ``prefix`` (a date changed: the ladder is rebuilt)."""
        statement = (
            update(OutboxMessage)
            .where(
                col(OutboxMessage.dedupe_key).startswith(prefix, autoescape=True),
                col(OutboxMessage.status) == OutboxStatus.PENDING,
            )
            .values(status=OutboxStatus.CANCELLED)
        )
        return int(self.session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def claim_due(
        self,
        now: datetime,
        *,
        limit: int = 100,
        lease: timedelta = timedelta(minutes=2),
    ) -> Sequence[OutboxMessage]:
        """Claim due rows (pending, or claimed with an expired lease). Postgres skips rows others hold."""
        statement = (
            select(OutboxMessage)
            .where(
                (
                    (col(OutboxMessage.status) == OutboxStatus.PENDING)
                    | (
                        (col(OutboxMessage.status) == OutboxStatus.CLAIMED)
                        & (col(OutboxMessage.lease_until) < now)
                    )
                ),
                col(OutboxMessage.due_at) <= now,
            )
            .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = self.session.exec(statement).all()
        for row in rows:
            row.status = OutboxStatus.CLAIMED
            row.lease_until = now + lease
            row.attempts += 1
            self.session.add(row)
        self.session.flush()
        return rows

    def mark_sent(self, message_id: int, now: datetime) -> None:
        self._set(message_id, status=OutboxStatus.SENT, sent_at=now, lease_until=None)

    def mark_expired(self, message_id: int) -> None:
        self._set(message_id, status=OutboxStatus.EXPIRED, lease_until=None)

    def retry_later(self, message_id: int, due_at: datetime, error: str) -> None:
        self._set(
            message_id, status=OutboxStatus.PENDING, due_at=due_at, lease_until=None, last_error=error[:300]
        )

    def mark_failed(self, message_id: int, error: str) -> None:
        self._set(message_id, status=OutboxStatus.FAILED, lease_until=None, last_error=error[:300])

    def pending_for(self, member_id: int, now: datetime, limit: int = 50) -> Sequence[OutboxMessage]:
        statement = (
            select(OutboxMessage)
            .where(
                OutboxMessage.member_id == member_id,
                OutboxMessage.status == OutboxStatus.PENDING,
                col(OutboxMessage.due_at) > now,
            )
            .order_by(col(OutboxMessage.due_at))
            .limit(limit)
        )
        return self.session.exec(statement).all()

    def depth(self) -> int:
        from sqlalchemy import func

        statement = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        return int(self.session.exec(statement).one())

    def _set(self, message_id: int, **values: Any) -> None:
        self.session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id) == message_id).values(**values)
        )



def add_many(repository: OutboxRepository, rows: Sequence[dict[str, Any]]) -> int:
    """Queue many messages (dicts of OutboxMessage columns: ``dedupe_key``, ``member_id``, ``payload``,
    ``due_at``, ``expires_at``, ``created_at``) with one key check per 500 keys and one multi-row INSERT: a
    series with 40 invitees writes thousands of reminder rows. Keys already queued, in any state, are left
    alone, as in ``OutboxRepository.add``."""
    existing: set[str] = set()
    keys = [row["dedupe_key"] for row in rows]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        statement = select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).in_(chunk))
        existing.update(repository.session.exec(statement).all())
    fresh = [r for r in {r["dedupe_key"]: r for r in rows}.values() if r["dedupe_key"] not in existing]
    if fresh:
        values = [{"status": OutboxStatus.PENDING, "attempts": 0, "group_purpose": None, **r} for r in fresh]
        repository.session.execute(insert(OutboxMessage), values)
    return len(fresh)
