"""(d) one sick chat: 300 chats on Telegram's limits, one of them answering 429 (Retry-After 10 s) for the
first 60 s, the way the Telegram adapter meets it (PTB's rate limiter waits out each Retry-After and tries
again, up to 5 times, inside one send). Reported: the healthy chats' delay (sent - due) p50/p99, beside
the same run with every chat healthy.

Simulated time: the event loop's clock is virtual (it jumps to the next timer whenever nothing is ready),
the dispatcher's database work runs inline on the loop thread (so time never moves during it), and the
injected FixedClock moves with the loop. Four minutes of traffic take a few seconds of wall time.
"""

from __future__ import annotations

import asyncio
import selectors
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert

from bot.app import load_catalogue
from bot.core.clock import FixedClock
from bot.core.context import encode_reply
from bot.core.i18n import t
from bot.core.pacing import TELEGRAM_LIMITS, Pacer
from bot.core.sending import SendError
from bot.core.types import Outgoing, Reply
from schedules.dispatcher import Dispatcher, with_margin
from storage import migrate
from storage.db import make_engine
from storage.models import OrganisationKind, OutboxMessage, OutboxStatus, Role
from storage.uow import UnitOfWork

T = TypeVar("T")
START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
CHATS = 300
WAVES = 4  # each chat gets a reminder every minute; the waves arrive at 25/s, under the 30/s limit
ARRIVAL = 25.0
SICK_FOR = 60.0
RETRY_AFTER = 10.0
ADAPTER_ATTEMPTS = 5
TICK = 1.0  # KETENBOT_DISPATCH_INTERVAL_SECONDS for this run


class _VirtualSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.advance: Callable[[float], None] = lambda seconds: None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready or timeout is None or timeout <= 0:
            return ready if ready or timeout is not None else super().select(None)
        self.advance(timeout)  # nothing to do until the next timer: jump there
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self, clock: FixedClock) -> None:
        selector = _VirtualSelector()
        super().__init__(selector)
        selector.advance = self._advance
        self.clock = clock
        self.virtual = 0.0

    def time(self) -> float:
        return self.virtual

    def _advance(self, seconds: float) -> None:
        self.virtual += seconds
        self.clock.advance(timedelta(seconds=seconds))


async def inline(function: Callable[..., T], *args: Any) -> T:
    return function(*args)


class Platform:
    """Telegram as the dispatcher's sender sees it; the sick chat answers as the adapter did."""

    def __init__(self, loop: VirtualLoop, sick_chat: str | None, *, waits_inside: bool = False) -> None:
        self.loop = loop
        self.sick_chat = sick_chat
        self.waits_inside = waits_inside  # the adapter before issue 19: Retry-After waited out in the send
        self.sent: list[tuple[str, str, float]] = []

    async def send(self, message: Outgoing) -> None:
        chat = message.chat_id or ""
        if chat == self.sick_chat and not self.waits_inside and self.loop.time() < SICK_FOR:
            # the adapter now: an outbox send hands the 429 back at once; the dispatcher parks the chat
            raise SendError("429 Too Many Requests", retry_after=RETRY_AFTER)
        if chat == self.sick_chat:
            for _ in range(ADAPTER_ATTEMPTS):
                if self.loop.time() >= SICK_FOR:
                    break
                await asyncio.sleep(RETRY_AFTER)  # PTB's limiter waits out Retry-After, then tries again
            else:
                raise SendError("429 Too Many Requests", retry_after=RETRY_AFTER)
        self.sent.append((chat, message.dedupe_key or "", self.loop.time()))


