"""Shared pieces of the dispatcher tests: members with chat identities, bulk outbox rows, a virtual clock
that moves the injected ``FixedClock`` and the pacers together, and senders that record or misbehave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from bot.app import load_catalogue
from bot.core.clock import FixedClock
from bot.core.context import encode_reply
from bot.core.i18n import t
from bot.core.pacing import Limits, Pacer
from bot.core.sending import SendError
from bot.core.types import Outgoing, Reply
from schedules.dispatcher import Dispatcher
from storage.models import OrganisationKind, OutboxMessage, OutboxStatus, Role
from storage.uow import UnitOfWork

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # Thursday 09:00 in Amsterdam


def payload(n: int) -> dict[str, Any]:
    return encode_reply(Reply(t("outbox.missed_more", count=n)))


def add_members(
    engine: Engine, count: int, *, platform: str = "telegram", procesmanagers: int = 1
) -> tuple[list[int], list[int]]:
    """``count`` partners and ``procesmanagers`` procesmanagers, each with one identity on ``platform``."""
    uow = UnitOfWork(engine)
    partners: list[int] = []
    managers: list[int] = []
    with uow:
        organisation = uow.organisations.add("Veiligheidshuis Testregio", OrganisationKind.VHH)
        assert organisation.id is not None
        for index in range(count + procesmanagers):
            manager = index >= count
            role = Role.PROCESMANAGER if manager else Role.PARTNER
            member = uow.members.add(f"Lid {index}", organisation.id, [role], at=T0)
            assert member.id is not None
            uow.identities.link(
                member.id, platform, f"u{member.id}", display_name=None, direct_chat_id=f"c{member.id}", at=T0
            )
            (managers if manager else partners).append(member.id)
        uow.commit()
    return partners, managers


def bulk_outbox(engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Insert many rows at once: ``dedupe_key``, ``member_id``, ``due_at`` and optionally others."""
    defaults = {
        "group_purpose": None,
        "expires_at": None,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "lease_until": None,
        "sent_at": None,
        "last_error": None,
        "created_at": T0,
    }
    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            chunk = [
                {**defaults, "payload": payload(i), **row} for i, row in enumerate(rows[start : start + 5000])
            ]
            connection.execute(insert(table), chunk)


def statuses(engine: Engine) -> dict[str, int]:
    from sqlalchemy import func, select

    table = OutboxMessage.__table__  # type: ignore[attr-defined]
    with engine.connect() as connection:
        result = connection.execute(select(table.c.status, func.count()).group_by(table.c.status))
        return {str(status): int(count) for status, count in result}


class VirtualTime:
    """Monotonic seconds for the pacers; sleeping moves this and the FixedClock forward, never waits."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        self.clock.advance(timedelta(seconds=seconds))


@dataclass
class Recorder:
    """Records what arrives (platform's view): when (virtual seconds), where and which key."""

    time: VirtualTime | None = None
    sent: list[tuple[float, str, str]] = field(default_factory=list)

    async def send(self, message: Outgoing) -> None:
        at = self.time.now if self.time else 0.0
        self.sent.append((at, message.chat_id or message.user_id or "", message.dedupe_key or ""))


@dataclass
class FlakyPlatform(Recorder):
    """Refuses: every ``every``-th call with 429 Retry-After, and 502 during [bad_from, bad_until)."""

    retry_after: float = 3.0
    every: int = 7
    bad_from: float = 10.0
    bad_until: float = 40.0
    calls: int = 0
    refusals: int = 0
    told_to_wait: list[tuple[str, float]] = field(default_factory=list)  # (chat, until)

    async def send(self, message: Outgoing) -> None:
        self.calls += 1
        now = self.time.now if self.time else 0.0
        if self.bad_from <= now < self.bad_until:
            self.refusals += 1
            raise SendError("502 Bad Gateway")
        if self.calls % self.every == 0:
            self.refusals += 1
            self.told_to_wait.append((message.chat_id or "", now + self.retry_after))
            raise SendError("429 Too Many Requests", retry_after=self.retry_after)
        await super().send(message)


def make_dispatcher(
    engine: Engine,
    clock: FixedClock,
    senders: dict[str, Any],
    *,
    time: VirtualTime | None = None,
    limits: dict[str, Limits] | None = None,
    **options: Any,
) -> Dispatcher:
    pacers = None
    if limits is not None:
        assert time is not None
        pacers = {
            name: Pacer(limit, monotonic=time.monotonic, sleep=time.sleep) for name, limit in limits.items()
        }
    return Dispatcher(
        lambda: UnitOfWork(engine),
        clock,
        load_catalogue(),
        senders,
        pacers=pacers if pacers is not None else {},
        monotonic=time.monotonic if time else (lambda: 0.0),
        **options,
    )


def violations(times: list[float], count: int, per: float) -> int:
    """Sends that broke "at most ``count`` in any ``per`` seconds"."""
    ordered = sorted(times)
    return sum(1 for i in range(count, len(ordered)) if ordered[i] - ordered[i - count] < per - 1e-9)
