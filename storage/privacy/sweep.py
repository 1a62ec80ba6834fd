"""Retention of the copies that are not a case: each on its own, short term (run by ``purge``).

- messages: a sent, cancelled, expired or failed outbox row keeps its payload for ``hours`` after it
  finished (for ``/mijn`` and a missed-message summary), then the payload is emptied; the row (key, times,
  status) stays for the dispatcher's bookkeeping;
- half-filled forms (a ``/signaal`` with a name and a description in it) untouched for ``hours`` go;
- details-in-privé links past their expiry go;
- informatieverzoeken older than their term lose the name or code that was asked about (the count stays);
- uploaded CSV files nobody imported or cancelled go after a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, Text, delete, func, or_, select, type_coerce, update
from sqlmodel import Session, col

from storage.cases.uploads import PendingUpload
from storage.models import FormState, OutboxMessage, OutboxStatus
from storage.network.flows import InfoRequest
from storage.privacy.copies import EMPTY_PAYLOAD, REMOVED
from storage.privacy.direct_requests import DirectRequest

FINISHED = (OutboxStatus.SENT, OutboxStatus.CANCELLED, OutboxStatus.EXPIRED, OutboxStatus.FAILED)
UPLOAD_HOURS = 24  # as handlers.signals.upload.KEEP_FOR


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.execute(statement).scalar_one())


def finished_messages(session: Session, now: datetime, hours: int, *, dry_run: bool) -> int:
    cutoff = now - timedelta(hours=hours)
    payload = OutboxMessage.__table__.c.payload  # type: ignore[attr-defined]
    where = (
        col(OutboxMessage.status).in_([str(s) for s in FINISHED]),
        col(OutboxMessage.created_at) <= cutoff,
        or_(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.sent_at) <= cutoff),
        type_coerce(payload, Text) != EMPTY_PAYLOAD,
    )
    count = _count(session, select(func.count(col(OutboxMessage.id))).where(*where))
    if count and not dry_run:
        # the literal is stored as is (legacy plaintext JSON reads back as ``{}``), so SQL can tell it
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        session.execute(update(table).where(*where).values(payload=type_coerce(EMPTY_PAYLOAD, Text)))
    return count


def stale_forms(session: Session, now: datetime, hours: int, *, dry_run: bool) -> int:
    where = col(FormState.updated_at) <= now - timedelta(hours=hours)
    count = _count(session, select(func.count(col(FormState.id))).where(where))
    if count and not dry_run:
        session.execute(delete(FormState).where(where))
    return count


def expired_links(session: Session, now: datetime, *, dry_run: bool) -> int:
    where = col(DirectRequest.expires_at) <= now
    count = _count(session, select(func.count()).select_from(DirectRequest).where(where))
    if count and not dry_run:
        session.execute(delete(DirectRequest).where(where))
    return count


def old_info_requests(session: Session, now: datetime, months: int, *, dry_run: bool) -> int:
    cutoff = now - relativedelta(months=months)
    where = (col(InfoRequest.created_at) <= cutoff, col(InfoRequest.query_key) != "")
    rows = list(session.execute(select(InfoRequest).where(*where)).scalars())
    if not dry_run:
        for request in rows:
            request.query = REMOVED
            request.query_key = ""
            session.add(request)
    return len(rows)


def stale_uploads(session: Session, now: datetime, *, dry_run: bool) -> int:
    where = col(PendingUpload.created_at) < now - timedelta(hours=UPLOAD_HOURS)
    count = _count(session, select(func.count(col(PendingUpload.id))).where(where))
    if count and not dry_run:
        session.execute(delete(PendingUpload).where(where))
    return count
