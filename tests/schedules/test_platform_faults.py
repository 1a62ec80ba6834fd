"""A platform that answers 429 with Retry-After and 502 for a while: everything arrives, once, in order
per recipient, never faster than the limits. Virtual time: the pacers' sleeps move the clock."""

import asyncio
from collections import defaultdict
from datetime import timedelta

from bot.core.clock import FixedClock
from bot.core.pacing import TELEGRAM_LIMITS
from tests.conftest import keyed_engine
from tests.schedules.helpers import (
    T0,
    FlakyPlatform,
    VirtualTime,
    add_members,
    bulk_outbox,
    make_dispatcher,
    statuses,
    violations,
)

MEMBERS = 40
PER_MEMBER = 8


def test_429_and_502_everything_arrives_in_order_within_the_limits(database_url):
    engine = keyed_engine(database_url)
    members, _ = add_members(engine, MEMBERS)
    bulk_outbox(
        engine,
        [
            {"dedupe_key": f"t:{m}:{i}", "member_id": m, "due_at": T0 + timedelta(seconds=i)}
            for i in range(PER_MEMBER)
            for m in members
        ],
    )
    clock = FixedClock(T0 + timedelta(seconds=PER_MEMBER))
    time = VirtualTime(clock)
    platform = FlakyPlatform(time=time, retry_after=3.0, every=7, bad_from=5.0, bad_until=35.0)
    dispatcher = make_dispatcher(
        engine, clock, {"telegram": platform}, time=time, limits={"telegram": TELEGRAM_LIMITS}
    )

    async def run() -> int:
        for rounds in range(500):  # bounded; each round is one tick, then one virtual second
            now = statuses(engine)
            if now.get("pending", 0) + now.get("claimed", 0) == 0:
                return rounds
            sent = await dispatcher.tick()
            time.advance(1.0 if sent else 5.0)
        raise AssertionError("the outbox did not drain")

    asyncio.run(run())

    assert statuses(engine) == {"sent": MEMBERS * PER_MEMBER}
    keys = [key for _, _, key in platform.sent]
    assert len(keys) == len(set(keys)) == MEMBERS * PER_MEMBER  # everything, once
    assert platform.refusals > 20  # the faults really happened
    per_chat: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for at, chat, key in platform.sent:
        per_chat[chat].append((at, key))
    for chat, sends in per_chat.items():
        member = chat.removeprefix("c")
        assert [key for _, key in sends] == [f"t:{member}:{i}" for i in range(PER_MEMBER)], chat
        assert violations([at for at, _ in sends], 1, 1.0) == 0, chat
    assert violations([at for at, _, _ in platform.sent], 30, 1.0) == 0
    for chat, until in platform.told_to_wait:
        assert all(at >= until - 1e-9 for at, key in per_chat[chat] if at > until - 3.0), chat
    engine.dispose()
