"""Figures about the outbox for monitoring (``/metrics``); reads only."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus


def outbox_lag_seconds(session: Session, now: datetime) -> float:
    """Age of the oldest pending row that is due: how late the outbox's delivery runs now (0 when
    nothing due is waiting). A row waiting for a retry counts: its message is late too. One index seek
    on ``ix_outbox_status_due (status, due_at)``."""
    statement = select(func.min(col(OutboxMessage.due_at))).where(
        col(OutboxMessage.status) == OutboxStatus.PENDING, col(OutboxMessage.due_at) <= now
    )
    oldest = session.exec(statement).one()
    if oldest is None:
        return 0.0
    if oldest.tzinfo is None:  # min() keeps the column's type (aware UTC); guard against a naive value
        oldest = oldest.replace(tzinfo=UTC)
    return max(0.0, (now - oldest).total_seconds())