def prepare(url: str) -> list[int]:
    migrate.upgrade(url)
    engine = make_engine(url)
    ids: list[int] = []
    with UnitOfWork(engine) as uow:
        organisation = uow.organisations.add("Bench", OrganisationKind.VHH)
        assert organisation.id is not None
        for index in range(CHATS):
            member = uow.members.add(f"Lid {index}", organisation.id, [Role.PARTNER], at=START)
            assert member.id is not None
            chat = f"c{member.id}"
            uow.identities.link(member.id, "telegram", chat, display_name=None, direct_chat_id=chat, at=START)
            ids.append(member.id)
        uow.commit()
    payload = encode_reply(Reply(t("outbox.missed_more", count=1)))
    rows = [
        {
            "dedupe_key": f"w{wave}:{member}",
            "member_id": member,
            "group_purpose": None,
            "payload": payload,
            "due_at": START + timedelta(seconds=wave * 60 + index / ARRIVAL),
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": START,
        }
        for wave in range(WAVES)
        for index, member in enumerate(ids)
    ]
    with engine.begin() as connection:
        connection.execute(insert(OutboxMessage.__table__), rows)  # type: ignore[attr-defined]
    engine.dispose()
    return ids


def run(url: str, sick: bool, patience: float | None = None, waits_inside: bool = False) -> dict[str, float]:
    ids = prepare(url)
    clock = FixedClock(START)
    loop = VirtualLoop(clock)
    platform = Platform(loop, f"c{ids[0]}" if sick else None, waits_inside=waits_inside)
    engine = make_engine(url)
    pacer = Pacer(with_margin(TELEGRAM_LIMITS), monotonic=loop.time)
    dispatcher = Dispatcher(
        lambda: UnitOfWork(engine), clock, load_catalogue(), {"telegram": platform},
        pacers={"telegram": pacer}, monotonic=loop.time, offload=inline, patience=patience,
    )  # fmt: skip
    due = {f"w{w}:{m}": w * 60 + i / ARRIVAL for w in range(WAVES) for i, m in enumerate(ids)}

    async def scheduler() -> None:  # APScheduler's interval job with max_instances=1, coalesced
        while len(platform.sent) < len(due) and loop.time() < 3600:
            await dispatcher.tick()
            await asyncio.sleep(TICK - loop.time() % TICK)
        await dispatcher.stop()

    wall = time.perf_counter()
    try:
        loop.run_until_complete(scheduler())
    finally:
        loop.close()
        engine.dispose()
    healthy = sorted(at - due[key] for chat, key, at in platform.sent if chat != platform.sick_chat)
    sick_sent = [at for chat, _, at in platform.sent if chat == platform.sick_chat]
    return {
        "healthy": len(healthy),
        "p50": statistics.median(healthy),
        "p99": healthy[int(len(healthy) * 0.99) - 1],
        "max": healthy[-1],
        "sick_first": min(sick_sent) if sick_sent else float("nan"),
        "wall": time.perf_counter() - wall,
    }


def bench_sick_chat(directory: Path) -> None:
    print(f"(d) one sick chat: {CHATS} chats x {WAVES} reminders (waves a minute apart, {ARRIVAL:.0f}/s),")
    print(f"    Telegram limits, tick every {TICK:.0f} s; simulated time; delay = sent - due, healthy chats")
    runs = (
        ("all healthy", False, None, False),
        ("one sick chat", True, None, False),  # the 429 handed back at once, every send awaited in turn
        ("sick, patience 1s", True, 1.0, True),  # the old adapter, with KETENBOT_DISPATCH_PATIENCE_SECONDS=1
        ("sick, as before", True, None, True),  # the old adapter and the old dispatcher (before issue 19)
    )
    for index, (label, sick, patience, waits_inside) in enumerate(runs):
        figures = run(f"sqlite:///{directory / f'sick{index}'}.db", sick, patience, waits_inside)
        extra = f"; sick chat's first message at {figures['sick_first']:.0f} s" if sick else ""
        print(
            f"    {label:17} {figures['healthy']:5.0f} sent: p50 {figures['p50']:.2f} s, "
            f"p99 {figures['p99']:.2f} s, max {figures['max']:.2f} s{extra} (wall {figures['wall']:.1f} s)"
        )
