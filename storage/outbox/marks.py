"""Recording the outcome of each send: one single-statement transaction per message (so a crash repeats at
most the message in flight), on one autocommit connection held for a dispatcher tick. No pool checkout,
ping, BEGIN or COMMIT round trip and no ORM bookkeeping per message: a mark costs about one round trip."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, text, update

from storage.models import OutboxMessage, OutboxStatus

_TABLE = OutboxMessage.__table__  # type: ignore[attr-defined]


class OutboxMarks:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._postgres = engine.dialect.name == "postgresql"
        self._lock = threading.Lock()  # sends in the background mark from other worker threads

    def sent(self, message_id: int, now: datetime) -> None:
        self._set(message_id, status=OutboxStatus.SENT, sent_at=now, lease_until=None)

    def expired(self, message_id: int) -> None:
        self._set(message_id, status=OutboxStatus.EXPIRED, lease_until=None)

    def failed(self, message_id: int, error: str) -> None:
        self._set(message_id, status=OutboxStatus.FAILED, lease_until=None, last_error=error[:300])

    def retry(self, message_id: int, not_before: datetime, error: str) -> None:
        """Back to pending, not before ``not_before``; its due time (its place in line) stays."""
        self._set(message_id, status=OutboxStatus.PENDING, lease_until=not_before, last_error=error[:300])

    def release(self, message_ids: Sequence[int]) -> None:
        """Hand claimed rows back untried (their turn did not come within the lease)."""
        if message_ids:
            self._execute(
                update(_TABLE)
                .where(_TABLE.c.id.in_(list(message_ids)), _TABLE.c.status == OutboxStatus.CLAIMED)
                .values(status=OutboxStatus.PENDING, lease_until=None, attempts=_TABLE.c.attempts - 1)
            )

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is None:
                return
            if self._postgres and not connection.invalidated:
                connection.execute(text("RESET synchronous_commit"))
            connection.close()

    def _set(self, message_id: int, **values: Any) -> None:
        self._execute(update(_TABLE).where(_TABLE.c.id == message_id).values(**values))

    def _execute(self, statement: Any) -> None:
        with self._lock:
            self._execute_locked(statement)

    def _execute_locked(self, statement: Any) -> None:
        if self._connection is None:
            connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            if self._postgres:
                # A mark need not wait for its WAL flush: should the database server itself crash in the
                # next fraction of a second, the message is sent once more. Never lost, at worst repeated.
                connection.execute(text("SET synchronous_commit TO OFF"))
            self._connection = connection
        try:
            self._connection.execute(statement)
        except BaseException:
            self._connection.invalidate()  # a broken connection is not reused
            self._connection = None
            raise
