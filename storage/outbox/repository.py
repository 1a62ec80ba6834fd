"""The notification outbox: rows written with the change that causes them, claimed by the dispatcher.

A row's order key is ``(due_at, id)``; messages to one recipient (a member, or a group purpose) go out in
that order. ``due_at`` never moves once a row is queued: a row waiting for a retry stays ``pending`` with
``lease_until`` as its "not before" time, and while it waits it holds back every later row of its
recipient. A ``claimed`` row's ``lease_until`` is the end of its lease; when that passes (the dispatcher
died) the row can be claimed again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import col, select

from storage.models import GroupChat, Member, OutboxMessage, OutboxStatus
from storage.outbox import claim as outbox_claim
from storage.outbox.absence import Absence
from storage.outbox.deputies import last_named_deputies
from storage.outbox.forwarding import About, encode_case_ids, forwardable
from storage.outbox.reachability import preferred_identities, roles_of_members
from storage.repositories import Repository

ALREADY_SENT = (OutboxStatus.SENT, OutboxStatus.CLAIMED)


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
        case_ids: About | None = None,
    ) -> OutboxMessage | None:
        """Queue a message; a key already queued (in any state) is left alone and None returned.
        ``case_ids``: the cases it is about (empty: none), or ``PERSONAL``; not given, no deputy receives
        it (``storage/outbox/forwarding.py``)."""
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
            case_ids=encode_case_ids(case_ids),
        )
        self.session.add(message)
        self.session.flush()
        return message

    def schedule(
        self,
        dedupe_key: str,
        payload: dict[str, Any],
        *,
        due_at: datetime,
        now: datetime,
        member_id: int | None = None,
        group_purpose: str | None = None,
        expires_at: datetime | None = None,
        case_ids: About | None = None,
    ) -> bool:
        """Queue a rung of a rebuilt ladder: insert it, or re-queue the row with that key unless a
        dispatcher holds it right now (``claimed``). Returns whether the row is pending afterwards."""
        existing = self.by_key(dedupe_key)
        if existing is None:
            return (
                self.add(
                    dedupe_key,
                    payload,
                    due_at=due_at,
                    now=now,
                    member_id=member_id,
                    group_purpose=group_purpose,
                    expires_at=expires_at,
                    case_ids=case_ids,
                )
                is not None
            )
        if existing.status == OutboxStatus.CLAIMED:
            return False
        existing.payload = payload
        existing.due_at = due_at
        existing.expires_at = expires_at
        existing.member_id = member_id
        existing.group_purpose = group_purpose
        existing.case_ids = encode_case_ids(case_ids)
        existing.status = OutboxStatus.PENDING
        existing.attempts = 0
        existing.lease_until = None
        existing.sent_at = None
        existing.last_error = None
        self.session.add(existing)
        self.session.flush()
        return True

    def by_key(self, dedupe_key: str) -> OutboxMessage | None:
        return self.session.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)).first()

    def statuses(self, prefix: str) -> dict[str, str]:
        """Dedupe key -> status of every row whose key starts with ``prefix``."""
        statement = select(OutboxMessage.dedupe_key, OutboxMessage.status).where(
            col(OutboxMessage.dedupe_key).startswith(prefix, autoescape=True)
        )
        return {key: status for key, status in self.session.exec(statement).all()}

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

    def due_candidates(
        self,
        now: datetime,
        *,
        limit: int,
        per_recipient: int,
        scan: int | None = None,
        exclude: Collection[str] = (),
    ) -> list[tuple[int, str]]:
        """See ``storage.outbox.claim.due_candidates``."""
        return outbox_claim.due_candidates(
            self.session, now, limit=limit, per_recipient=per_recipient, scan=scan, exclude=exclude
        )

    def claim_due(
        self,
        now: datetime,
        *,
        limit: int = 100,
        lease: timedelta = timedelta(minutes=2),
        per_recipient: int = 10,
        exclude: Collection[str] = (),
    ) -> list[OutboxMessage]:
        """See ``storage.outbox.claim.claim_due``."""
        return outbox_claim.claim_due(
            self.session, now, limit=limit, lease=lease, per_recipient=per_recipient, exclude=exclude
        )

    def expire_missed(self, now: datetime, *, limit: int = 1000) -> list[OutboxMessage]:
        """Mark pending rows that are due and no longer useful (past ``expires_at``) expired; return them."""
        statement = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.status) == OutboxStatus.PENDING,
                col(OutboxMessage.due_at) <= now,
                col(OutboxMessage.expires_at).is_not(None),
                col(OutboxMessage.expires_at) <= now,
            )
            .order_by(col(OutboxMessage.due_at), col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(self.session.exec(statement).all())
        for row in rows:
            row.status = OutboxStatus.EXPIRED
            row.lease_until = None
            self.session.add(row)
        self.session.flush()
        return rows

    def mark_sent(self, message_id: int, now: datetime) -> None:
        self._set(message_id, status=OutboxStatus.SENT, sent_at=now, lease_until=None)

    def mark_expired(self, message_id: int) -> None:
        self._set(message_id, status=OutboxStatus.EXPIRED, lease_until=None)

    def retry_later(self, message_id: int, not_before: datetime, error: str) -> None:
        """Back to pending, not before ``not_before``; its due time (its place in line) stays."""
        self._set(message_id, status=OutboxStatus.PENDING, lease_until=not_before, last_error=error[:300])

    def release(self, message_ids: Sequence[int]) -> None:
        """Hand claimed rows back untried (their turn did not come within the lease)."""
        if message_ids:
            self.session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id).in_(message_ids), col(OutboxMessage.status) == "claimed")
                .values(
                    status=OutboxStatus.PENDING, lease_until=None, attempts=col(OutboxMessage.attempts) - 1
                )
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

    def pending_for_prefix(self, prefix: str) -> Sequence[OutboxMessage]:
        """Pending rows of one ladder (keys starting with ``prefix``), soonest first."""
        statement = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.dedupe_key).startswith(prefix, autoescape=True),
                OutboxMessage.status == OutboxStatus.PENDING,
            )
            .order_by(col(OutboxMessage.due_at))
        )
        return self.session.exec(statement).all()

    def depth(self) -> int:
        statement = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
        return int(self.session.exec(statement).one())

    def addresses(self, rows: Sequence[OutboxMessage], today: date | None = None) -> dict[int, Address]:
        """Where each row (by id) is delivered, in a few queries for a whole batch: a member's preferred
        identity (the one used last) and language, or the group linked to a purpose. A member away on
        ``today`` (``/afwezig``) is reached through their deputy; so is a member the bot cannot reach at
        all (blocked everywhere), through the deputy they named last (``storage/outbox/deputies.py``). A
        deputy gets a row only when they may know every case it is about (``storage/outbox/forwarding.py``);
        any other row goes to the member themselves, as if they were not away."""
        member_ids = {row.member_id for row in rows if row.member_id is not None}
        purposes = {row.group_purpose for row in rows if row.member_id is None and row.group_purpose}
        found: dict[int, Address] = {}
        by_member: dict[int, Address] = {}
        reader: dict[int, int] = {}  # row id -> the member who reads it (a deputy for an absent one)
        if member_ids:
            by_member = self._member_addresses(rows, member_ids, today, found, reader)
        groups: dict[str, Address] = {}
        if purposes:
            for group in self.session.exec(
                select(GroupChat)
                .where(col(GroupChat.purpose).in_(purposes))
                .order_by(col(GroupChat.id).desc())
            ).all():
                if group.purpose is not None:
                    groups[group.purpose] = Address(group.platform, group.chat_id, None, None)
        for row in rows:
            if row.id is None or row.id in found:
                continue
            if row.member_id is not None:
                found[row.id] = by_member.get(row.member_id, NOWHERE)
                reader[row.id] = row.member_id
            elif row.group_purpose in groups:
                found[row.id] = groups[row.group_purpose]
        if reader:
            roles = roles_of_members(self.session, set(reader.values()))
            for row_id, member_id in reader.items():  # the reader's roles: which buttons they are shown
                found[row_id] = replace(found[row_id], roles=roles.get(member_id, frozenset()))
        return found

    def _member_addresses(
        self,
        rows: Sequence[OutboxMessage],
        member_ids: set[int],
        today: date | None,
        found: dict[int, Address],
        reader: dict[int, int],
    ) -> dict[int, Address]:
        """Each member's own address (or their stand-in's when they are blocked everywhere); rows that go to
        a deputy instead are put in ``found``, with the deputy as their ``reader``."""
        absent = self._deputies(member_ids, today) if today is not None else {}
        lookup = member_ids | set(absent.values())
        people: dict[int | None, tuple[str, str | None]] = {}
        revoked: set[int | None] = set()  # a revoked member is reached by nothing, not even as a deputy
        columns = select(Member.id, Member.name, Member.language, Member.active)
        for member_id, name, language, active in self.session.exec(
            columns.where(col(Member.id).in_(lookup))
        ).all():
            people[member_id] = (name, language)
            if not active:
                revoked.add(member_id)
        absent = {member: deputy for member, deputy in absent.items() if deputy not in revoked}
        preferred = preferred_identities(self.session, lookup - {m for m in revoked if m is not None})
        stand_ins = last_named_deputies(
            self.session, [m for m in member_ids if m not in preferred and m not in revoked]
        )
        deputy_of: dict[int, int] = {}
        for member_id in member_ids:
            if member_id in absent and absent[member_id] in preferred:
                deputy_of[member_id] = absent[member_id]
            elif member_id in stand_ins and stand_ins[member_id][1].id is not None:
                deputy_of[member_id] = stand_ins[member_id][1].id  # type: ignore[assignment]
        allowed = forwardable(self.session, [r for r in rows if r.member_id not in revoked], deputy_of)
        for row in rows:
            member_id = row.member_id
            if row.id is None or member_id is None or row.id not in allowed:
                continue
            name = people.get(member_id, ("?", None))[0]
            if member_id in absent and absent[member_id] == deputy_of[member_id]:
                deputy = absent[member_id]
                reached = preferred[deputy]
                found[row.id] = Address(
                    reached.platform, reached.direct_chat_id, reached.external_id, people[deputy][1], name
                )
                reader[row.id] = deputy
            elif member_id in stand_ins:  # blocked everywhere: the deputy they named last
                identity, stand_in = stand_ins[member_id]
                found[row.id] = Address(
                    identity.platform,
                    identity.direct_chat_id,
                    identity.external_id,
                    stand_in.language,
                    name,
                    unreachable=True,
                )
                reader[row.id] = stand_in.id or 0
        own: dict[int, Address] = {}
        for member_id in member_ids:
            mine = preferred.get(member_id)
            if member_id in revoked or mine is None:
                own[member_id] = NOWHERE
                continue
            own[member_id] = Address(
                mine.platform, mine.direct_chat_id, mine.external_id, people[member_id][1]
            )
        return own

    def _deputies(self, member_ids: set[int], today: date) -> dict[int, int]:
        statement = select(Absence).where(
            col(Absence.member_id).in_(member_ids),
            col(Absence.from_on) <= today,
            col(Absence.to_on) >= today,
            col(Absence.ended_at).is_(None),
        )
        return {absence.member_id: absence.deputy_id for absence in self.session.exec(statement).all()}

    def _set(self, message_id: int, **values: Any) -> None:
        # a Core statement: no ORM session synchronisation, which costs more than the UPDATE itself
        table = OutboxMessage.__table__  # type: ignore[attr-defined]
        self.session.connection().execute(update(table).where(table.c.id == message_id).values(**values))


@dataclass(frozen=True)
class Address:
    platform: str | None
    chat_id: str | None
    user_id: str | None
    language: str | None
    on_behalf_of: str | None = None  # the absent member's name when a deputy is reached instead
    unreachable: bool = False  # the deputy stands in because the member blocked the bot, not for an absence
    roles: frozenset[str] | None = None  # the reading member's roles (None: a group, everyone's buttons)


NOWHERE = Address(None, None, None, None)


def add_many(repository: OutboxRepository, rows: Sequence[dict[str, Any]]) -> int:
    """Queue many messages (dicts of OutboxMessage columns: ``dedupe_key``, ``member_id``, ``payload``,
    ``due_at``, ``expires_at``, ``created_at``, ``case_ids`` as ``encode_case_ids`` makes it) with one key
    check per 500 keys and one multi-row INSERT: a series with 40 invitees writes thousands of reminder
    rows. Keys already queued, in any state, are left alone, as in ``OutboxRepository.add``."""
    existing: set[str] = set()
    keys = [row["dedupe_key"] for row in rows]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        statement = select(OutboxMessage.dedupe_key).where(col(OutboxMessage.dedupe_key).in_(chunk))
        existing.update(repository.session.exec(statement).all())
    fresh = [r for r in {r["dedupe_key"]: r for r in rows}.values() if r["dedupe_key"] not in existing]
    if fresh:
        values = [
            {"status": OutboxStatus.PENDING, "attempts": 0, "group_purpose": None, "case_ids": None, **r}
            for r in fresh
        ]
        repository.session.execute(insert(OutboxMessage), values)
    return len(fresh)
