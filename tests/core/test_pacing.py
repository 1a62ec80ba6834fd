"""The pacer on a virtual clock: limits hold, waits are minimal, pauses are honoured."""

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.core.pacing import TELEGRAM_LIMITS, Limit, Limits, Pacer

T = TypeVar("T")


class VirtualTime:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def violations(times: list[float], limit: Limit) -> int:
    return sum(
        1 for i in range(limit.count, len(times)) if times[i] - times[i - limit.count] < limit.per - 1e-9
    )


def test_one_chat_is_paced_to_one_message_per_second():
    clock = VirtualTime()
    pacer = Pacer(TELEGRAM_LIMITS, monotonic=clock.monotonic, sleep=clock.sleep)

    async def go() -> list[float]:
        times = []
        for _ in range(10):
            await pacer.acquire("chat-1")
            times.append(clock.now)
        return times

    times = run(go())
    assert times == [float(i) for i in range(10)]


def test_many_chats_are_paced_to_the_overall_limit_without_violations():
    clock = VirtualTime()
    pacer = Pacer(TELEGRAM_LIMITS, monotonic=clock.monotonic, sleep=clock.sleep)

    async def go() -> list[float]:
        times = []
        for i in range(300):
            await pacer.acquire(f"chat-{i % 100}")
            times.append(clock.now)
        return times

    times = run(go())
    assert violations(times, Limit(30, 1.0)) == 0
    achieved = len(times) / (times[-1] - times[0] + 1.0)
    assert achieved >= 0.95 * 30 * (len(times) / (len(times) + 30))  # within the window edge effect


def test_groups_get_twenty_per_minute():
    clock = VirtualTime()
    pacer = Pacer(TELEGRAM_LIMITS, monotonic=clock.monotonic, sleep=clock.sleep)

    async def go() -> list[float]:
        times = []
        for _ in range(45):
            await pacer.acquire("group-1", is_group=True)
            times.append(clock.now)
        return times

    times = run(go())
    assert violations(times, Limit(20, 60.0)) == 0
    assert times[20] == 60.0 and times[40] == 120.0


def test_pause_after_retry_after_holds_that_chat_only():
    clock = VirtualTime()
    pacer = Pacer(Limits(per_chat=Limit(1, 1.0)), monotonic=clock.monotonic, sleep=clock.sleep)

    async def go() -> tuple[float, float]:
        await pacer.acquire("a")
        pacer.pause(5.0, "a")
        await pacer.acquire("b")
        other = clock.now
        await pacer.acquire("a")
        return other, clock.now

    other, paused = run(go())
    assert other == 0.0 and paused == 5.0


def test_a_group_also_gets_the_per_chat_limit():
    clock = VirtualTime()
    pacer = Pacer(TELEGRAM_LIMITS, monotonic=clock.monotonic, sleep=clock.sleep)

    async def go() -> list[float]:
        times = []
        for _ in range(3):
            await pacer.acquire("-100", is_group=True)
            times.append(clock.now)
        return times

    assert run(go()) == [0.0, 1.0, 2.0]


def test_a_waiting_chat_does_not_hold_up_other_chats():
    clock = VirtualTime()

    async def yielding_sleep(seconds: float) -> None:  # lets other tasks run before time moves on
        await asyncio.sleep(0)
        clock.now += seconds

    pacer = Pacer(TELEGRAM_LIMITS, monotonic=clock.monotonic, sleep=yielding_sleep)
    order: list[tuple[str, float]] = []

    async def send(chat: str) -> None:
        await pacer.acquire(chat)
        order.append((chat, clock.now))

    async def go() -> None:
        await send("a")
        waiting = asyncio.create_task(send("a"))  # must wait a second
        await asyncio.sleep(0)
        await send("b")  # goes at once, while "a" waits
        await waiting

    run(go())
    assert order == [("a", 0.0), ("b", 0.0), ("a", 1.0)]


def test_settle_counts_a_slow_send_from_when_it_finished():
    clock = VirtualTime()
    pacer = Pacer(TELEGRAM_LIMITS, monotonic=clock.monotonic, sleep=clock.sleep)

    async def go() -> float:
        await pacer.acquire("a")
        clock.now += 0.4  # the request took 0.4 s
        pacer.settle("a")
        await pacer.acquire("a")
        return clock.now

    assert run(go()) == 1.4


def test_a_held_send_stays_in_the_window_until_settled():
    clock = VirtualTime()

    async def yielding_sleep(seconds: float) -> None:
        await asyncio.sleep(0)
        clock.now += seconds

    pacer = Pacer(Limits(overall=Limit(2, 1.0)), monotonic=clock.monotonic, sleep=yielding_sleep)

    async def go() -> tuple[bool, float, float]:
        await pacer.acquire("a", hold=True)  # still on its way long after its window
        await pacer.acquire("b")
        clock.now += 5.0
        waiting = asyncio.ensure_future(pacer.acquire("c"))
        for _ in range(10):
            await asyncio.sleep(0)
        blocked = not waiting.done()
        settled_at = clock.now
        pacer.settle("a")
        await waiting
        return blocked, settled_at, clock.now

    blocked, settled_at, acquired_at = run(go())
    assert blocked and acquired_at - settled_at <= 0.05  # free as soon as "a" is done
