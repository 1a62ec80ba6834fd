"""Claiming due outbox rows: in order per recipient, safe with several dispatchers.

A row's place in line is ``(due_at, id)``. A recipient (a member, or a group purpose) is served in that
order: a row that must wait (retrying, or held by another dispatcher) holds back the recipient's later
rows. On Postgres rows are locked ``FOR UPDATE SKIP LOCKED``; the claiming UPDATE re-checks every row as
well, which is what keeps two processes apart on SQLite (no row locks).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.models import OutboxMessage, OutboxStatus

UNDELIVERED = (OutboxStatus.PENDING, OutboxStatus.CLAIMED)


def recipient_of(member_id: int | None, group_purpose: str | None) -> str:
    """The ordering unit: a member, or a group purpose."""
    return f"member:{member_id}" if member_id is not None else f"group:{group_purpose}"


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Pending and not waiting for a retry, or claimed by a dispatcher whose lease ran out."""
    return _claimable_columns(col(OutboxMessage.status), col(OutboxMessage.lease_until), now)


def _claimable_columns(status: Any, lease: Any, now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(status == OutboxStatus.PENDING, or_(lease.is_(None), lease <= now)),
        and_(status == OutboxStatus.CLAIMED, lease < now),
    )


def _not_to(recipients: Collection[str]) -> list[ColumnElement[bool]]:
    """Conditions that leave out rows for the given recipients."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    members = [int(r.removeprefix("member:")) for r in recipients if r.startswith("member:")]
    groups = [r.removeprefix("group:") for r in recipients if r.startswith("group:")]
    conditions: list[ColumnElement[bool]] = []
    if members:
        conditions.append(or_(table.c.member_id.is_(None), table.c.member_id.not_in(members)))
    if groups:
        conditions.append(or_(table.c.member_id.is_not(None), table.c.group_purpose.not_in(groups)))
    return conditions


def due_candidates(
    session: Session,
    now: datetime,
    *,
    limit: int,
    per_recipient: int,
    scan: int | None = None,
    exclude: Collection[str] = (),
) -> list[tuple[int, str]]:
    """Ids (with their recipient) that may be sent now, in order: for each recipient the first
    ``per_recipient`` due rows, stopping at the first row that must wait (retrying, or claimed).

    Every earlier row of a recipient comes earlier in ``(due_at, id)`` order, so looking at only the
    first ``scan`` due rows is exact for the rows it returns. When that prefix yields fewer than
    ``limit`` rows (its recipients are held up), the whole due set is looked at, so nobody starves.
    Recipients in ``exclude`` (``recipient_of`` values) are left out altogether."""
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    due = (
        sa_select(
            table.c.id,
            table.c.member_id,
            table.c.group_purpose,
            table.c.due_at,
            table.c.status,
            table.c.lease_until,
        )
        .where(table.c.status.in_(UNDELIVERED), table.c.due_at <= now, *_not_to(exclude))
        .order_by(table.c.due_at, table.c.id)
    )
    if scan is not None:
        found, complete = _first_in_line(session.execute(due.limit(scan)), now, limit, per_recipient)
        if complete:
            return found
    found, _ = _first_in_line(session.execute(due), now, limit, per_recipient)
    return found


def _first_in_line(
    rows: Iterable[Any], now: datetime, limit: int, per_recipient: int
) -> tuple[list[tuple[int, str]], bool]:
    """Walk due rows in order; per recipient keep rows up to the first one that must wait, at most
    ``per_recipient``. Returns the rows and whether ``limit`` was reached."""
    found: list[tuple[int, str]] = []
    taken: dict[str, int] = {}
    waiting: set[str] = set()
    for row_id, member_id, purpose, _due_at, status, lease_until in rows:
        recipient = recipient_of(member_id, purpose)
        if recipient in waiting:
            continue
        claimable = (status == OutboxStatus.PENDING and (lease_until is None or lease_until <= now)) or (
            status == OutboxStatus.CLAIMED and lease_until is not None and lease_until < now
        )
        if not claimable:
            waiting.add(recipient)
            continue
        if taken.get(recipient, 0) >= per_recipient:
            continue
        taken[recipient] = taken.get(recipient, 0) + 1
        found.append((int(row_id), recipient))
        if len(found) >= limit:
            return found, True
    return found, False


def claim_due(
    session: Session,
    now: datetime,
    *,
    limit: int = 100,
    lease: timedelta = timedelta(minutes=2),
    per_recipient: int = 10,
    exclude: Collection[str] = (),
) -> list[OutboxMessage]:
    """Claim due rows in order per recipient. On Postgres rows another dispatcher holds are skipped
    (``FOR UPDATE SKIP LOCKED``), and so is every later row of that recipient, to keep its order.
    Recipients in ``exclude`` (``recipient_of`` values) are not touched."""
    rows: dict[int, OutboxMessage] = {}
    stopped: set[str] = set(exclude)
    for _ in range(3):  # another dispatcher may lock our candidates first: look past its recipients
        candidates = due_candidates(
            session, now, limit=limit, per_recipient=per_recipient, scan=limit * 4, exclude=stopped
        )
        fresh = [row_id for row_id, _ in candidates if row_id not in rows]
        if not fresh:
            break
        locked_statement = (
            select(OutboxMessage)
            .where(col(OutboxMessage.id).in_(fresh), _claimable(now))
            .with_for_update(skip_locked=True)
        )
        locked = {row.id: row for row in session.exec(locked_statement).all()}
        skipped = False
        for row_id, recipient in candidates:
            row = rows.get(row_id) or locked.get(row_id)
            if row is None or recipient in stopped:
                stopped.add(recipient)  # someone else holds an earlier row: leave the rest for later
                skipped = True
                continue
            if len(rows) < limit:
                rows[row_id] = row
        if not skipped or len(rows) >= limit:
            break
    if not rows:
        return []
    # One UPDATE for the batch, re-checking that each row is still claimable: on SQLite, which has no
    # row locks, another process may have claimed some since we read them; only rows this UPDATE
    # changed are ours. The loaded objects get the same values without a flush of their own.
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    got = {
        int(row_id)
        for (row_id,) in session.connection().execute(
            update(table)
            .where(table.c.id.in_(list(rows)), _claimable_columns(table.c.status, table.c.lease_until, now))
            .values(status=OutboxStatus.CLAIMED, lease_until=now + lease, attempts=table.c.attempts + 1)
            .returning(table.c.id)
        )
    }
    claimed, undo, gaps = [], [], set()
    for row in sorted(rows.values(), key=lambda row: (row.due_at, row.id or 0)):
        recipient = recipient_of(row.member_id, row.group_purpose)
        if row.id not in got or recipient in gaps:
            gaps.add(recipient)  # taken by someone else: this recipient's later rows wait
            if row.id in got:
                undo.append(row.id)
            continue
        set_committed_value(row, "status", OutboxStatus.CLAIMED)
        set_committed_value(row, "lease_until", now + lease)
        set_committed_value(row, "attempts", row.attempts + 1)
        claimed.append(row)
    if undo:
        session.connection().execute(
            update(table)
            .where(table.c.id.in_(undo))
            .values(status=OutboxStatus.PENDING, lease_until=None, attempts=table.c.attempts - 1)
        )
    return claimed
