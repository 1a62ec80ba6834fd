"""Signed requests seen before (Slack's ``X-Slack-Signature``), shared by every instance through the database.

Slack signs ``v0:<timestamp>:<body>`` and Bolt only checks that the timestamp lies within five minutes, so
the same signed request could be posted again and again in that window. The adapter records each valid
signature here first; the INSERT on the primary key decides, across instances, which copy is the first
(``ON CONFLICT DO NOTHING``: no exception on a race). Rows older than the window are deleted on the way, so
the table holds a few minutes of traffic at most.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Field, SQLModel

from storage.db import upsert
from storage.models import utc_column

REPLAY_WINDOW = timedelta(minutes=5)  # Slack's own window for a request's timestamp


class SeenRequest(SQLModel, table=True):
    __tablename__ = "seen_request"

    signature: str = Field(primary_key=True, max_length=100)
    seen_at: datetime = utc_column(index=True)


_TABLE = SeenRequest.__table__  # type: ignore[attr-defined]


def first_time(engine: Engine, signature: str, at: datetime, window: timedelta = REPLAY_WINDOW) -> bool:
    """Record ``signature`` (signed at ``at``); True only for the first copy seen by any instance."""
    insert = upsert(engine.dialect.name, _TABLE)
    with engine.begin() as connection:
        connection.execute(delete(_TABLE).where(_TABLE.c.seen_at < at - 2 * window))
        inserted = connection.execute(
            insert.values(signature=signature[:100], seen_at=at)
            .on_conflict_do_nothing(index_elements=["signature"])
            .returning(_TABLE.c.signature)
        ).first()
    return inserted is not None
