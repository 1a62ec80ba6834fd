"""The outbox dispatcher: expire what is no longer useful, claim due rows, send them paced, mark them.

One ``tick`` (APScheduler runs it every few seconds, and once at start-up):

1. *sweep*: due rows past their ``expires_at`` are marked expired and summarised in one message to
   procesregie, in the same transaction (this is the "missed during downtime" policy: at start-up every
   due row that is still useful is sent, the rest lands in that summary);
2. *claim*: due rows, in order per recipient, under a lease (``FOR UPDATE SKIP LOCKED`` on Postgres);
3. *send*, one message at a time (so a crash repeats at most the one in flight), round-robin over
   recipients, each send waiting for the platform's ``Pacer`` (per chat, per group, overall). A send
   that takes longer than ``patience`` (a chat answering 429 inside the adapter, a slow connection) goes
   on in the background, at most ``concurrency`` of them, while the loop serves the other recipients
   (also in later batches and ticks: its row stays claimed, so its later rows wait): a sick chat holds
   up only itself;
4. *mark*: sent; or back to pending with a "not before" time (backoff, or the platform's Retry-After):
   the recipient is *parked*, its later rows wait, everybody else goes on; or failed (permanent, or out
   of attempts) and summarised like the expired ones. Rows whose turn does not come within the lease,
   or that were not started when the dispatcher was stopped, go back untried.

A dispatcher only claims rows it can deliver: those whose recipient is reached on a platform it has a
sender for (``ketenbot console`` never touches a Telegram member's rows), and rows nobody can deliver
(no reachable identity) only when ``fail_unreachable`` (the ``ketenbot run`` runtime).

``stop()`` (SIGTERM) lets the sends in flight finish and be marked, and hands the rest back; a
cancellation during a send does the same (the send and its mark are shielded), so a stop neither
repeats nor loses a message and leaves no row ``claimed``.

Steps 2-4 repeat while a claim comes back full and was sent completely, so a backlog drains at the
platform's pace within one tick instead of one batch per tick.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock
from bot.core.i18n import Catalogue
from bot.core.pacing import Pacer
from bot.core.sending import BLOCKED, Sender, SendError
from bot.core.types import Outgoing
from schedules.delivery import Delivery, interleave, render, resolve
from schedules.dispatch_policy import (
    CONCURRENCY,
    MAX_ATTEMPTS,
    MAX_ROUNDS,
    PATIENCE,
    PLATFORM_LIMITS,
    STOP_GRACE,
    Offload,
    Outcome,
    Refresher,
    TickReport,
    backoff,
    finish_anyway,
    missed_item,
    recipient,
    with_margin,
)
from schedules.missed import MissedItem, queue_summary
from schedules.sweep import refresh_payloads, sweep_missed
from schedules.unreachable import mark_unreachable
from storage.models import OutboxMessage
from storage.outbox.marks import OutboxMarks
from storage.outbox.repository import Address
from storage.uow import UnitOfWork

__all__ = ["Dispatcher", "Outcome", "TickReport", "backoff", "with_margin"]

log = logging.getLogger("ketenbot.dispatcher")


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
        button_roles: Mapping[str, frozenset[str] | None] | None = None,
        concurrency: int = CONCURRENCY,
        patience: float | None = PATIENCE,
        fail_unreachable: bool = True,
        offload: Offload = asyncio.to_thread,
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
        self.button_roles = dict(button_roles or {})  # action id -> roles: a reader sees what they may press
        self.concurrency = max(1, concurrency)
        self.patience = patience
        self.fail_unreachable = fail_unreachable  # False: rows nobody can deliver are left for `run`
        self.offload = offload
        self.stopping = False
        self._running: asyncio.Task[int] | None = None
        self._background: set[asyncio.Task[None]] = set()  # slow sends going on beyond their batch
        if pacers is None:
            pacers = {
                name: Pacer(with_margin(PLATFORM_LIMITS[name]))
                for name in self.senders
                if name in PLATFORM_LIMITS
            }
        self.pacers = dict(pacers)
        self.last_report = TickReport()
        self.marks = OutboxMarks(uow_factory().engine)

    def add_sender(self, platform: str, sender: Sender) -> None:
        """A platform that became reachable after the start (bot/reconnect.py): from the next claim on, its
        recipients' rows are delivered (until then they were handed back untouched)."""
        self.senders[platform] = sender
        if platform in PLATFORM_LIMITS and platform not in self.pacers:
            self.pacers[platform] = Pacer(with_margin(PLATFORM_LIMITS[platform]))

    async def tick(self) -> int:
        """Deliver what is due now; returns how many messages were sent (0 once stopped)."""
        if self.stopping:
            return 0
        self._running = asyncio.current_task()  # type: ignore[assignment]
        try:
            return await self._tick()
        finally:
            self._running = None
            await finish_anyway(self.offload(self.marks.close))

    async def tick_job(self) -> int:
        """``tick`` for a scheduler: a cancellation at shutdown ends it quietly (the rows in flight are
        finished or handed back by then), instead of as a job error with a traceback."""
        try:
            return await self.tick()
        except asyncio.CancelledError:
            log.info("dispatcher tick cancelled: stopping")
            return 0

    async def settle(self, timeout: float = STOP_GRACE) -> None:
        """Wait (at most ``timeout`` seconds) for the sends that went on in the background (paced past
        ``patience``) to finish and be marked; unlike ``stop`` it lets them start their send."""
        if self._background:
            await asyncio.wait(set(self._background), timeout=timeout)

    async def stop(self, grace: float = STOP_GRACE) -> None:
        """Start no more sends; let the tick in progress finish its sends in flight (up to ``grace``
        seconds) and hand its other claimed rows back."""
        self.stopping = True
        running = self._running
        tasks: set[asyncio.Future[Any]] = set(self._background)
        if running is not None and not running.done() and running is not asyncio.current_task():
            tasks.add(running)
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=grace)
            for task in late:  # the sends still in flight are shielded: they finish or are handed back
                task.cancel()
            if late:
                await asyncio.wait(late, timeout=grace)
        await finish_anyway(self.offload(self.marks.close))

    async def _tick(self) -> int:
        report = TickReport()
        await self.offload(self.sweep)
        for _ in range(MAX_ROUNDS):
            if self.stopping:
                break
            deliveries = await self.offload(self.claim)
            leftover = await self._send_batch(deliveries, report)
            # a full batch sent completely: more may be due, so claim again at once rather than wait for
            # the next tick (with batch 100 and a 5 s interval the outbox could not reach 30/s otherwise)
            if len(deliveries) < self.batch or leftover:
                break
        if report.missed:
            await self.offload(self._summarise, report.missed)
        self.last_report = report
        return report.sent

    async def _send_batch(self, deliveries: list[Delivery], report: TickReport) -> int:
        """Send one claimed batch, round-robin over recipients; returns how many rows went back untried.
        Whatever happens (a stop, a cancellation, an error) every row of the batch ends marked or handed
        back, never left ``claimed``: a slow send's row is its background task's to finish."""
        # stop starting sends well before the lease ends, so no other instance takes a row we still send
        deadline = self.monotonic() + self.lease.total_seconds() * 0.8
        unfinished = {delivery.message_id for delivery in deliveries}
        parked: set[str] = set()  # must wait (retrying, untried) or busy with a slow send: later rows wait
        try:
            for delivery in interleave(deliveries):
                if self.stopping:
                    break
                if delivery.recipient in parked:
                    continue
                task = asyncio.create_task(self.deliver(delivery, deadline, report))
                done, _ = await asyncio.wait({task}, timeout=self.patience)  # None: until it is done
                if task not in done:  # goes on in the background; the others need not wait for it
                    unfinished.discard(delivery.message_id)
                    parked.add(delivery.recipient)
                    self._go_on_without(task, delivery)
                    while len(self._background) >= self.concurrency:
                        await asyncio.wait(self._background, return_when=asyncio.FIRST_COMPLETED)
                    continue
                outcome = task.result()
                if outcome is not Outcome.UNTRIED:
                    unfinished.discard(delivery.message_id)
                if outcome in (Outcome.UNTRIED, Outcome.RETRY):
                    parked.add(delivery.recipient)  # keep its order: later rows wait for this one
        finally:
            if unfinished:
                report.released += len(unfinished)
                await finish_anyway(self.offload(self._release, sorted(unfinished)))
        return len(unfinished)

    def _go_on_without(self, task: asyncio.Task[Outcome], delivery: Delivery) -> None:
        """Let a slow send finish on its own; its row is handed back if it ends without a mark."""

        async def finish() -> None:
            outcome: Outcome | None = None
            try:
                outcome = await task
            finally:
                if outcome is None or outcome is Outcome.UNTRIED:
                    if not task.done():
                        task.cancel()  # the send itself is shielded: it finishes or is abandoned
                        await asyncio.wait({task})
                    await finish_anyway(self.offload(self._release, [delivery.message_id]))

        background = asyncio.create_task(finish())
        self._background.add(background)
        background.add_done_callback(self._background.discard)

    def sweep(self) -> int:
        """Expire due rows that are no longer useful; one summary to procesregie. Returns how many."""
        return sweep_missed(self.uow_factory, self.clock)

    def claim(self) -> list[Delivery]:
        """Claim due rows this dispatcher can deliver. Rows for recipients reached on a platform it has
        no sender for (or on none, unless ``fail_unreachable``) are handed back in the same transaction
        and their recipients left out of the next look, so they are never touched."""
        uow = self.uow_factory()
        now = self.clock.now()
        rows: list[OutboxMessage] = []
        addresses: dict[int, Address] = {}
        skip: set[str] = set()
        with uow:
            for _ in range(5):  # bounded: each round leaves out the recipients found foreign
                got = uow.outbox.claim_due(
                    now, limit=self.batch - len(rows), lease=self.lease, per_recipient=self.per_recipient,
                    exclude=skip,
                )  # fmt: skip
                found = uow.outbox.addresses(got, self.clock.today())
                foreign = [row for row in got if not self._can_deliver(found.get(row.id or 0))]
                if foreign:
                    uow.outbox.release([row.id for row in foreign if row.id is not None])
                    skip.update(recipient(row) for row in foreign)
                rows += [row for row in got if row not in foreign]
                addresses.update(found)
                if not foreign or not got or len(rows) >= self.batch:
                    break
            deliveries = [
                resolve(row, addresses.get(row.id or 0), now, self.default_language) for row in rows
            ]
            uow.commit()
        return self._refreshed(rows, deliveries)

    def _can_deliver(self, address: Address | None) -> bool:
        if address is None or address.platform is None:
            return self.fail_unreachable
        return address.platform in self.senders

    def _refreshed(self, rows: list[OutboxMessage], deliveries: list[Delivery]) -> list[Delivery]:
        return refresh_payloads(self.uow_factory, self.refreshers, rows, deliveries)

    async def deliver(
        self, delivery: Delivery, deadline: float | None = None, report: TickReport | None = None
    ) -> Outcome:
        report = report if report is not None else TickReport()
        if delivery.expired:
            await self.offload(self._finish, delivery.message_id, "expired", None)
            report.missed.append(missed_item(delivery, failed=False))
            return Outcome.DROPPED
        sender = self.senders.get(delivery.platform or "")
        if sender is None:
            await self.offload(self._finish, delivery.message_id, "failed", "no reachable identity")
            report.missed.append(missed_item(delivery, failed=True))
            return Outcome.DROPPED
        pacer = self.pacers.get(delivery.platform or "")
        if pacer is not None:
            budget = 3600.0 if deadline is None else deadline - self.monotonic()
            try:
                await pacer.acquire(delivery.pace_key, delivery.is_group, max_wait=max(0.0, budget))
            except TimeoutError:
                return Outcome.UNTRIED  # its turn would come after the lease: hand it back
        if self.stopping:
            return Outcome.UNTRIED
        # the send and its mark are one step a cancellation (a stop) waits for: never sent and unmarked
        return await finish_anyway(self._send_and_mark(sender, delivery, pacer, report))

    async def _send_and_mark(
        self, sender: Sender, delivery: Delivery, pacer: Pacer | None, report: TickReport
    ) -> Outcome:
        try:
            await sender.send(self.render(delivery))
        except SendError as error:
            return await self._failed(delivery, error, pacer, report)
        except Exception as error:  # an adapter bug must not stall the batch: retried like a 5xx, logged
            log.exception("unexpected error sending %s", delivery.dedupe_key)
            return await self._failed(delivery, SendError(f"{type(error).__name__}: {error}"), pacer, report)
        await self.offload(self._finish, delivery.message_id, "sent", None)
        report.sent += 1
        return Outcome.SENT

    def render(self, delivery: Delivery) -> Outgoing:
        return render(self.catalogue, delivery, self.button_roles)

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
            await self.offload(self._unreachable, delivery.platform, delivery.user_id)
            await self.offload(self._retry, delivery.message_id, self.clock.now(), str(error))
            report.retried += 1
            return Outcome.RETRY
        if error.permanent or delivery.attempts >= MAX_ATTEMPTS:
            log.error("giving up on %s after %d attempts: %s", delivery.dedupe_key, delivery.attempts, error)
            await self.offload(self._finish, delivery.message_id, "failed", str(error))
            report.missed.append(missed_item(delivery, failed=True))
            return Outcome.DROPPED
        delay = error.retry_after if error.retry_after is not None else backoff(delivery.attempts)
        log.info("retrying %s in %.1fs: %s", delivery.dedupe_key, delay, error)
        not_before = self.clock.now() + timedelta(seconds=delay)
        await self.offload(self._retry, delivery.message_id, not_before, str(error))
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
