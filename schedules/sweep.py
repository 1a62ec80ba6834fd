"""The dispatcher's database steps around a claim: expire what is no longer useful (with one summary to
procesregie), and re-read the payloads that must say how things stand when they are sent."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace

from bot.core.clock import Clock
from schedules.delivery import Delivery
from schedules.dispatch_policy import Refresher
from schedules.missed import MissedItem, queue_summary
from storage.models import OutboxMessage
from storage.uow import UnitOfWork

log = logging.getLogger("ketenbot.dispatcher")


def sweep_missed(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> int:
    """Expire due rows that are no longer useful; one summary to procesregie. Returns how many."""
    total = 0
    for _ in range(1000):  # bounded: 1000 rounds of 1000 rows
        uow = uow_factory()
        with uow:
            now = clock.now()
            rows = uow.outbox.expire_missed(now)
            if rows:
                queue_summary(uow, [MissedItem.of(row) for row in rows], now, clock.tz)
            uow.commit()
        total += len(rows)
        if len(rows) < 1000:
            break
    if total:
        log.warning("expired %d reminders that were no longer useful", total)
    return total


def refresh_payloads(
    uow_factory: Callable[[], UnitOfWork],
    refreshers: Mapping[str, Refresher],
    rows: list[OutboxMessage],
    deliveries: list[Delivery],
) -> list[Delivery]:
    """Fresh payloads for rows whose kind has a refresher, read after the claim committed (so a failing
    refresher cannot undo the claim; the stored payload is sent instead, and logged)."""
    kinds = [row.dedupe_key.split(":", 1)[0] for row in rows]
    if not any(kind in refreshers for kind in kinds):
        return deliveries
    fresh = list(deliveries)
    uow = uow_factory()
    with uow:
        for index, (row, kind) in enumerate(zip(rows, kinds, strict=True)):
            refresher = refreshers.get(kind)
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
