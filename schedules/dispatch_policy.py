"""The dispatcher's policy and bookkeeping: attempts and backoff, pacing margins, a send's outcome, a tick's
report, and the stop-safe await that lets a send in flight finish and be marked (``schedules/dispatcher.py``
runs the tick)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from bot.core.pacing import SLACK_LIMITS, TELEGRAM_LIMITS, Limit, Limits
from schedules.delivery import Delivery
from schedules.missed import MissedItem
from storage.models import OutboxMessage
from storage.outbox.claim import recipient_of
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
Offload = Callable[..., Awaitable[Any]]  # how blocking database work leaves the event loop
T = TypeVar("T")
CONCURRENCY = 16  # slow sends (past PATIENCE) that may go on in the background at once
# seconds a send may take before the loop goes on with other recipients without it; None (the default):
# every send is awaited in turn. A 429 does not need it: the adapters hand it back at once as a SendError with
# Retry-After and the chat is parked. Off by default because it makes what one tick sends depend on how fast
# the machine is; a deployment with slow links may turn it on (KETENBOT_DISPATCH_PATIENCE_SECONDS).
PATIENCE: float | None = None
STOP_GRACE = 10.0  # seconds a send in flight may take to finish when the dispatcher is stopped
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


def missed_item(delivery: Delivery, *, failed: bool) -> MissedItem:
    purpose = delivery.recipient.removeprefix("group:") if delivery.is_group else None
    return MissedItem(delivery.dedupe_key, delivery.due_at, delivery.member_id, purpose, failed)


def recipient(row: OutboxMessage) -> str:
    return recipient_of(row.member_id, row.group_purpose)


async def finish_anyway(work: Awaitable[T]) -> T:
    """Await ``work`` to the end even when the caller is cancelled meanwhile (a stop during a send: the
    send completes and is marked, then the cancellation goes on)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if not task.done():
            await asyncio.wait({task}, timeout=STOP_GRACE)
        if not task.done():
            task.cancel()  # the row goes back to pending: it may be sent once more, never lost
            log.warning("stopping: a send did not finish within %.0fs and was abandoned", STOP_GRACE)
        elif not task.cancelled() and task.exception() is None:
            log.info("stopping: finished the send in flight first")
        raise
