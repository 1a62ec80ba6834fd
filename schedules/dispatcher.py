"""The outbox dispatcher: expire what is no longer useful, claim due rows, send them paced, mark them.

One ``tick`` (APScheduler runs it every few seconds, and once at start-up):

1. *sweep*: due rows past their ``expires_at`` are marked expired and summarised in one message to
   procesregie, in the same transaction (this is the "missed during downtime" policy: at start-up every
   due row that is still useful is sent, the rest lands in that summary);
2. *claim*: due rows, in order per recipient, under a lease (``FOR UPDATE SKIP LOCKED`` on Postgres);
3. *send*, one message at a time (so a crash can repeat at most the one in flight), round-robin over
   recipients, each send waiting for the platform's ``Pacer`` (per chat, per group, overall);
4. *mark*: sent; or back to pending with a "not before" time (backoff, or the platform's Retry-After),
   which also holds back that recipient's later rows; or failed (permanent, or out of attempts) and
   summarised like the expired ones. Rows whose turn does not come within the lease go back untried.

Steps 2-4 repeat while a claim comes back full and was sent completely, so a backlog drains at the
platform's pace within one tick instead of one batch per tick.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.core.clock import Clock
from bot.core.i18n import Catalogue
from bot.core.pacing import SLACK_LIMITS, TELEGRAM_LIMITS, Limit, Limits, Pacer
from bot.core.sending import BLOCKED, Sender, SendError
from bot.core.types import Outgoing
from schedules.delivery import Delivery, interleave, render, resolve
from schedules.missed import MissedItem, queue_summary
from schedules.unreachable import mark_unreachable
from storage.models import OutboxMessage
from storage.outbox.claim import recipient_of
from storage.outbox.marks import OutboxMarks
from storage.uow import UnitOfWork

log = logging.getLogger("ketenbot.dispatcher")

MAX_ATTEMPTS = 12  # with the backoff below: about 90 minutes of trying before a row fails
BACKOFF_BASE = 5.0  # seconds; doubles per attempt
BACKOFF_CAP = 900.0
MAX_ROUNDS = 100  # claims per tick while every claim comes back full (a backlog drains in one tick)
PLATFORM_LIMITS: Mapping[str, Limits] = {"telegram": TELEGRAM_LIMITS, "slack": SLACK_LIMITS}
# A fresh payload for a claimed row, read in the claiming transaction (None: send the stored one). Keyed by
# the dedupe key's kind (``release`` of ``release:42:T-7@5``): text that must say how things stand when it
# is sent (a release alert names the nazorg items still open), or that must not sit in the outbox in
# plaintext (a case's scenario). Wired by the composition root.
Refresher = Callable[[UnitOfWork, OutboxMessage], dict[str, Any] | None]
PACING_MARGIN = 0.03  # windows 3% longer than the platform's: the pacer counts a send when it starts,
# the platform when it arrives, and arrivals jitter


def with_margin(limits: Limits, margin: float = PACING_MARGIN) -> Limits:
    """The same limits over slightly longer windows, so send-time jitter never breaks the platform's."""

    def stretch(limit: Limit | None) -> Limit | None:
        return None if limit is None else Limit(limit.count, limit.per * (1 + margin))

    return Limits(stretch(limits.overall), stretch(limits.per_chat), stretch(limits.per_group))


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed try (1-based): 5, 10, 20, ... capped at 15 min."""
    return float(min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1)))


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # back to pending with a "not before" time
    UNTRIED = "untried"  # its turn did not come within the lease: handed back
    DROPPED = "dropped"  # expired or failed, and summarised


@dataclass
class TickReport:
    sent: int = 0
    retried: int = 0
    released: int = 0
    missed: list[MissedItem] = field(default_factory=list)


class Dispatcher:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        catalogue: Catalogue,
        senders: Mapping[str, Sender],
        *,
        default_language: str = "nl",
        batch: int = 100,
        per_recipient: int = 10,
        lease: timedelta = timedelta(minutes=2),
        pacers: Mapping[str, Pacer] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        refreshers: Mapping[str, Refresher] | None = None,
    ) -> None:
        self.uow_factory = uow_factory
        self.clock = clock
        self.catalogue = catalogue
        self.senders = dict(senders)
        self.default_language = default_language
        self.batch = batch
        self.per_recipient = per_recipient
        self.lease = lease
        self.monotonic = monotonic
        self.refreshers = dict(refreshers or {})
        if pacers is None:
            pacers = {
                name: Pacer(with_margin(PLATFORM_LIMITS[name]))
                for name in self.senders
                if name in PLATFORM_LIMITS
            }
        self.pacers = dict(pacers)
        self.last_report = TickReport()
        self.marks = OutboxMarks(uow_factory().engine)

    async def tick(self) -> int:
        """Deliver what is due now; returns how many messages were sent."""
        try:
            return await self._tick()
        finally:
            await asyncio.to_thread(self.marks.close)

    async def _tick(self) -> int:
        report = TickReport()
        await asyncio.to_thread(self.sweep)
        for _ in range(MAX_ROUNDS):
            deliveries = await asyncio.to_thread(self.claim)
            leftover = await self._send_batch(deliveries, report)
            # a full batch sent completely: more may be due, so claim again at once rather than wait for
            # the next tick (with batch 100 and a 5 s interval the outbox could not reach 30/s otherwise)
            if len(deliveries) < self.batch or leftover:
                break
        if report.missed:
            await asyncio.to_thread(self._summarise, report.missed)
        self.last_report = report
        return report.sent

    async def _send_batch(self, deliveries: list[Delivery], report: TickReport) -> int:
        """Send one claimed batch, round-robin over recipients; returns how many rows went back untried."""
        # stop starting sends well before the lease ends, so no other instance takes a row we still send
        deadline = self.monotonic() + self.lease.total_seconds() * 0.8
        blocked: set[str] = set()
        leftover: list[int] = []
        for delivery in interleave(deliveries):
            if delivery.recipient in blocked:
                leftover.append(delivery.message_id)
                continue
            outcome = await self.deliver(delivery, deadline, report)
            if outcome is Outcome.UNTRIED:
                leftover.append(delivery.message_id)
            if outcome in (Outcome.UNTRIED, Outcome.RETRY):
                blocked.add(delivery.recipient)  # keep its order: later rows wait for this one
        if leftover:
            report.released += len(leftover)
            await asyncio.to_thread(self._release, leftover)
        return len(leftover)

    def sweep(self) -> int:
        """Expire due rows that are no longer useful; one summary to procesregie. Returns how many."""
        total = 0
        for _ in range(1000):  # bounded: 1000 rounds of 1000 rows
            uow = self.uow_factory()
            with uow:
                now = self.clock.now()
                rows = uow.outbox.expire_missed(now)
                if rows:
                    queue_summary(uow, [MissedItem.of(row) for row in rows], now, self.clock.tz)
                uow.commit()
            total += len(rows)
            if len(rows) < 1000:
                break
        if total:
            log.warning("expired %d reminders that were no longer useful", total)
        return total

    def claim(self) -> list[Delivery]:
        uow = self.uow_factory()
        now = self.clock.now()
        with uow:
            rows = uow.outbox.claim_due(
                now, limit=self.batch, lease=self.lease, per_recipient=self.per_recipient
            )
            addresses = uow.outbox.addresses(rows, self.clock.today())
            deliveries = [
                resolve(
                    row,
                    addresses.get(recipient_of(row.member_id, row.group_purpose)),
                    now,
                    self.default_language,
                )
                for row in rows
            ]
            uow.commit()
        return self._refreshed(rows, deliveries)

    def _refreshed(self, rows: list[OutboxMessage], deliveries: list[Delivery]) -> list[Delivery]:
        """Fresh payloads for rows whose kind has a refresher, read after the claim committed (so a
        failing refresher cannot undo the claim; the stored payload is sent instead, and logged)."""
        kinds = [row.dedupe_key.split(":", 1)[0] for row in rows]
        if not any(kind in self.refreshers for kind in kinds):
            return deliveries
        fresh = list(deliveries)
        uow = self.uow_factory()
        with uow:
            for index, (row, kind) in enumerate(zip(rows, kinds, strict=True)):
                refresher = self.refreshers.get(kind)
                if refresher is None:
                    continue
                try:
                    payload = refresher(uow, row)
                except Exception:  # the stored text still says the essentials
                    log.exception("could not refresh %s; sending the stored text", row.dedupe_key)
                    uow.rollback()
                    continue
                if payload is not None:
                    fresh[index] = replace(deliveries[index], payload=payload)
        return fresh

    async def deliver(
        self, delivery: Delivery, deadline: float | None = None, report: TickReport | None = None
    ) -> Outcome:
        report = report if report is not None else TickReport()
        if delivery.expired:
            await asyncio.to_thread(self._finish, delivery.message_id, "expired", None)
            report.missed.append(_item(delivery, failed=False))
            return Outcome.DROPPED
        sender = self.senders.get(delivery.platform or "")
        if sender is None:
            await asyncio.to_thread(self._finish, delivery.message_id, "failed", "no reachable identity")
            report.missed.append(_item(delivery, failed=True))
            return Outcome.DROPPED
        pacer = self.pacers.get(delivery.platform or "")
        if pacer is not None:
            budget = 3600.0 if deadline is None else deadline - self.monotonic()
            try:
                await pacer.acquire(delivery.pace_key, delivery.is_group, max_wait=max(0.0, budget))
            except TimeoutError:
                return Outcome.UNTRIED  # its turn would come after the lease: hand it back
        try:
            await sender.send(self.render(delivery))
        except SendError as error:
            return await self._failed(delivery, error, pacer, report)
        except Exception as error:  # an adapter bug must not stall the batch: retried like a 5xx, logged
            log.exception("unexpected error sending %s", delivery.dedupe_key)
            return await self._failed(delivery, SendError(f"{type(error).__name__}: {error}"), pacer, report)
        await asyncio.to_thread(self._finish, delivery.message_id, "sent", None)
        report.sent += 1
        return Outcome.SENT

    def render(self, delivery: Delivery) -> Outgoing:
        return render(self.catalogue, delivery)

    async def _failed(
        self, delivery: Delivery, error: SendError, pacer: Pacer | None, report: TickReport
    ) -> Outcome:
        if error.retry_after is not None and pacer is not None:
            pacer.pause(error.retry_after, delivery.pace_key)
        if (
            error.kind == BLOCKED
            and delivery.platform
            and delivery.user_id
            and delivery.attempts < MAX_ATTEMPTS
        ):
            # the member blocked the bot there: mark that identity unreachable (procesregie is told once)
            # and try again at once; the next claim resolves another identity, or fails and summarises
            await asyncio.to_thread(self._unreachable, delivery.platform, delivery.user_id)
            await asyncio.to_thread(self._retry, delivery.message_id, self.clock.now(), str(error))
            report.retried += 1
            return Outcome.RETRY
        if error.permanent or delivery.attempts >= MAX_ATTEMPTS:
            log.error("giving up on %s after %d attempts: %s", delivery.dedupe_key, delivery.attempts, error)
            await asyncio.to_thread(self._finish, delivery.message_id, "failed", str(error))
            report.missed.append(_item(delivery, failed=True))
            return Outcome.DROPPED
        delay = error.retry_after if error.retry_after is not None else backoff(delivery.attempts)
        log.info("retrying %s in %.1fs: %s", delivery.dedupe_key, delay, error)
        not_before = self.clock.now() + timedelta(seconds=delay)
        await asyncio.to_thread(self._retry, delivery.message_id, not_before, str(error))
        report.retried += 1
        return Outcome.RETRY

    def _finish(self, message_id: int, status: str, error: str | None) -> None:
        if status == "sent":
            self.marks.sent(message_id, self.clock.now())
        elif status == "expired":
            self.marks.expired(message_id)
        else:
            self.marks.failed(message_id, error or status)

    def _retry(self, message_id: int, not_before: datetime, error: str) -> None:
        self.marks.retry(message_id, not_before, error)

    def _unreachable(self, platform: str, user_id: str) -> None:
        with self.uow_factory() as uow:
            mark_unreachable(uow, platform, user_id, self.clock.now())

    def _release(self, message_ids: list[int]) -> None:
        self.marks.release(message_ids)

    def _summarise(self, items: list[MissedItem]) -> None:
        uow = self.uow_factory()
        with uow:
            queue_summary(uow, items, self.clock.now(), self.clock.tz)
            uow.commit()


def _item(delivery: Delivery, *, failed: bool) -> MissedItem:
    purpose = delivery.recipient.removeprefix("group:") if delivery.is_group else None
    return MissedItem(delivery.dedupe_key, delivery.due_at, delivery.member_id, purpose, failed)
